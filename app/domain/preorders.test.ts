import { describe, expect, it } from "vitest";
import { formatDay, parseDay } from "./dates";
import { allocatePreorders, placements, poAtp, reallocatePreorders, storefrontSummary, type PoLine } from "./preorders";
import { ch, row, run } from "./testing";

const asOf = parseDay("2026-11-24");
const d = (s: string) => parseDay(s);
// po1: 10 units due Nov 29; po2: 20 units due Dec 14 from a supplier typically 3 days late.
const lines: PoLine[] = [
  { id: "po2", qty: 20, eta: d("2026-12-14"), delayDays: 3 },
  { id: "po1", qty: 10, eta: d("2026-11-29"), delayDays: 0 },
];
const preorders = [
  { id: "B", qty: 5, placedAt: d("2026-11-11") },
  { id: "A", qty: 8, placedAt: d("2026-11-10") },
  { id: "C", qty: 2, placedAt: d("2026-11-12") },
  { id: "D", qty: 15, placedAt: d("2026-11-13") },
  { id: "E", qty: 1, placedAt: d("2026-11-13") },
];
const show = (p: { id: string; inbound: string | null; promiseDay: number | null }) =>
  `${p.id}→${p.inbound ?? "parked"}${p.promiseDay === null ? "" : "@" + formatDay(p.promiseDay)}`;

describe("first-fit allocation, oldest first, earliest ETA first, never split", () => {
  const a = allocatePreorders(lines, preorders, asOf, 2);
  it("places each pre-order whole on the first line that still covers it", () => {
    // A (8) → po1 (2 left); B (5) does not fit po1 → po2 (15 left); C (2) fits po1 (0 left);
    // D (15) → po2 (0 left); E (1): nothing left anywhere → parked.
    // Promise = ETA + δ + 2 handling days: po1 Nov 29 + 0 + 2 = Dec 1; po2 Dec 14 + 3 + 2 = Dec 19.
    expect(placements(lines, preorders, a).map(show)).toEqual([
      "B→po2@2026-12-19",
      "A→po1@2026-12-01",
      "C→po1@2026-12-01",
      "D→po2@2026-12-19",
      "E→parked",
    ]);
    expect([a.parkedCount, a.parkedQty]).toEqual([1, 1]);
  });
  it("PO ATP = remaining − allocated", () => {
    expect(poAtp(lines, a)).toEqual([0, 0]);
  });
  it("later, smaller pre-orders still fit where an earlier big one did not", () => {
    const b = allocatePreorders(
      [{ id: "po", qty: 10, eta: d("2026-12-01"), delayDays: 0 }],
      [
        { id: "big", qty: 12, placedAt: d("2026-11-01") },
        { id: "small", qty: 4, placedAt: d("2026-11-02") },
      ],
      asOf,
      0,
    );
    expect(Array.from(b.lineOf)).toEqual([-1, 0]);
  });
  it("ties on placedAt are broken by id", () => {
    const b = allocatePreorders(
      [{ id: "po", qty: 1, eta: d("2026-12-01"), delayDays: 0 }],
      [
        { id: "y", qty: 1, placedAt: d("2026-11-01") },
        { id: "x", qty: 1, placedAt: d("2026-11-01") },
      ],
      asOf,
      0,
    );
    expect(Array.from(b.lineOf)).toEqual([-1, 0]);
  });
});

describe("storefront summary", () => {
  it.each([
    // pre-orders, PO ATP, promise date shown
    ["none yet: everything on order may be pre-sold, earliest line's date", [], 30, "2026-11-29"],
    // po1 full after 10: the earliest line with PO ATP left is po2 (Dec 14 + 3)
    ["po1 sold out", [{ id: "a", qty: 10, placedAt: d("2026-11-01") }], 20, "2026-12-17"],
    ["all sold", [{ id: "a", qty: 10, placedAt: d("2026-11-01") }, { id: "b", qty: 20, placedAt: d("2026-11-02") }], 0, null],
  ])("%s", (_name, pre, total, date) => {
    const a = allocatePreorders(lines, pre, asOf, 0);
    const s = storefrontSummary(lines, a, asOf, 0);
    expect([s.poAtp, s.promiseDay === null ? null : formatDay(s.promiseDay)]).toEqual([total, date]);
  });
});

describe("re-allocation reports which promise dates moved", () => {
  const before = placements(lines, preorders, allocatePreorders(lines, preorders, asOf, 2));
  it("an earlier PO moves the orders it now serves", () => {
    const earlier = [...lines, { id: "po0", qty: 6, eta: d("2026-11-26"), delayDays: 0 }];
    const { moved } = reallocatePreorders(earlier, preorders, before, asOf, 2);
    // A (8) still does not fit po0 (6): stays on po1. B (5) now fits po0 → Nov 28.
    // C (2): po0 has 1 left → po1 still (2 left there) → unchanged. E (1) fits po0 → placed.
    expect(moved.map((m) => `${show({ id: m.id, ...m.from })} ⇒ ${show({ id: m.id, ...m.to })}`)).toEqual([
      "B→po2@2026-12-19 ⇒ B→po0@2026-11-28",
      "E→parked ⇒ E→po0@2026-11-28",
    ]);
  });
  it("a PO date change moves every order on it", () => {
    const later = lines.map((l) => (l.id === "po1" ? { ...l, eta: d("2026-12-05") } : l));
    const { moved } = reallocatePreorders(later, preorders, before, asOf, 2);
    expect(moved.map((m) => [m.id, m.to.promiseDay === null ? null : formatDay(m.to.promiseDay)])).toEqual([
      ["A", "2026-12-07"],
      ["C", "2026-12-07"],
    ]);
  });
  it("nothing changed, nothing moved", () => {
    expect(reallocatePreorders(lines, preorders, before, asOf, 2).moved).toEqual([]);
  });
});

describe("pre-orders in the engine", () => {
  // 0 on hand; PO of 10 arriving Dec 4. dtc (window 0) and backorder (window 14).
  const base = {
    channels: [ch("dtc", ["wh"]), ch("backorder", ["wh"], 14)],
    items: [{ sku: "S", onHand: { wh: 5 } }],
    inbound: [{ id: "po", sku: "S", facility: "wh", qty: 10, eta: "2026-12-04" }],
    handlingDays: 1,
  };
  it("allocated pre-orders are reservations at the line's ETA; parked ones count now", () => {
    const r = run({
      ...base,
      preorders: [
        { id: "p1", sku: "S", channel: "backorder", qty: 6, placedAt: "2026-11-01" },
        { id: "p2", sku: "S", channel: "backorder", qty: 7, placedAt: "2026-11-02" },
      ],
    });
    expect(r.preorders).toEqual([
      { id: "p1", sku: "S", channel: "backorder", qty: 6, inbound: "po", promiseDate: "2026-12-05" },
      { id: "p2", sku: "S", channel: "backorder", qty: 7, inbound: null, promiseDate: null },
    ]);
    // dtc: 5 − 7 (parked, now) = −2 → 0. backorder: from day 10, 5 + 10 − 6 − 7 = 2.
    expect([row(r, "S", "dtc").atp, row(r, "S", "backorder").atp]).toEqual([0, 2]);
    expect(row(r, "S", "backorder").breakdown.atp).toMatchObject({ reservations: 6, parkedPreorders: 7 });
    expect(r.poLines).toEqual([{ id: "po", sku: "S", remaining: 10, allocated: 6, poAtp: 4 }]);
    expect(r.preorderSummary).toEqual([{ sku: "S", poAtp: 4, promiseDate: "2026-12-05", parked: 1, parkedQty: 7 }]);
  });
});
