import { describe, expect, it } from "vitest";
import { applyEvents, initialEventState, soldSince, type EngineEvent } from "./events";
import { ch, makeScenario, row } from "./testing";
import { evaluate } from "./engine";

const scenario = makeScenario({
  facilities: [{ id: "wh" }, { id: "store" }],
  channels: [ch("dtc", ["wh", "store"]), ch("wholesale", ["wh"], 14)],
  items: [{ sku: "S", onHand: { wh: 100, store: 10 } }],
  holdbacks: [{ sku: "S", channel: "wholesale", qty: 40 }],
});
const order = (id: string, qty: number, extra = {}): EngineEvent => ({ type: "order", id, sku: "S", channel: "dtc", qty, ...extra });
const dtcAtp = (events: EngineEvent[]) => row(evaluate(applyEvents(initialEventState(scenario), events).scenario), "S", "dtc").atp;

describe("events", () => {
  it.each<[string, EngineEvent[], number]>([
    // 110 on hand − wholesale's holdback 40
    ["nothing", [], 70],
    ["an order reserves", [order("o1", 5)], 65],
    ["a duplicate delivery changes nothing", [order("o1", 5), order("o1", 5)], 65],
    ["cancel gives it back", [order("o1", 5), { type: "cancel", id: "o1" }], 70],
    ["a cancel before its order: the order never counts", [{ type: "cancel", id: "o1" }, order("o1", 5)], 70],
    ["fulfilment: on hand and the order leave together", [order("o1", 5, { facility: "wh" }), { type: "fulfil", id: "o1" }], 65],
    ["fulfilment before its order ends the same", [{ type: "fulfil", id: "o1", facility: "wh" }, order("o1", 5, { facility: "wh" })], 65],
    ["a cancel after shipping changes nothing", [order("o1", 5, { facility: "wh" }), { type: "fulfil", id: "o1" }, { type: "cancel", id: "o1" }], 65],
    ["a stock count sets on hand", [{ type: "stock", sku: "S", facility: "store", onHand: 0 }], 60],
  ])("%s → dtc ATP %i", (_name, events, atp) => {
    expect(dtcAtp(events)).toBe(atp);
  });

  it("shipping the beneficiary's order lowers its holdback by what it consumed", () => {
    // wholesale orders 30 (consumed from its 40 held), then ships them from wh.
    const s = applyEvents(initialEventState(scenario), [
      { type: "order", id: "w1", sku: "S", channel: "wholesale", qty: 30, facility: "wh" },
      { type: "fulfil", id: "w1" },
    ]).scenario;
    expect(s.holdbacks[0].qty).toBe(10);
    // dtc: before 110 − 30 − 10 = 70; after 80 on hand − 10 = 70: unchanged
    expect(row(evaluate(s), "S", "dtc").atp).toBe(70);
  });

  it("routing moves an open order to a facility", () => {
    const s = applyEvents(initialEventState(scenario), [order("o1", 5), { type: "route", id: "o1", facility: "store" }]);
    expect(s.scenario.reservations.at(-1)).toMatchObject({ id: "o1", facility: "store" });
  });

  it("sold since the rebalance counts shipped orders, not cancelled ones or older ones", () => {
    const s = applyEvents(initialEventState(scenario), [
      order("old", 1),
      order("a", 2, { facility: "wh" }),
      order("b", 3),
      order("c", 4),
      { type: "fulfil", id: "a" },
      { type: "cancel", id: "c" },
    ]);
    expect(soldSince(s, new Set(["old"]), "S", "dtc")).toBe(5);
  });
});
