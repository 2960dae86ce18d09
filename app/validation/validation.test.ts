import { describe, expect, it } from "vitest";
import { appConfigSchema } from "./app-config";
import { channelCreateSchema, channelUpdateSchema } from "./channel";
import { parseOrThrow, ValidationError, zodIssues, dateFromDb, dateToDb } from "./common";
import { holdbackCreateSchema, holdbackCsvRowSchema } from "./holdback";
import { purchaseOrderCreateSchema, receiveSchema, supplierCreateSchema } from "./purchasing";
import { ruleCreateSchema } from "./rule";

function issues(schema: Parameters<typeof parseOrThrow>[0], value: unknown, base = "") {
  const r = schema.safeParse(value);
  return r.success ? [] : zodIssues(r.error, base).map((i) => `${i.path}: ${i.message}`);
}

const channel = { key: "web", facilityIds: [1], priority: 1, promiseWindowDays: 0 };

describe("channel schema", () => {
  it("defaults what a form may leave out", () => {
    expect(channelCreateSchema.parse(channel)).toMatchObject({
      mode: "shared",
      percent: 100,
      safetyStock: 0,
      zeroBelow: 0,
      orders: { sourceNames: [], appIds: [], b2b: false, posLocationIds: [], tags: [] },
      publish: { kind: "in_place" },
    });
  });

  it("accepts form strings for numbers and empty inputs as none", () => {
    expect(channelCreateSchema.parse({ ...channel, priority: "2", cap: "", percent: "30", liveFrom: "" })).toMatchObject({ priority: 2, cap: null, percent: 30, liveFrom: null });
  });

  it("names every bad field", () => {
    const found = issues(channelCreateSchema, { ...channel, cap: -1, percent: 101, facilityIds: [1, 1], mode: "exclusive", extra: 1 });
    expect(found).toEqual(
      expect.arrayContaining([
        "cap: must be a whole number ≥ 0",
        "percent: must be a whole number from 0 to 100",
        "mode: must be one of shared, ringfenced",
        "facilityIds[1]: location 1 is listed twice",
        ": unknown field extra",
      ]),
    );
    expect(issues(channelCreateSchema, { ...channel, cap: 2.5 })).toEqual(["cap: must be a whole number ≥ 0"]);
    expect(issues(channelCreateSchema, { ...channel, publish: { kind: "location" } })).toEqual(["publish.locationId: is required"]);
    expect(issues(channelCreateSchema, { ...channel, orders: { appIds: ["abc"] } })).toEqual(["orders.appIds[0]: must be a Shopify numeric id"]);
  });

  it("update takes any subset but never the key", () => {
    expect(channelUpdateSchema.parse({ cap: null })).toEqual({ cap: null });
    expect(issues(channelUpdateSchema, { key: "x" })).toEqual([": unknown field key"]);
  });
});

describe("rule schema", () => {
  it("requires a target value except for every item, and at least one setting", () => {
    expect(issues(ruleCreateSchema, { channelId: 1, target: { kind: "all", value: "x" }, percent: 5 })).toEqual(["target.value: must be empty for a rule on every item"]);
    expect(issues(ruleCreateSchema, { channelId: 1, target: { kind: "product", value: "abc" }, percent: 5 })).toEqual(["target.value: must be a Shopify product id"]);
    expect(issues(ruleCreateSchema, { channelId: 1, target: { kind: "all" } })).toEqual([
      "percent: a rule must set at least one of percent, cap, zeroBelow, safetyStock, liveFrom, liveUntil",
    ]);
    expect(ruleCreateSchema.parse({ channelId: "3", target: { kind: "tag", value: " drop " }, percent: "40", cap: "" })).toMatchObject({
      channelId: 3,
      target: { kind: "tag", value: "drop" },
      percent: 40,
      cap: null,
    });
  });
});

describe("holdback schemas", () => {
  it("reads CSV cells and names the field", () => {
    expect(holdbackCsvRowSchema.parse({ sku: "A", quantity: "12", channel: "", from: "", until: "2026-12-31", note: "" })).toEqual({
      sku: "A",
      channel: "",
      quantity: 12,
      location: "",
      from: null,
      until: "2026-12-31",
      note: null,
    });
    for (const q of ["-1", "1.5", "", "ten"]) expect(issues(holdbackCsvRowSchema, { sku: "A", quantity: q })).toEqual(["quantity: must be a whole number ≥ 0"]);
    expect(issues(holdbackCsvRowSchema, { sku: "A", quantity: "1", from: "2026-02-29" })).toEqual(["from: must be a date YYYY-MM-DD"]);
    expect(issues(holdbackCreateSchema, { quantity: 1 })).toEqual(["sku: is required (or itemId)"]);
  });
});

describe("purchasing schemas", () => {
  it("bounds supplier confidence and PO quantities", () => {
    expect(supplierCreateSchema.parse({ name: "F" })).toEqual({ name: "F", onTimeRate: 1, delayDays: 0 });
    expect(issues(supplierCreateSchema, { name: " ", onTimeRate: -0.1 })).toEqual([
      "name: is required",
      "onTimeRate: must be a number from 0 to 1 (the share of units that arrive on time)",
    ]);
    expect(issues(purchaseOrderCreateSchema, { number: "P", destinationLocationId: 1, eta: "2026-12-04", lines: [] })).toEqual(["lines: must have at least one line"]);
    expect(issues(receiveSchema, [{ lineId: 1, quantity: 0 }])).toEqual(["[0].quantity: must be a whole number ≥ 1"]);
  });
});

describe("app config schema", () => {
  const config = {
    channels: [{ id: "amazon", facilities: [101], priority: 2, promiseWindowDays: 0, mode: "ringfenced", percent: 30, orders: { sourceNames: ["amazon"] }, publish: { location: 901 } }],
    rules: [],
    holdbacks: [],
    suppliers: [],
    purchaseOrders: [],
  };

  it("accepts the replay-format example", () => {
    const parsed = appConfigSchema.parse(config);
    expect(parsed.channels[0]).toMatchObject({ id: "amazon", facilities: ["101"], publish: { location: "901" }, safetyStock: 0 });
  });

  it("names the path of a bad value", () => {
    const bad = structuredClone(config) as unknown as { channels: Record<string, unknown>[] };
    bad.channels[0].percent = 300;
    bad.channels[0].publish = "elsewhere";
    expect(issues(appConfigSchema, bad)).toEqual([
      "channels[0].percent: must be a whole number from 0 to 100",
      'channels[0].publish: must be {"location": <Shopify location id>} or "in-place"',
    ]);
    expect(() => parseOrThrow(appConfigSchema, { channels: [{}] })).toThrow(ValidationError);
    expect(issues(appConfigSchema, { rules: [{ channel: "x", target: { sku: "A", tag: "b" }, cap: 1 }] })).toEqual([
      "rules[0].target: must name at most one of sku, product, collection, tag, vendor",
    ]);
  });
});

describe("date columns", () => {
  it("round-trips a date without any time zone shifting it", () => {
    expect(dateFromDb(dateToDb("2026-12-31"))).toBe("2026-12-31");
    expect(dateToDb(null)).toBeNull();
  });
});
