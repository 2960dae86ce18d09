import { describe, expect, it } from "vitest";
import { parseTopicPayload, TOPICS } from "./apply-payloads.server";
import { dayIn, shipByOf } from "./apply-orders.server";
import { placementByLine } from "./apply-fulfillment-orders.server";

const order = {
  id: 5001,
  source_name: "web",
  created_at: "2026-11-23T10:00:00Z",
  updated_at: "2026-11-23T10:05:00Z",
  tags: "wholesale, vip",
  line_items: [{ id: 1, variant_id: 8001, sku: "TEE-BLK-M", quantity: 2, fulfillable_quantity: 2 }],
};

describe("webhook payload schemas", () => {
  it("cover every topic shopify.md lists (27)", () => {
    expect(TOPICS).toHaveLength(27);
  });

  it("parse an order: ids as bigint, tags split, dates parsed, unknown fields kept", () => {
    const r = parseTopicPayload("orders/create", { ...order, currency: "USD" });
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.id).toBe(5001n);
    expect(r.data.tags).toEqual(["wholesale", "vip"]);
    expect(r.data.updated_at.toISOString()).toBe("2026-11-23T10:05:00.000Z");
    expect(r.data.cancelled_at).toBeNull();
    expect((r.data as Record<string, unknown>).currency).toBe("USD");
  });

  it("name every bad field", () => {
    const r = parseTopicPayload("orders/updated", { ...order, id: undefined, updated_at: "yesterday", line_items: [{ id: 1, quantity: -1, fulfillable_quantity: "2" }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain("invalid orders/updated payload");
    expect(r.reason).toContain("id: Required");
    expect(r.reason).toContain("updated_at: must be an ISO 8601 timestamp");
    expect(r.reason).toContain("line_items[0].quantity: Number must be greater than or equal to 0");
    expect(r.reason).toContain("line_items[0].fulfillable_quantity: Expected number, received string");
  });

  it("accept numeric ids as digit strings and refuse other strings", () => {
    expect(parseTopicPayload("inventory_levels/update", { inventory_item_id: "9001", location_id: 101, available: 3 }).ok).toBe(true);
    const bad = parseTopicPayload("inventory_levels/update", { inventory_item_id: "abc", location_id: 101, available: 3 });
    expect(bad.ok || bad.reason).toContain("inventory_item_id");
  });

  it("read gids in fulfillment_orders/moved", () => {
    const r = parseTopicPayload("fulfillment_orders/moved", {
      original_fulfillment_order: { id: "gid://shopify/FulfillmentOrder/1", status: "closed" },
      moved_fulfillment_order: { id: "gid://shopify/FulfillmentOrder/2", status: "open", assigned_location_id: "gid://shopify/Location/102" },
      destination_location_id: "gid://shopify/Location/102",
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.moved_fulfillment_order.id).toBe(2n);
    expect(parseTopicPayload("fulfillment_orders/moved", { destination_location_id: "gid://shopify/Order/1" }).ok).toBe(false);
  });
});

describe("order helpers", () => {
  it("reads the ship-by date from note attributes", () => {
    const parsed = parseTopicPayload("orders/create", { ...order, note_attributes: [{ name: "Ship By", value: "2026-12-08" }] });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(shipByOf(parsed.data)?.toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });

  it("takes the created day in the shop's time zone", () => {
    const at = new Date("2026-11-24T02:30:00Z");
    expect(dayIn(at, "UTC").toISOString()).toBe("2026-11-24T00:00:00.000Z");
    expect(dayIn(at, "America/New_York").toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(dayIn(at, "Not/AZone").toISOString()).toBe("2026-11-24T00:00:00.000Z");
  });
});

describe("placementByLine", () => {
  it("puts each line where most of its remaining units are, ignoring closed fulfillment orders", () => {
    const map = placementByLine({
      orderGid: "gid://shopify/Order/1",
      fulfillmentOrders: [
        { id: "a", status: "CLOSED", locationGid: "gid://shopify/Location/101", lines: [{ lineItemGid: "gid://shopify/LineItem/11", remainingQuantity: 9 }] },
        { id: "b", status: "OPEN", locationGid: "gid://shopify/Location/101", lines: [{ lineItemGid: "gid://shopify/LineItem/11", remainingQuantity: 1 }] },
        { id: "c", status: "OPEN", locationGid: "gid://shopify/Location/102", lines: [{ lineItemGid: "gid://shopify/LineItem/11", remainingQuantity: 3 }, { lineItemGid: "gid://shopify/LineItem/12", remainingQuantity: 0 }] },
      ],
    });
    expect([...map]).toEqual([["11", 102n]]);
  });
});
