import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluate } from "./engine";
import { parseScenario } from "./scenario";
import { ch, pool, row, run } from "./testing";

const fixture = (name: string) =>
  evaluate(parseScenario(readFileSync(new URL(`../../test/fixtures/scenarios/${name}.json`, import.meta.url), "utf8")));

describe("golden example (ATP glossary seed)", () => {
  // On hand 1,000; orders 600 due now; promo holdback 200 for nobody; SS 50 per channel;
  // inbound 800 on day 3 and 1,200 on day 21.
  // PAB(t) = 1000 − 600 − 200 − 50 = 150 before day 3, +800 = 950 from day 3, +1200 = 2150 from day 21.
  const result = fixture("golden");
  it.each([
    // channel, window, ATP: min over t ≥ window of PAB
    ["dtc", 1, 150], // days 1..2 still 150
    ["wholesale", 14, 950], // day 14 is in [3, 21)
    ["backorder", 28, 2150], // past both receipts
  ])("%s (window %i days) → ATP %i", (channel, _window, atp) => {
    expect(row(result, "TEE-BLK-M", channel).atp).toBe(atp);
  });

  it("breaks each ATP into its terms at the binding date", () => {
    expect(row(result, "TEE-BLK-M", "wholesale").breakdown.atp).toEqual({
      bindingDate: "2026-12-08", // asOf + 14: PAB is flat at 950 from day 3 to day 20
      onHand: 1000,
      inbound: 800,
      reservations: 600,
      holdbacks: 200,
      parkedPreorders: 0,
      safetyStock: 50,
      otherPools: 0,
      projected: 950,
    });
  });

  it("reports what the three channels expose beyond what the network can supply", () => {
    // Σ ATS = 150 + 950 + 2150 = 3250; the network by day 28 (no channel SS):
    // 1000 + 2000 − 600 − 200 = 2200 → 1050 double exposed.
    expect(result.exposure).toEqual([
      { sku: "TEE-BLK-M", doubleExposed: 1050, breakdown: { sumAts: 3250, networkSupply: 2200, horizonDays: 28 } },
    ]);
  });
});

describe("the Tuesday scenario (look-ahead)", () => {
  // On hand 312; wholesale order of 480 due in 14 days (not routed); 400 inbound in 10 days.
  // PAB: 312 (days 0–9), 712 (days 10–13), 232 (day 14 on). The seed's formula would show 312.
  const result = fixture("tuesday");
  it("DTC ATP is 232, not 312", () => {
    const dtc = row(result, "TEE-BLK-M", "dtc");
    expect(dtc.atp).toBe(232);
    expect(dtc.breakdown.atp.bindingDate).toBe("2026-12-08");
    expect(dtc.breakdown.atp.reservations).toBe(480);
  });
  it("answers the wholesale rep: 480 more on Dec 8? no, and no known supply ever covers it", () => {
    expect(result.promises[0]).toMatchObject({ qty: 480, date: "2026-12-08", atp: 232, canPromise: false, earliestDate: null });
  });
});

describe("supplier haircut", () => {
  // 100 on hand; PO of 300 due Dec 4 (day 10) from a factory on time 70%, typically 7 days late:
  // floor(300·0.7) = 210 on day 10, the other 90 on day 17.
  // PAB: 100 (0–9), 310 (10–16), 400 (17 on).
  const base = {
    suppliers: [{ id: "factory", onTimeRate: 0.7, delayDays: 7 }],
    channels: [ch("wholesale", ["wh"], 14)],
    items: [{ sku: "S", onHand: { wh: 100 } }],
    inbound: [{ id: "po", sku: "S", facility: "wh", qty: 300, eta: "2026-12-04", supplier: "factory" }],
  };
  it.each([
    // qty, date, ATP on that date, canPromise, earliest date
    [300, "2026-12-06", 310, true, "2026-12-04"], // 300 ≤ 310 from day 10
    [350, "2026-12-06", 310, false, "2026-12-11"], // needs the late 90: day 17
    [400, "2026-11-24", 100, false, "2026-12-11"], // exactly everything known
    [401, "2026-12-20", 400, false, null], // no known supply covers it
    [0, "2026-11-24", 100, true, "2026-11-24"],
  ])("%i units on %s → ATP %i, canPromise %s, earliest %s", (qty, date, atp, can, earliest) => {
    const r = run({ ...base, queries: [{ sku: "S", channel: "wholesale", qty, date }] });
    expect(r.promises[0]).toMatchObject({ atp, canPromise: can, earliestDate: earliest });
  });
  it("without the haircut the whole line counts on its ETA", () => {
    const r = run({
      ...base,
      suppliers: [{ id: "factory" }],
      queries: [{ sku: "S", channel: "wholesale", qty: 350, date: "2026-12-06" }],
    });
    expect(r.promises[0]).toMatchObject({ atp: 400, canPromise: true, earliestDate: "2026-12-04" });
  });
  it("a line already overdue counts today, its late part at ETA + δ", () => {
    // ETA Nov 20 (4 days ago): 210 count now, 90 on Nov 27 (day 3).
    const r = run({
      ...base,
      inbound: [{ id: "po", sku: "S", facility: "wh", qty: 300, eta: "2026-11-20", supplier: "factory" }],
      channels: [ch("dtc", ["wh"], 0)],
      queries: [{ sku: "S", channel: "dtc", qty: 400, date: "2026-11-24" }],
    });
    expect(row(r, "S", "dtc").atp).toBe(310);
    expect(r.promises[0].earliestDate).toBe("2026-11-27");
  });
});

describe("exposure rules: field-wise precedence, newer wins, attribution", () => {
  const result = run({
    channels: [ch("dtc", ["wh"], 0, { zeroBelow: 1 })],
    items: [
      { sku: "TEE-M", product: "TEE", vendor: "Acme", tags: ["core"], collections: ["summer"], onHand: { wh: 200 } },
      { sku: "CAP", product: "CAP", vendor: "Other", onHand: { wh: 200 } },
      { sku: "LOW", product: "LOW", onHand: { wh: 5 } },
      { sku: "DROP", product: "DROP", tags: ["drop"], onHand: { wh: 200 } },
    ],
    rules: [
      { id: "all", channel: "dtc", target: {}, percent: 80, zeroBelow: 5 },
      { id: "acme", channel: "dtc", target: { vendor: "Acme" }, cap: 50 },
      { id: "tee-old", channel: "dtc", target: { product: "TEE" }, percent: 60 },
      { id: "tee-new", channel: "dtc", target: { product: "TEE" }, percent: 50 },
      { id: "summer", channel: "dtc", target: { collection: "summer" }, percent: 90, cap: 500 },
      { id: "tee-m", channel: "dtc", target: { sku: "TEE-M" }, safetyStock: 10 },
      { id: "drop", channel: "dtc", target: { tag: "drop" }, liveFrom: "2026-11-28" },
    ],
  });
  it.each([
    // sku, ATP, ATS, rule, why
    // TEE-M: SS 10 from the sku rule → ATP 190; percent 50 (newer product rule beats the older one
    // and the collection); cap 500 (collection beats vendor): min(500, floor(190·0.5)) = 95.
    ["TEE-M", 190, 95, "tee-new"],
    // CAP: only "everything": 80% of 200 = 160.
    ["CAP", 200, 160, "all"],
    // LOW: ATP 5 ≤ zeroBelow 5 (everything rule beats the channel's 1) → 0.
    ["LOW", 5, 0, "all"],
    // DROP: not live before Nov 28 → 0; its percent still comes from "all".
    ["DROP", 200, 0, "all"],
  ])("%s → ATP %i, ATS %i, rule %s", (sku, atp, ats, rule) => {
    const r = row(result, sku, "dtc");
    expect([r.atp, r.ats, r.rule]).toEqual([atp, ats, rule]);
  });
  it("records which rule set each field", () => {
    const policy = row(result, "TEE-M", "dtc").breakdown.ats.policy;
    expect(Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, v.setBy]))).toEqual({
      percent: "tee-new",
      cap: "summer",
      zeroBelow: "all",
      safetyStock: "tee-m",
      liveFrom: "channel",
      liveUntil: "channel",
    });
    expect(row(result, "TEE-M", "dtc").breakdown.ats.limitedBy).toBe("percent");
    expect(row(result, "DROP", "dtc").breakdown.ats).toMatchObject({ live: false, limitedBy: "notLive" });
  });
  it("rule is the more specific of the percent and cap sources", () => {
    const r = run({
      channels: [ch("dtc", ["wh"])],
      items: [{ sku: "A", vendor: "Acme", product: "P", onHand: { wh: 100 } }],
      rules: [
        { id: "p", channel: "dtc", target: { product: "P" }, percent: 50 },
        { id: "v", channel: "dtc", target: { vendor: "Acme" }, cap: 10 },
      ],
    });
    // percent from the product rule (more specific) names the row, though the vendor cap binds.
    expect(row(r, "A", "dtc")).toMatchObject({ ats: 10, rule: "p" });
    expect(row(r, "A", "dtc").breakdown.ats.limitedBy).toBe("cap");
  });
  it("channel defaults give rule null", () => {
    const r = run({ channels: [ch("dtc", ["wh"], 0, { percent: 70, cap: 40 })], items: [{ sku: "A", onHand: { wh: 100 } }] });
    expect(row(r, "A", "dtc")).toMatchObject({ atp: 100, ats: 40, rule: null });
  });
});

describe("holdbacks", () => {
  const base = {
    channels: [ch("dtc", ["wh"]), ch("wholesale", ["wh"], 14)],
    items: [{ sku: "S", onHand: { wh: 500 } }],
  };
  it.each([
    // holdback, reservations, dtc ATP, wholesale ATP
    ["for nobody: both subtract", { qty: 100 }, [], 400, 400],
    ["for wholesale: only others subtract", { qty: 100, channel: "wholesale" }, [], 400, 500],
    // Wholesale's order of 60 due now is consumed from its holdback: DTC subtracts 60 + 40.
    ["consumed by the beneficiary's orders", { qty: 100, channel: "wholesale" }, [{ sku: "S", channel: "wholesale", qty: 60 }], 400, 440],
    // An order beyond the holdback: 150 − 100 → remaining 0, DTC subtracts the 150.
    ["exceeded by the beneficiary's orders", { qty: 100, channel: "wholesale" }, [{ sku: "S", channel: "wholesale", qty: 150 }], 350, 350],
    // A future-dated order consumes the holdback only from its due date; until then the hold stands.
    ["consumed from the order's due date", { qty: 100, channel: "wholesale" }, [{ sku: "S", channel: "wholesale", qty: 100, due: "2026-12-08" }], 400, 400],
    // until Nov 30: active now, so still subtracted by a look-ahead that starts today
    ["with an end date", { qty: 100, until: "2026-11-30" }, [], 400, 500],
    ["starting later", { qty: 100, from: "2026-12-20" }, [], 400, 400],
    ["routed elsewhere is out of scope", { qty: 100, facility: "store" }, [], 500, 500],
  ])("%s", (_name, holdback, reservations, dtc, wholesale) => {
    const r = run({
      ...base,
      facilities: [{ id: "wh" }, { id: "store" }],
      holdbacks: [{ sku: "S", ...holdback }],
      reservations,
    });
    expect([row(r, "S", "dtc").atp, row(r, "S", "wholesale").atp]).toEqual([dtc, wholesale]);
  });
});

describe("several holdbacks for one channel", () => {
  it("are consumed together by its orders, each unit once, as far as facilities allow", () => {
    const r = run({
      facilities: [{ id: "wh" }, { id: "store" }],
      channels: [ch("dtc", ["wh", "store"]), ch("wholesale", ["wh", "store"], 14)],
      items: [{ sku: "S", onHand: { wh: 500, store: 100 } }],
      holdbacks: [
        { sku: "S", channel: "wholesale", qty: 100, facility: "wh" },
        { sku: "S", channel: "wholesale", qty: 50 },
        { sku: "S", channel: "wholesale", qty: 30, facility: "store" },
      ],
      reservations: [
        { sku: "S", channel: "wholesale", qty: 120, facility: "wh" },
        { sku: "S", channel: "wholesale", qty: 10 },
      ],
    });
    // Held 180. The 120 routed to wh use wh's 100, then 20 of the unrouted 50; the 10 unrouted
    // use 10 more of those 50 (they could also serve the store's 30: the total is the same).
    // Consumed 130 → 50 still held. dtc: 600 − 130 − 50 = 420.
    expect(row(r, "S", "dtc").atp).toBe(420);
    expect(row(r, "S", "dtc").breakdown.atp).toMatchObject({ reservations: 130, holdbacks: 50 });
  });
});

describe("scope of reservations", () => {
  // Facilities wh and store; dtc sells from wh, pos from store, marketplace from both.
  const base = {
    facilities: [{ id: "wh" }, { id: "store" }],
    channels: [ch("dtc", ["wh"]), ch("pos", ["store"]), ch("market", ["wh", "store"])],
    items: [{ sku: "S", onHand: { wh: 100, store: 50 } }],
  };
  it.each([
    // reservation, ATP of dtc, pos, market
    ["routed to wh", { channel: "pos", facility: "wh" }, [90, 50, 140]],
    ["pos order not routed: only groups overlapping pos's", { channel: "pos" }, [100, 40, 140]],
    ["market order not routed: counted by everyone whose group overlaps", { channel: "market" }, [90, 40, 140]],
  ])("%s", (_name, r, atps) => {
    const res = run({ ...base, reservations: [{ sku: "S", qty: 10, ...r }] });
    expect(["dtc", "pos", "market"].map((c) => row(res, "S", c).atp)).toEqual(atps);
  });
  it("facility safety stock comes off each facility, never below 0", () => {
    const res = run({
      ...base,
      facilities: [{ id: "wh", safetyStock: 30 }, { id: "store", safetyStock: 80 }],
    });
    // wh 100 − 30 = 70; store 50 − 80 → 0 (not −30)
    expect(["dtc", "pos", "market"].map((c) => row(res, "S", c).atp)).toEqual([70, 0, 70]);
  });
});

describe("ring-fenced pools: rebalance", () => {
  // web (priority 1, 70%) sells from store and wh; amazon (priority 2, 30%) only from wh.
  // ATP before carving: web 200, amazon 100 → entitlements 140 and 30.
  const result = run({
    facilities: [{ id: "wh" }, { id: "store" }],
    channels: [
      ch("web", ["wh", "store"], 0, { priority: 1, mode: "ringfenced", percent: 70 }),
      ch("amazon", ["wh"], 0, { priority: 2, mode: "ringfenced", percent: 30 }),
      ch("pos", ["store"], 0, { priority: 3 }),
    ],
    items: [{ sku: "S", onHand: { wh: 100, store: 100 } }],
  });
  it("carves web first from the store (no lower ring-fenced channel uses it), leaving wh for amazon", () => {
    expect(pool(result, "S", "web")).toMatchObject({ qty: 140, breakdown: { entitlement: 140, facilities: { store: 100, wh: 40 } } });
    expect(pool(result, "S", "amazon")).toMatchObject({ qty: 30, breakdown: { entitlement: 30, facilities: { wh: 30 } } });
  });
  it.each([
    // channel, ATP (other pools subtracted where in scope), ATS
    ["web", 170, 140], // 200 − amazon's 30 at wh; ATS = min(pool 140, 170)
    ["amazon", 60, 30], // 100 − web's 40 at wh
    ["pos", 0, 0], // store 100 − web's 100 at the store: a shared channel never sells ring-fenced units
  ])("%s → ATP %i, ATS %i", (channel, atp, ats) => {
    expect(row(result, "S", channel)).toMatchObject({ atp, ats });
  });
  it("a channel receives no more than is still free in its facilities", () => {
    // web entitled to 100% of 200 takes the store (100) and wh (100): amazon gets nothing.
    const r = run({
      facilities: [{ id: "wh" }, { id: "store" }],
      channels: [
        ch("web", ["wh", "store"], 0, { priority: 1, mode: "ringfenced", percent: 100 }),
        ch("amazon", ["wh"], 0, { priority: 2, mode: "ringfenced", percent: 30 }),
      ],
      items: [{ sku: "S", onHand: { wh: 100, store: 100 } }],
    });
    expect([pool(r, "S", "web").qty, pool(r, "S", "amazon").qty]).toEqual([200, 0]);
    expect(pool(r, "S", "amazon").breakdown.entitlement).toBe(30);
  });
  it("caps limit the entitlement", () => {
    const r = run({
      channels: [ch("amazon", ["wh"], 0, { mode: "ringfenced", percent: 30, cap: 12 })],
      items: [{ sku: "S", onHand: { wh: 100 } }],
    });
    expect(pool(r, "S", "amazon").qty).toBe(12);
    expect(row(r, "S", "amazon")).toMatchObject({ atp: 100, ats: 12 });
  });
  it("given pools are used as they are and placed the same way", () => {
    const r = run({
      facilities: [{ id: "wh" }, { id: "store" }],
      channels: [
        ch("web", ["wh", "store"], 0, { priority: 1, mode: "ringfenced", percent: 70 }),
        ch("amazon", ["wh"], 0, { priority: 2, mode: "ringfenced", percent: 30 }),
      ],
      items: [{ sku: "S", onHand: { wh: 100, store: 100 } }],
      pools: [
        { sku: "S", channel: "web", qty: 120 },
        { sku: "S", channel: "amazon", qty: 5 },
      ],
    });
    expect(pool(r, "S", "web")).toMatchObject({ qty: 120, breakdown: { source: "given", facilities: { store: 100, wh: 20 } } });
    expect(row(r, "S", "amazon")).toMatchObject({ atp: 80, ats: 5 });
  });
});

describe("example fixtures", () => {
  it("ringfence.json: online carves the store first, amazon keeps its share of central", () => {
    const r = fixture("ringfence");
    // TEE-BLK-M: online ATP before carving 160 − 50 (wholesale, due day 14, not routed) = 110 → 77;
    // amazon 100 − 50 = 50 → min(cap 40, 15) = 15. online takes Times Square (60) then 17 of central.
    expect(r.pools.filter((p) => p.sku === "TEE-BLK-M").map((p) => [p.channel, p.qty, p.breakdown.facilities])).toEqual([
      ["amazon", 15, { central: 15 }],
      ["online", 77, { "times-square": 60, central: 17 }],
    ]);
    expect(r.availability.filter((a) => a.sku === "TEE-BLK-M").map((a) => [a.channel, a.atp, a.ats])).toEqual([
      ["amazon", 33, 15], // 50 − online's 17 at central
      ["online", 95, 77], // 110 − amazon's 15
      ["pos", 17, 17], // Times Square + Brooklyn 80 − 3 − online's 60 at Times Square
      ["wholesale", 8, 8], // 100 − 50 − SS 10 − 17 − 15
    ]);
  });

  it("drop-and-preorders.json: drop window, pre-orders first fit with the supplier's delay", () => {
    const r = fixture("drop-and-preorders");
    expect(r.preorders.map((p) => [p.id, p.inbound, p.promiseDate])).toEqual([
      ["o-1001", "po7-1", "2026-12-19"], // Dec 10 + δ 7 + 2 handling days
      ["o-1002", "po8-1", "2026-12-22"], // 45 > 40 left on po7-1 → po8-1: Dec 20 + 0 + 2
      ["o-1003", null, null], // 80 fits no line: parked
    ]);
    expect(r.availability.map((a) => [a.sku, a.channel, a.atp, a.ats, a.rule])).toEqual([
      ["HOODIE-M", "dtc", 0, 0, "winter-split"],
      ["HOODIE-M", "preorder", 0, 0, null], // 150 inbound − 105 allocated − 80 parked < 0
      ["HOODIE-S", "dtc", 37, 0, "winter-split"], // 40 − facility SS 3; not live until Nov 28
      ["HOODIE-S", "preorder", 37, 10, "hoodie-s-cap"],
    ]);
    expect(r.preorderSummary).toEqual([
      { sku: "HOODIE-M", poAtp: 45, promiseDate: "2026-12-19", parked: 1, parkedQty: 80 },
    ]);
  });
});
