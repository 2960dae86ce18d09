import { describe, expect, it } from "vitest";
import { parseDay } from "./dates";
import { buildItemState } from "./engine";
import { evaluateItem, newItemResult } from "./item";
import { compileNetwork } from "./network";
import { promise } from "./promise";
import { makeScenario } from "./testing";

// The worker's path: compile the network once, evaluate one item per order.
const scenario = makeScenario({
  facilities: [{ id: "wh" }, { id: "store" }],
  channels: [
    { id: "dtc", facilities: ["wh", "store"], priority: 1, promiseWindowDays: 0 },
    { id: "wholesale", facilities: ["wh"], priority: 2, promiseWindowDays: 14, safetyStock: 5 },
    { id: "amazon", facilities: ["wh"], priority: 3, promiseWindowDays: 0, mode: "ringfenced", percent: 30 },
  ],
  items: [
    { sku: "A", product: "P", onHand: { wh: 100, store: 20 } },
    { sku: "B", product: "P", onHand: { wh: 7 } },
  ],
  rules: [{ id: "p", channel: "dtc", target: { product: "P" }, percent: 50 }],
});
const net = compileNetwork(scenario);
const asOf = parseDay(scenario.asOf);
const state = (sku: string, extra = {}) =>
  buildItemState(net, asOf, scenario.items.find((i) => i.sku === sku)!, {
    reservations: [],
    holdbacks: [],
    inbound: [],
    preorders: [],
    pools: null,
    ...extra,
  }).state;

describe("evaluateItem", () => {
  it("gives per-channel numbers by channel index", () => {
    const r = evaluateItem(net, state("A"), asOf);
    // amazon pool = floor(30% of 100) = 30 at wh. dtc: 120 − 30 = 90 → 50% → 45.
    expect(Array.from(r.atp)).toEqual([90, 65, 100]);
    expect(Array.from(r.ats)).toEqual([45, 65, 30]);
    expect(Array.from(r.pool)).toEqual([0, 0, 30]);
    expect(net.rules.ids[r.rule[0]]).toBe("p");
  });
  it("reusing one result object gives the same numbers as a fresh one", () => {
    const out = newItemResult(net);
    evaluateItem(net, state("A"), asOf, out);
    const b = evaluateItem(net, state("B"), asOf, out);
    const fresh = evaluateItem(net, state("B"), asOf);
    expect(Array.from(b.atp)).toEqual(Array.from(fresh.atp));
    expect(Array.from(b.ats)).toEqual(Array.from(fresh.ats));
    expect(Array.from(b.placed)).toEqual(Array.from(fresh.placed));
  });
  it("grows its scratch space for items with many events", () => {
    const reservations = Array.from({ length: 500 }, (_, i) => ({
      id: `r${i}`,
      sku: "A",
      channel: "wholesale",
      qty: 1,
      facility: null,
      due: `2026-12-${String(1 + (i % 28)).padStart(2, "0")}`,
    }));
    const r = evaluateItem(net, state("A", { reservations }), asOf, undefined, { timeline: true });
    // all 500 due by Dec 28 (day 34): dtc 120 − 500 − amazon's pool 0 (nothing free) → 0
    expect(r.atp[0]).toBe(0);
    expect(promise(r, 0, 1, 0).earliestDay).toBeNull();
  });
  it("promise needs the timeline", () => {
    expect(() => promise(evaluateItem(net, state("A"), asOf), 0, 1, 0)).toThrow(/timeline/);
  });
});
