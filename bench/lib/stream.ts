import type { ScriptLine } from "../../scripts/lib/replay-files";
import { prng } from "../../test/shopify-double/webhooks";
import { AMAZON_LOCATION, STORES, WAREHOUSE, type Sku } from "./catalogue";

/**
 * A deterministic flash-sale order stream: `ordersPerMinute` orders spread evenly over
 * `seconds`, ~2 lines an order (1–3), SKUs drawn by popularity (Zipf-like), channel mix web 60% /
 * Amazon 20% / POS 15% / wholesale 5%, and ~2% of earlier orders cancelled.
 */

export interface StreamParams {
  ordersPerMinute: number;
  seconds: number;
  seed: number;
}

export interface TimedAction {
  atMs: number;
  action: ScriptLine;
}

export function buildStream(skus: Sku[], p: StreamParams): TimedAction[] {
  const rnd = prng(p.seed);
  const cumulative: number[] = [];
  let acc = 0;
  for (const s of skus) cumulative.push((acc += s.weight));
  const pick = () => {
    const x = rnd() * acc;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return skus[lo].sku;
  };
  const out: TimedAction[] = [];
  const orders = Math.round((p.ordersPerMinute * p.seconds) / 60);
  const gap = (p.seconds * 1000) / Math.max(1, orders);
  const placed: number[] = [];
  for (let i = 0; i < orders; i++) {
    const atMs = Math.round(i * gap);
    const id = 100_000 + i;
    const r = rnd();
    const nLines = r < 0.3 ? 1 : r < 0.75 ? 2 : 3;
    const chosen = new Set<string>();
    while (chosen.size < nLines) chosen.add(pick());
    const c = rnd();
    let action: ScriptLine;
    if (c < 0.6) action = order(id, "web", WAREHOUSE, [...chosen], 1);
    else if (c < 0.8) action = order(id, "amazon", AMAZON_LOCATION, [...chosen], 1);
    else if (c < 0.95) action = order(id, "pos", STORES[Math.floor(rnd() * STORES.length)], [...chosen], 1);
    else action = { ...order(id, "shopify_draft_order", WAREHOUSE, [...chosen], 2 + Math.floor(rnd() * 6)), b2b: true, shipBy: "2026-12-08" };
    out.push({ atMs, action });
    placed.push(id);
    if (rnd() < 0.02 && placed.length > 5) {
      const victim = placed.splice(Math.floor(rnd() * (placed.length - 1)), 1)[0];
      out.push({ atMs: atMs + Math.round(gap / 2), action: { do: "cancel", id: victim } });
    }
  }
  return out;
}

function order(id: number, sourceName: string, location: number, skus: string[], qty: number): Extract<ScriptLine, { do: "order" }> {
  return { do: "order", id, sourceName, location, lines: skus.map((sku) => ({ sku, qty })), b2b: false, tags: [] };
}
