import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioError, validateScenario } from "./scenario";

const valid = () => ({
  asOf: "2026-11-24",
  facilities: [{ id: "wh" }, { id: "store", safetyStock: 2 }],
  suppliers: [{ id: "factory", onTimeRate: 0.7, delayDays: 7 }],
  channels: [
    { id: "dtc", facilities: ["wh"], priority: 1, promiseWindowDays: 0 },
    { id: "amazon", facilities: ["wh", "store"], priority: 2, promiseWindowDays: 0, mode: "ringfenced", percent: 30 },
  ],
  items: [{ sku: "A", product: "P", tags: ["t"], collections: ["c"], onHand: { wh: 3 } }],
  reservations: [{ sku: "A", channel: "dtc", qty: 1 }],
  holdbacks: [{ sku: "A", qty: 1 }],
  inbound: [{ id: "po", sku: "A", facility: "wh", qty: 5, eta: "2026-12-01", supplier: "factory" }],
  preorders: [{ id: "p", sku: "A", channel: "dtc", qty: 1, placedAt: "2026-11-20" }],
  rules: [{ id: "r", channel: "dtc", target: { sku: "A" }, percent: 50 }],
  pools: [{ sku: "A", channel: "amazon", qty: 1 }],
  queries: [{ sku: "A", channel: "dtc", qty: 1, date: "2026-11-30" }],
});
type Doc = ReturnType<typeof valid> & Record<string, unknown>;

function messages(mutate: (s: Doc) => void): string[] {
  const s = valid() as Doc;
  mutate(s);
  try {
    validateScenario(s);
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("scenario validation", () => {
  it("accepts the valid document and fills defaults", () => {
    const s = validateScenario(valid());
    expect(s.channels[0]).toMatchObject({ mode: "shared", percent: 100, cap: null, zeroBelow: 0, safetyStock: 0 });
    expect(s.reservations[0]).toMatchObject({ facility: null, due: null });
    expect(s.handlingDays).toBe(0);
  });

  it.each<[string, (s: Doc) => void, string]>([
    ["unknown facility in a group", (s) => (s.channels[1].facilities[0] = "bk"), 'channels[1].facilities[0]: unknown facility "bk"'],
    ["missing asOf", (s) => delete (s as Record<string, unknown>).asOf, "asOf: is required"],
    ["bad date", (s) => (s.asOf = "2026-02-30"), "asOf: must be a real date YYYY-MM-DD"],
    ["wrong type", (s) => ((s.items[0].onHand as Record<string, unknown>).wh = "3"), "items[0].onHand.wh: must be a number"],
    ["negative qty", (s) => (s.reservations[0].qty = -1), "reservations[0].qty: must be ≥ 0"],
    ["non-integer", (s) => (s.inbound[0].qty = 2.5), "inbound[0].qty: must be an integer"],
    ["unknown channel", (s) => (s.reservations[0].channel = "ebay"), 'reservations[0].channel: unknown channel "ebay"'],
    ["unknown sku", (s) => (s.holdbacks[0].sku = "Z"), 'holdbacks[0].sku: unknown sku "Z"'],
    ["unknown supplier", (s) => (s.inbound[0].supplier = "acme"), 'inbound[0].supplier: unknown supplier "acme"'],
    ["unknown facility in on hand", (s) => (s.items[0].onHand = { bk: 1 } as never), 'items[0].onHand.bk: unknown facility "bk"'],
    ["duplicate facility id", (s) => (s.facilities[1].id = "wh"), 'facilities[1].id: duplicate facility id "wh" (also facilities[0])'],
    ["duplicate sku", (s) => s.items.push({ ...s.items[0] }), 'items[1].sku: duplicate sku "A" (also items[0])'],
    ["duplicate inbound id", (s) => s.inbound.push({ ...s.inbound[0] }), 'inbound[1].id: duplicate inbound id "po" (also inbound[0])'],
    ["percent above 100", (s) => (s.channels[1].percent = 130), "channels[1].percent: must be between 0 and 100"],
    ["rule percent below 0", (s) => (s.rules[0].percent = -5), "rules[0].percent: must be between 0 and 100"],
    [
      "rule with two targets",
      (s) => (s.rules[0].target = { sku: "A", vendor: "Acme" } as never),
      "rules[0].target: must name at most one of sku, product, collection, tag, vendor (got sku, vendor)",
    ],
    ["rule on an unknown sku", (s) => (s.rules[0].target = { sku: "Z" }), 'rules[0].target.sku: unknown sku "Z"'],
    ["unknown field", (s) => ((s.channels[0] as Record<string, unknown>).windowDays = 3), "channels[0].windowDays: unknown field"],
    ["onTimeRate above 1", (s) => (s.suppliers[0].onTimeRate = 1.2), "suppliers[0].onTimeRate: must be between 0 and 1"],
    ["bad mode", (s) => (s.channels[0] as Record<string, unknown>).mode = "exclusive", 'channels[0].mode: must be "shared" or "ringfenced"'],
    ["empty facility group", (s) => (s.channels[0].facilities = []), "channels[0].facilities: must name at least one facility"],
    ["priority 0", (s) => (s.channels[0].priority = 0), "channels[0].priority: must be ≥ 1"],
    ["pool of a shared channel", (s) => (s.pools[0].channel = "dtc"), 'pools[0].channel: channel "dtc" is not ringfenced; only ring-fenced channels hold pools'],
    ["duplicate pool", (s) => s.pools.push({ ...s.pools[0] }), 'pools[1]: duplicate pool for sku "A" and channel "amazon" (also pools[0])'],
    ["query before asOf", (s) => (s.queries[0].date = "2026-11-01"), "queries[0].date: is before asOf (2026-11-24)"],
    ["holdback ends before it starts", (s) => Object.assign(s.holdbacks[0], { from: "2026-12-01", until: "2026-11-30" }), "holdbacks[0].until: is before from (2026-12-01)"],
    ["a list that is not a list", (s) => ((s as Record<string, unknown>).reservations = {}), "reservations: must be an array"],
    ["duplicate pre-order id", (s) => s.preorders.push({ ...s.preorders[0] }), 'preorders[1].id: duplicate pre-order id "p" (also preorders[0])'],
  ])("%s", (_name, mutate, expected) => {
    expect(messages(mutate)).toContain(expected);
  });

  it("reports every problem, not only the first", () => {
    const m = messages((s) => {
      s.reservations[0].channel = "ebay";
      s.holdbacks[0].sku = "Z";
    });
    expect(m).toEqual(['reservations[0].channel: unknown channel "ebay"', 'holdbacks[0].sku: unknown sku "Z"']);
  });

  it("bad JSON is a scenario error too", () => {
    expect(() => parseScenario("{ not json")).toThrow(/^scenario: invalid JSON/);
  });
  it("the document must be an object", () => {
    expect(() => parseScenario("[]")).toThrow("scenario: must be an object");
  });
});
