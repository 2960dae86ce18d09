import type { NumberedLine } from "../../scripts/lib/replay-files";
import { performLine } from "../../scripts/lib/replay-run";
import { InputError, type ShopifyDouble } from "../../test/shopify-double";
import type { Window } from "./measure";
import type { TimedAction } from "./stream";

export interface PlayTarget {
  double: ShopifyDouble;
  shop: string;
  /** Orders this double refused (their cancels are skipped there); filled as the stream plays. */
  refusedIds: Set<number>;
}

/**
 * Plays timed actions on each target double at their times (Shopify's side: checkouts, cancels,
 * stock counts, each sending its webhooks); a cancel of an order a double refused is skipped
 * there. `late` is how far behind its schedule the driver got at worst.
 */
export async function play(actions: TimedAction[], targets: PlayTarget[]): Promise<Window & { lateMs: number }> {
  const start = Date.now();
  let late = 0;
  for (const [i, { atMs, action }] of actions.entries()) {
    const wait = start + atMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else late = Math.max(late, -wait);
    const line: NumberedLine = { line: i + 1, action };
    for (const t of targets) {
      if (action.do === "cancel" && t.refusedIds.has(action.id)) continue;
      try {
        const accepted = await performLine(t.double, t.shop, line);
        if (action.do === "order" && accepted === false) t.refusedIds.add(action.id);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
      }
    }
  }
  return { start, end: Date.now(), lateMs: late };
}
