import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyLineDeltas, mergeOrder, openUnits, type OrderState } from "./order-state";

const t = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));

function state(minute: number, open: number[], cancelled: number | null = null): OrderState {
  return {
    updatedAt: t(minute),
    cancelledAt: cancelled === null ? null : t(cancelled),
    lines: open.map((o, i) => ({ shopifyId: String(100 + i), variantShopifyId: String(200 + i), sku: `SKU-${i}`, quantity: 5, openQuantity: o })),
  };
}

/** Applies payloads one after another as the apply service does. */
function fold(payloads: OrderState[]): OrderState | null {
  let stored: OrderState | null = null;
  for (const p of payloads) {
    const r: ReturnType<typeof mergeOrder<OrderState>> = mergeOrder(stored, p);
    if (r.kind === "insert" || r.kind === "update") stored = r.state;
  }
  return stored;
}

describe("mergeOrder", () => {
  it("inserts a new order", () => {
    expect(mergeOrder(null, state(1, [2, 3]))).toMatchObject({ kind: "insert", state: { lines: [{ openQuantity: 2 }, { openQuantity: 3 }] } });
  });

  it("ignores a payload older than the stored state", () => {
    expect(mergeOrder(state(5, [1]), state(4, [5]))).toEqual({ kind: "stale" });
  });

  it("a newer payload replaces quantities", () => {
    expect(mergeOrder(state(1, [5]), state(2, [3]))).toMatchObject({ kind: "update", state: { lines: [{ openQuantity: 3 }] } });
  });

  it("a cancel that arrives before its create ends cancelled with nothing open", () => {
    const create = state(1, [5, 5]);
    const cancel = state(2, [0, 0], 2);
    expect(fold([cancel, create])).toMatchObject({ cancelledAt: t(2), lines: [{ openQuantity: 0 }, { openQuantity: 0 }] });
  });

  it("a cancelled payload closes every line even if it lists open units", () => {
    expect(fold([state(1, [4], 1)])?.lines[0].openQuantity).toBe(0);
  });

  it("cancellation is sticky against a newer payload that lacks it", () => {
    expect(fold([state(2, [0], 2), state(3, [4])])).toMatchObject({ cancelledAt: t(2), lines: [{ openQuantity: 0 }] });
  });

  it("same updated_at merges monotonically: cancelled wins, smaller open wins", () => {
    expect(fold([state(2, [1, 4]), state(2, [3, 2])])?.lines.map((l) => l.openQuantity)).toEqual([1, 2]);
    expect(mergeOrder(state(2, [1]), state(2, [1]))).toEqual({ kind: "unchanged" });
  });

  it("a line the newer payload no longer lists keeps nothing open", () => {
    const edited = { ...state(2, [2]) };
    expect(fold([state(1, [5, 5]), edited])?.lines.map((l) => [l.shopifyId, l.openQuantity])).toEqual([["100", 2], ["101", 0]]);
  });

  it("open quantity is clamped into 0..quantity", () => {
    expect(fold([state(1, [9, -2])])?.lines.map((l) => l.openQuantity)).toEqual([5, 0]);
  });

  it("property: any arrival order of a history ends at the newest state (cancel sticky)", () => {
    // A history of states with increasing updated_at where open only decreases, ending possibly cancelled.
    const history = fc
      .array(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 })
      .chain((steps) =>
        fc.record({
          steps: fc.constant(steps),
          cancelAt: fc.option(fc.integer({ min: 0, max: steps.length - 1 }), { nil: null }),
          order: fc.shuffledSubarray(
            steps.map((_, i) => i),
            { minLength: steps.length, maxLength: steps.length },
          ),
          dup: fc.array(fc.integer({ min: 0, max: steps.length - 1 }), { maxLength: 3 }),
        }),
      );
    fc.assert(
      fc.property(history, ({ steps, cancelAt, order, dup }) => {
        let open = [5, 5];
        const states = steps.map((s, i) => {
          open = open.map((o, j) => Math.min(o, s[j]));
          const cancelled = cancelAt !== null && i >= cancelAt ? cancelAt : null;
          return state(i, cancelled === null ? open : [0, 0], cancelled);
        });
        const delivered = [...order, ...dup].map((i) => states[i]);
        const result = fold(delivered)!;
        const newest = states[states.length - 1];
        expect(result.updatedAt).toEqual(newest.updatedAt);
        expect(result.cancelledAt).toEqual(newest.cancelledAt);
        expect(result.lines.map((l) => l.openQuantity)).toEqual(newest.lines.map((l) => l.openQuantity));
      }),
    );
  });
});

describe("applyLineDeltas", () => {
  it("reduces open units for an event newer than the stored state and becomes as new as the event", () => {
    const r = applyLineDeltas(state(1, [5, 5]), t(2), [{ lineShopifyId: "100", reduceBy: 2 }]);
    expect(r).toMatchObject({ kind: "update", state: { updatedAt: t(2), lines: [{ openQuantity: 3 }, { openQuantity: 5 }] } });
  });

  it("skips an event the stored state already reflects", () => {
    expect(applyLineDeltas(state(2, [3]), t(2), [{ lineShopifyId: "100", reduceBy: 2 }])).toEqual({ kind: "stale" });
  });

  it("after a fulfilment applied as a delta, the older pre-fulfilment payload is ignored", () => {
    const afterDelta = applyLineDeltas(state(1, [5]), t(3), [{ lineShopifyId: "100", reduceBy: 5 }]);
    if (afterDelta.kind !== "update") throw new Error("expected update");
    expect(mergeOrder(afterDelta.state, state(2, [5]))).toEqual({ kind: "stale" });
    expect(openUnits(afterDelta.state)).toBe(0);
  });

  it("never goes below zero nor above the ordered quantity; unknown lines are ignored", () => {
    const r = applyLineDeltas(state(1, [1]), t(2), [
      { lineShopifyId: "100", reduceBy: 4 },
      { lineShopifyId: "999", reduceBy: 1 },
    ]);
    expect(r.kind === "update" && r.state.lines.map((l) => l.openQuantity)).toEqual([0]);
    const added = applyLineDeltas(state(1, [4]), t(2), [{ lineShopifyId: "100", reduceBy: -3 }]);
    expect(added.kind === "update" && added.state.lines[0].openQuantity).toBe(5);
  });
});
