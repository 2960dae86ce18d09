/**
 * Merging Shopify order payloads into the stored state of an order, whatever order they arrive in.
 * Pure: no I/O, no clock. Shopify's `updated_at` orders the states of one order:
 * - a payload older than what is stored is ignored (it describes a past state);
 * - a newer payload replaces the lines' quantities, but a cancellation is sticky (Shopify never
 *   un-cancels an order), so a cancel that arrived before its create still ends cancelled;
 * - a payload with the same `updated_at` can only be another view of the same state (orders/updated
 *   and orders/cancelled share one body), so it is merged monotonically: cancelled wins, open
 *   quantities take the smaller value. Merging is idempotent and commutative for equal timestamps.
 * Deltas that carry no order state (a fulfilment, a refund, an order edit) are applied only when
 * they are newer than the stored state; an older one is already reflected in it.
 */

export interface OrderLineState {
  /** Shopify line item id (decimal string). */
  shopifyId: string;
  variantShopifyId: string | null;
  sku: string | null;
  quantity: number;
  /** Units still to ship: 0 once cancelled, fulfilled or removed. */
  openQuantity: number;
}

export interface OrderState {
  updatedAt: Date;
  cancelledAt: Date | null;
  lines: OrderLineState[];
}

export type MergeOutcome<S extends OrderState> =
  | { kind: "insert"; state: S }
  | { kind: "update"; state: S }
  | { kind: "unchanged" }
  | { kind: "stale" };

function closeIfCancelled<S extends OrderState>(state: S): S {
  if (state.cancelledAt === null) return state;
  return { ...state, lines: state.lines.map((l) => ({ ...l, openQuantity: 0 })) };
}

function sameLines(a: OrderLineState[], b: OrderLineState[]): boolean {
  if (a.length !== b.length) return false;
  const byId = new Map(a.map((l) => [l.shopifyId, l]));
  return b.every((l) => {
    const o = byId.get(l.shopifyId);
    return !!o && o.quantity === l.quantity && o.openQuantity === l.openQuantity && o.sku === l.sku && o.variantShopifyId === l.variantShopifyId;
  });
}

/** Lines of `incoming`, plus stored lines it no longer lists (removed by an edit: nothing open). */
function withDroppedLines(stored: OrderLineState[], incoming: OrderLineState[]): OrderLineState[] {
  const seen = new Set(incoming.map((l) => l.shopifyId));
  return [...incoming, ...stored.filter((l) => !seen.has(l.shopifyId)).map((l) => ({ ...l, openQuantity: 0 }))];
}

/**
 * The state after `incoming` (a whole order payload) meets `stored` (null when the order is new).
 * Extra fields of S (channel, tags, ...) come from the winning payload.
 */
export function mergeOrder<S extends OrderState>(stored: S | null, incoming: S): MergeOutcome<S> {
  const clean = (s: S): S => ({ ...s, lines: s.lines.map((l) => ({ ...l, openQuantity: Math.max(0, Math.min(l.openQuantity, l.quantity)) })) });
  if (stored === null) return { kind: "insert", state: closeIfCancelled(clean(incoming)) };
  const diff = incoming.updatedAt.getTime() - stored.updatedAt.getTime();
  if (diff < 0) return { kind: "stale" };
  let next: S;
  if (diff > 0) {
    const inc = clean(incoming);
    next = closeIfCancelled({ ...inc, cancelledAt: inc.cancelledAt ?? stored.cancelledAt, lines: withDroppedLines(stored.lines, inc.lines) });
  } else {
    const inc = clean(incoming);
    const storedById = new Map(stored.lines.map((l) => [l.shopifyId, l]));
    const lines = withDroppedLines(stored.lines, inc.lines).map((l) => {
      const s = storedById.get(l.shopifyId);
      return s ? { ...l, openQuantity: Math.min(s.openQuantity, l.openQuantity) } : l;
    });
    next = closeIfCancelled({ ...inc, cancelledAt: stored.cancelledAt ?? inc.cancelledAt, lines });
  }
  const changed =
    !sameLines(stored.lines, next.lines) ||
    (stored.cancelledAt?.getTime() ?? null) !== (next.cancelledAt?.getTime() ?? null) ||
    diff > 0;
  return changed ? { kind: "update", state: next } : { kind: "unchanged" };
}

export interface LineDelta {
  lineShopifyId: string;
  /** Units leaving (fulfilled, refunded before shipping, removed by an edit): positive. Units added by an edit: negative. */
  reduceBy: number;
}

/**
 * Applies a delta event that happened at `at` (a fulfilment's or refund's created_at, an edit's
 * committed_at). If the stored state is as new or newer, it already reflects the event: nothing
 * changes. Otherwise open quantities move by the deltas (within 0..quantity) and the stored
 * state becomes as new as the event, so that older whole-order payloads cannot undo it.
 * Lines the order does not have are ignored (their order payload will bring them).
 */
export function applyLineDeltas<S extends OrderState>(stored: S, at: Date, deltas: LineDelta[]): MergeOutcome<S> {
  if (stored.updatedAt.getTime() >= at.getTime()) return { kind: "stale" };
  const byLine = new Map<string, number>();
  for (const d of deltas) byLine.set(d.lineShopifyId, (byLine.get(d.lineShopifyId) ?? 0) + d.reduceBy);
  const lines = stored.lines.map((l) => {
    const reduce = byLine.get(l.shopifyId);
    if (reduce === undefined || stored.cancelledAt !== null) return l;
    return { ...l, openQuantity: Math.max(0, Math.min(l.quantity, l.openQuantity - reduce)) };
  });
  return { kind: "update", state: { ...stored, updatedAt: at, lines } };
}

/** Units each line reserves: open quantity of uncancelled orders. */
export function openUnits(state: OrderState): number {
  return state.cancelledAt === null ? state.lines.reduce((s, l) => s + l.openQuantity, 0) : 0;
}
