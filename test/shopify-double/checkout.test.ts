import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { InputError } from "./store";
import { gql, STORE, startDouble } from "./test-helpers";

let double: ShopifyDouble;
let token: string;
const row = (sku: string, location: number) => double.levels().find((r) => r.sku === sku && r.location === location)!;
const topics = () => double.deliveries().map((d) => d.topic);

beforeEach(async () => {
  // No webhookUrl: deliveries are recorded (status "undeliverable") so tests can read what Shopify would send.
  ({ double, token } = await startDouble());
});
afterEach(async () => double.close());

describe("checkout", () => {
  it("refuses an order when available at that location is short, and changes nothing", () => {
    const res = double.order({ id: 5001, sourceName: "amazon", location: 102, lines: [{ sku: "TEE-BLK-M", qty: 2 }, { sku: "TEE-BLK-M", qty: 2 }] });
    expect(res).toEqual({ accepted: false, reason: "TEE-BLK-M: 4 wanted, 3 available at location 102" });
    expect(row("TEE-BLK-M", 102)).toMatchObject({ available: 3, committed: 0 });
    expect(double.stats().refused).toBe(1);
    expect(topics()).toEqual([]);
  });

  it("commits the units (available → committed, on hand unchanged) and sends orders/create plus inventory webhooks", () => {
    const res = double.order({ id: 5002, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }, { sku: "HOOD-GRY-M", qty: 1 }], tags: ["vip", "flash"] });
    expect(res).toEqual({ accepted: true, orderId: 5002, name: "#1001" });
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 38, committed: 2, onHand: 40 });
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ available: 4, committed: 1, onHand: 5 });
    expect(topics()).toEqual(["orders/create", "inventory_levels/update", "inventory_levels/update", "products/update", "products/update"]);
    const payload = double.deliveries()[0].payload as Record<string, any>;
    expect(payload).toMatchObject({
      id: 5002,
      admin_graphql_api_id: "gid://shopify/Order/5002",
      name: "#1001",
      app_id: 580111,
      source_name: "web",
      cancelled_at: null,
      test: false,
      tags: "vip, flash",
      location_id: null,
      company: null,
    });
    expect(payload.line_items[0]).toMatchObject({ variant_id: 8001, sku: "TEE-BLK-M", quantity: 2, fulfillable_quantity: 2, fulfillment_status: null });
    expect(double.deliveries()[1].payload).toMatchObject({ inventory_item_id: 9001, location_id: 101, available: 38 });
  });

  it("carries the B2B company, ship-by date and selling app", async () => {
    double.order({ id: 5003, sourceName: "shopify_draft_order", b2b: true, location: 101, shipBy: "2026-12-08", lines: [{ sku: "TEE-BLK-L", qty: 10 }] });
    expect(double.deliveries()[0].payload).toMatchObject({
      app_id: 1354745,
      company: { id: 1, location_id: 1 },
      note: "Ship by 2026-12-08",
      note_attributes: [{ name: "ship_by", value: "2026-12-08" }],
    });
    const res = await gql(
      double,
      token,
      `{ order(id: "gid://shopify/Order/5003") { sourceName app { name } channelInformation { channelDefinition { handle } }
          purchasingEntity { __typename ... on PurchasingCompany { company { id } } }
          fulfillmentOrders(first: 5) { nodes { status fulfillBy assignedLocation { location { id } } lineItems(first: 5) { nodes { sku remainingQuantity } } } } } }`,
    );
    expect(res.body.data!.order).toEqual({
      sourceName: "shopify_draft_order",
      app: { name: "Draft Orders" },
      channelInformation: { channelDefinition: { handle: "shopify_draft_order" } },
      purchasingEntity: { __typename: "PurchasingCompany", company: { id: "gid://shopify/Company/1" } },
      fulfillmentOrders: {
        nodes: [
          { status: "OPEN", fulfillBy: "2026-12-08T00:00:00Z", assignedLocation: { location: { id: "gid://shopify/Location/101" } }, lineItems: { nodes: [{ sku: "TEE-BLK-L", remainingQuantity: 10 }] } },
        ],
      },
    });
  });

  it("names the field at fault in bad input", () => {
    expect(() => double.order({ id: 1, location: 101, lines: [{ sku: "NOPE", qty: 1 }] })).toThrow(/lines\[0\]\.sku: unknown sku NOPE/);
    expect(() => double.order({ id: 1, location: 555, lines: [{ sku: "TEE-BLK-M", qty: 1 }] })).toThrow(/location: unknown location id 555/);
    expect(() => double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 0 }] })).toThrow(InputError);
    expect(() => double.seedStore({ ...STORE, shop: "dup.myshopify.com", products: [STORE.products[0], { ...STORE.products[0], id: 7999 }] })).toThrow(
      /products\[1\]\.variants\[0\]\.sku: duplicate sku TEE-BLK-M/,
    );
  });
});

describe("after checkout", () => {
  beforeEach(() => {
    double.order({ id: 7, sourceName: "amazon", location: 901, lines: [{ sku: "HOOD-GRY-M", qty: 4 }] });
  });

  it("cancel restocks: committed goes back to available", () => {
    double.cancel(7);
    expect(row("HOOD-GRY-M", 901)).toMatchObject({ available: 12, committed: 0, onHand: 12 });
    expect(topics().slice(3)).toEqual(["orders/cancelled", "orders/updated", "inventory_levels/update", "products/update"]);
    const cancelled = double.deliveries().find((d) => d.topic === "orders/cancelled")!.payload as Record<string, any>;
    expect(cancelled.cancelled_at).not.toBeNull();
    expect(cancelled.line_items[0].fulfillable_quantity).toBe(0);
    expect(() => double.cancel(7)).toThrow(/already cancelled/);
  });

  it("move re-routes the fulfillment order: committed leaves the channel location and lands on the facility", () => {
    double.move(7, 101);
    expect(row("HOOD-GRY-M", 901)).toMatchObject({ available: 12, committed: 0, onHand: 12 });
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ available: 1, committed: 4, onHand: 5 });
    const moved = double.deliveries().find((d) => d.topic === "fulfillment_orders/moved")!.payload as Record<string, any>;
    expect(moved).toMatchObject({ destination_location_id: "gid://shopify/Location/101", source_location: { id: "gid://shopify/Location/901" } });
    expect(moved.original_fulfillment_order.id).toBe(moved.moved_fulfillment_order.id);
  });

  it("fulfil ships from the assigned location: committed and on hand go down", () => {
    double.move(7, 101);
    expect(double.fulfill(7, 101)).toEqual({ shipped: 4 });
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ available: 1, committed: 0, onHand: 1 });
    expect(topics()).toEqual(expect.arrayContaining(["fulfillments/create", "orders/fulfilled", "orders/updated"]));
    expect(() => double.fulfill(7, 101)).toThrow(/no open fulfillment order at location 101/);
  });

  it("counts units routed to a facility beyond its physical stock as unfulfillable", () => {
    double.order({ id: 8, sourceName: "amazon", location: 901, lines: [{ sku: "HOOD-GRY-M", qty: 6 }] });
    double.move(7, 101);
    double.move(8, 101); // 10 committed at 101, 5 on hand there
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ available: -5, committed: 10, onHand: 5 });
    expect(double.stats().unfulfillable).toBe(5);
    expect(double.fulfill(7, 101)).toEqual({ shipped: 4 });
    expect(double.fulfill(8, 101)).toEqual({ shipped: 1 });
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ committed: 5, onHand: 0 });
    expect(double.stats().unfulfillable).toBe(5);
    expect(double.deliveries().filter((d) => d.topic === "orders/partially_fulfilled")).toHaveLength(1);
  });

  it("stock sets on hand; available follows by the delta", () => {
    double.stock("HOOD-GRY-M", 901, 20);
    expect(row("HOOD-GRY-M", 901)).toMatchObject({ available: 16, committed: 4, onHand: 20 });
    expect(double.deliveries().at(-2)!.payload).toMatchObject({ location_id: 901, available: 16 });
  });

  it("the app's fulfillmentOrderMove does what the merchant's move does", async () => {
    const fo = await gql(double, token, `{ order(id: "gid://shopify/Order/7") { fulfillmentOrders(first: 1) { nodes { id lineItems(first: 1) { nodes { id } } } } } }`);
    const foNode = fo.body.data!.order.fulfillmentOrders.nodes[0];
    const res = await gql(
      double,
      token,
      `mutation($id: ID!, $to: ID!, $lines: [FulfillmentOrderLineItemInput!]) {
         fulfillmentOrderMove(id: $id, newLocationId: $to, fulfillmentOrderLineItems: $lines) {
           movedFulfillmentOrder { id assignedLocation { location { id } } lineItems(first: 5) { nodes { totalQuantity } } }
           originalFulfillmentOrder { id lineItems(first: 5) { nodes { totalQuantity remainingQuantity } } }
           remainingFulfillmentOrder { id }
           userErrors { field message } } }`,
      { id: foNode.id, to: "gid://shopify/Location/101", lines: [{ id: foNode.lineItems.nodes[0].id, quantity: 1 }] },
    );
    const out = res.body.data!.fulfillmentOrderMove;
    expect(out.userErrors).toEqual([]);
    expect(out.movedFulfillmentOrder.assignedLocation.location.id).toBe("gid://shopify/Location/101");
    expect(out.movedFulfillmentOrder.lineItems.nodes).toEqual([{ totalQuantity: 1 }]);
    expect(out.originalFulfillmentOrder.lineItems.nodes).toEqual([{ totalQuantity: 3, remainingQuantity: 3 }]);
    expect(out.remainingFulfillmentOrder.id).toBe(foNode.id);
    expect(row("HOOD-GRY-M", 901)).toMatchObject({ available: 9, committed: 3 });
    expect(row("HOOD-GRY-M", 101)).toMatchObject({ available: 4, committed: 1 });

    const bad = await gql(double, token, `mutation { fulfillmentOrderMove(id: "${foNode.id}", newLocationId: "gid://shopify/Location/901") { userErrors { field message } } }`);
    expect(bad.body.data!.fulfillmentOrderMove.userErrors[0].field).toEqual(["newLocationId"]);
  });
});

describe("inspection", () => {
  it("levels lists every location and sku, sorted by location then sku", () => {
    const rows = double.levels();
    expect(rows.map((r) => `${r.location}/${r.sku}`)).toEqual([
      "101/HOOD-GRY-M",
      "101/TEE-BLK-L",
      "101/TEE-BLK-M",
      "102/HOOD-GRY-M",
      "102/TEE-BLK-L",
      "102/TEE-BLK-M",
      "901/HOOD-GRY-M",
      "901/TEE-BLK-L",
      "901/TEE-BLK-M",
    ]);
    expect(rows[0]).toEqual({ location: 101, sku: "HOOD-GRY-M", available: 5, committed: 0, onHand: 5, reserved: 0, safetyStock: 0, damaged: 0, qualityControl: 0, incoming: 0 });
  });

  it("keeps shops apart", async () => {
    double.seedStore({ shop: "b.myshopify.com", locations: [{ id: 101, name: "B" }], products: [{ id: 1, title: "B", variants: [{ id: 2, inventoryItemId: 3, sku: "B-1", onHand: { "101": 1 } }] }] });
    expect(() => double.levels()).toThrow(/shop: required/);
    expect(double.levels("b.myshopify.com")).toHaveLength(1);
    double.order({ id: 1, location: 101, lines: [{ sku: "B-1", qty: 1 }], shop: "b.myshopify.com" });
    expect(double.levels("demo-apparel.myshopify.com").every((r) => r.committed === 0)).toBe(true);
  });
});
