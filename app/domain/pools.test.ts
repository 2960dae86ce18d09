import { describe, expect, it } from "vitest";
import { transitionPools, type PoolSnapshot } from "./pools";
import { ch, pool, row, run, type ScenarioInput } from "./testing";

// web (priority 1) and amazon (priority 2) split one warehouse 70/30. At the rebalance:
// on hand 100, free supply F_T = 100, entitlements 70 and 30.
const channels = [
  ch("web", ["wh"], 0, { priority: 1, mode: "ringfenced", percent: 70 }),
  ch("amazon", ["wh"], 0, { priority: 2, mode: "ringfenced", percent: 30 }),
];
const snapshot: PoolSnapshot = {
  freeSupply: 100,
  channels: [
    { channel: "web", priority: 1, percent: 70, cap: null, entitlement: 70 },
    { channel: "amazon", priority: 2, percent: 30, cap: null, entitlement: 30 },
  ],
};

describe("transitionPools: pools from state (ΔS = F + Σ sold − F_T)", () => {
  it.each([
    // name, sold, F now, expected pools
    ["nothing happened", {}, 100, { web: 70, amazon: 30 }],
    // amazon sells 30: F = 70, ΔS = 70 + 30 − 100 = 0 → web untouched, amazon 30 − 30
    ["marketplace flash sale leaves web untouched", { amazon: 30 }, 70, { web: 70, amazon: 0 }],
    // the same orders shipped: on hand and open orders drop together, F stays 70
    ["shipping changes nothing", { amazon: 30 }, 70, { web: 70, amazon: 0 }],
    // count down by 10: ΔS = −10, pools (100) no longer fit F (90): cut the lowest priority
    ["shrinkage hits the lowest priority first", {}, 90, { web: 70, amazon: 20 }],
    ["a larger shrink reaches the next priority", {}, 20, { web: 20, amazon: 0 }],
    // receipt of 50: ΔS = 50 → 35 / 15
    ["a receipt is split by percent", {}, 150, { web: 105, amazon: 45 }],
    // ΔS = 11: floor(7.7) = 7, floor(3.3) = 3, remainder 1 to the highest priority
    ["the rounding remainder goes to the highest priority", {}, 111, { web: 78, amazon: 33 }],
    // web sold 10 and amazon 5, then a receipt of 20: F = 100 − 15 + 20 = 105, ΔS = 20
    ["sales and a receipt together", { web: 10, amazon: 5 }, 105, { web: 74, amazon: 31 }],
  ])("%s", (_name, sold, freeSupply, expected) => {
    expect(transitionPools(snapshot, { sold, freeSupply })).toEqual(expected);
  });

  it("a cancellation restores exactly what the sale took", () => {
    const sold = transitionPools(snapshot, { sold: { amazon: 10 }, freeSupply: 90 });
    expect(sold).toEqual({ web: 70, amazon: 20 });
    expect(transitionPools(snapshot, { sold: { amazon: 0 }, freeSupply: 100 })).toEqual({ web: 70, amazon: 30 });
  });

  it("caps are respected; what a cap refuses stays free", () => {
    const capped: PoolSnapshot = {
      ...snapshot,
      channels: [snapshot.channels[0], { ...snapshot.channels[1], cap: 35 }],
    };
    // ΔS = 50: web +35, amazon +min(15, 35 − 30) = 5; the other 10 are left to shared channels
    expect(transitionPools(capped, { sold: {}, freeSupply: 150 })).toEqual({ web: 105, amazon: 35 });
    // after amazon sold 20, its cap leaves room again: 30 − 20 + min(15, 35 − 10)
    expect(transitionPools(capped, { sold: { amazon: 20 }, freeSupply: 130 })).toEqual({ web: 105, amazon: 25 });
  });

  it("supply no pool holds absorbs a shrink first", () => {
    // amazon alone ring-fences 30% (shared channels use the rest): F_T 100, pool 30.
    const alone: PoolSnapshot = { freeSupply: 100, channels: [{ channel: "amazon", priority: 2, percent: 30, cap: null, entitlement: 30 }] };
    expect(transitionPools(alone, { sold: {}, freeSupply: 90 })).toEqual({ amazon: 30 });
    expect(transitionPools(alone, { sold: {}, freeSupply: 25 })).toEqual({ amazon: 25 });
    // growth is still split by percent: +100 → +30
    expect(transitionPools(alone, { sold: {}, freeSupply: 200 })).toEqual({ amazon: 60 });
  });

  it("is a function of state: the order events arrived in cannot matter", () => {
    // Whatever sequence produced sold = {web: 3, amazon: 7} and F = 95, the pools are the same.
    const a = transitionPools(snapshot, { sold: { web: 3, amazon: 7 }, freeSupply: 95 });
    const b = transitionPools(snapshot, { freeSupply: 95, sold: { amazon: 7, web: 3 } });
    expect(a).toEqual(b);
    // 70 − 3 and 30 − 7, then ΔS = 95 + 10 − 100 = 5: floor(3.5) = 3 and floor(1.5) = 1, remainder 1 → web
    expect(a).toEqual({ web: 67 + 4, amazon: 23 + 1 });
  });
});

describe("pools through the engine", () => {
  const scenario = (extra: Partial<ScenarioInput>): ScenarioInput => ({
    channels,
    items: [{ sku: "S", onHand: { wh: 100 } }],
    ...extra,
  });

  it("rebalance at asOf reports the snapshot a worker stores", () => {
    const r = run(scenario({}));
    expect(pool(r, "S", "web")).toMatchObject({ qty: 70, breakdown: { source: "rebalance", entitlement: 70, freeSupply: 100 } });
    expect(pool(r, "S", "amazon")).toMatchObject({ qty: 30, breakdown: { entitlement: 30, freeSupply: 100 } });
  });

  it("a marketplace flash sale cannot drain the web store's 70%", () => {
    // amazon sells its 30; pools from the transition: web 70, amazon 0.
    const r = run(
      scenario({
        reservations: [{ sku: "S", channel: "amazon", qty: 30, facility: "wh" }],
        pools: [
          { sku: "S", channel: "web", qty: 70 },
          { sku: "S", channel: "amazon", qty: 0 },
        ],
      }),
    );
    expect(row(r, "S", "web")).toMatchObject({ atp: 70, ats: 70 });
    expect(row(r, "S", "amazon")).toMatchObject({ atp: 0, ats: 0 });
    // and it shipped: on hand 70, no open order, same pools → same numbers
    const shipped = run(
      scenario({
        items: [{ sku: "S", onHand: { wh: 70 } }],
        pools: [
          { sku: "S", channel: "web", qty: 70 },
          { sku: "S", channel: "amazon", qty: 0 },
        ],
      }),
    );
    expect(row(shipped, "S", "web")).toMatchObject({ atp: 70, ats: 70 });
    expect(row(shipped, "S", "amazon")).toMatchObject({ atp: 0, ats: 0 });
  });

  it("a shared channel sees only what no pool holds", () => {
    const r = run(
      scenario({
        channels: [...channels.slice(1), ch("dtc", ["wh"])],
      }),
    );
    // amazon alone: pool 30; dtc (shared) ATP = 100 − 30
    expect(row(r, "S", "dtc")).toMatchObject({ atp: 70, ats: 70 });
    expect(r.exposure[0].doubleExposed).toBe(0);
  });
});
