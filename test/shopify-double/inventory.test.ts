import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { gql, itemGid, LEVEL_QUERY, locGid, SET_QUANTITIES, startDouble } from "./test-helpers";

const MOVE = /* GraphQL */ `
  mutation Move($input: InventoryMoveQuantitiesInput!, $key: String!) {
    inventoryMoveQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { id changes { name delta quantityAfterChange ledgerDocumentUri } }
      userErrors { code field message }
    }
  }
`;

const q = (item: number, loc: number, quantity: number, changeFromQuantity: number | null) => ({
  inventoryItemId: itemGid(item),
  locationId: locGid(loc),
  quantity,
  changeFromQuantity,
});

let double: ShopifyDouble;
let token: string;
const row = (sku: string, location: number) => double.levels().find((r) => r.sku === sku && r.location === location)!;

beforeEach(async () => {
  ({ double, token } = await startDouble());
});
afterEach(async () => double.close());

describe("inventorySetQuantities: compare-and-swap", () => {
  it("a stale changeFromQuantity fails with CHANGE_FROM_QUANTITY_STALE and applies nothing (the call is atomic)", async () => {
    // TEE-BLK-M at 101 holds 40, TEE-BLK-L holds 10; the second expectation is stale.
    const res = await gql(double, token, SET_QUANTITIES, {
      key: "k-stale",
      input: { name: "available", reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/1", quantities: [q(9001, 101, 30, 40), q(9002, 101, 4, 9)] },
    });
    const payload = res.body.data!.inventorySetQuantities;
    expect(payload.inventoryAdjustmentGroup).toBeNull();
    expect(payload.userErrors).toEqual([
      { code: "CHANGE_FROM_QUANTITY_STALE", field: ["input", "quantities", "1", "changeFromQuantity"], message: expect.stringContaining("available is 10, not 9") },
    ]);
    expect(row("TEE-BLK-M", 101).available).toBe(40);
    expect(row("TEE-BLK-L", 101).available).toBe(10);
    expect(double.stats().shopifyCalls.stale).toBe(1);
    expect(double.calls().inventory).toEqual([]);
  });

  it("applies a matching set: available moves and on_hand moves by the same delta, recorded with the reference document", async () => {
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] }); // 38 available, 2 committed, 40 on hand
    const res = await gql(double, token, SET_QUANTITIES, {
      key: "k-ok",
      input: { name: "available", reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/2", quantities: [q(9001, 101, 30, 38)] },
    });
    const group = res.body.data!.inventorySetQuantities.inventoryAdjustmentGroup;
    expect(group.referenceDocumentUri).toBe("gid://ringfence/PushJob/2");
    expect(group.changes).toEqual([
      { name: "available", delta: -8, quantityAfterChange: 30 },
      { name: "on_hand", delta: -8, quantityAfterChange: 32 },
    ]);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 30, committed: 2, onHand: 32 });
    const logged = double.calls().inventory.filter((c) => c.actor === "app");
    expect(logged.map((c) => [c.name, c.delta, c.reason, c.referenceDocumentUri])).toEqual([
      ["available", -8, "correction", "gid://ringfence/PushJob/2"],
      ["on_hand", -8, "correction", "gid://ringfence/PushJob/2"],
    ]);
  });

  it("setting on_hand moves available by the delta", async () => {
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 5 }] }); // 35 available, 40 on hand
    const res = await gql(double, token, SET_QUANTITIES, {
      key: "k-onhand",
      input: { name: "on_hand", reason: "cycle_count_available", referenceDocumentUri: "count://2026-11-27/aisle-4", quantities: [q(9001, 101, 37, 40)] },
    });
    expect(res.body.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 32, committed: 5, onHand: 37 });
  });

  it("an explicit null changeFromQuantity skips the check; omitting it is an error", async () => {
    const skipped = await gql(double, token, SET_QUANTITIES, {
      key: "k-null",
      input: { name: "available", reason: "correction", quantities: [q(9003, 901, 7, null)] },
    });
    expect(skipped.body.data!.inventorySetQuantities.userErrors).toEqual([]);
    expect(row("HOOD-GRY-M", 901).available).toBe(7);

    const omitted = await gql(double, token, SET_QUANTITIES, {
      key: "k-omit",
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: itemGid(9003), locationId: locGid(901), quantity: 1 }] },
    });
    expect(omitted.body.errors?.[0].message).toMatch(/changeFromQuantity must be given since 2026-04/);
    expect(row("HOOD-GRY-M", 901).available).toBe(7);
  });

  it("refuses more than 250 quantities in one call and applies none", async () => {
    const quantities = Array.from({ length: 251 }, () => q(9001, 101, 1, null));
    const res = await gql(double, token, SET_QUANTITIES, { key: "k-big", input: { name: "available", reason: "correction", quantities } });
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
    expect(row("TEE-BLK-M", 101).available).toBe(40);
  });

  it("validates names, reasons, ids and duplicates with Shopify's codes", async () => {
    const res = await gql(double, token, SET_QUANTITIES, {
      key: "k-bad",
      input: { name: "committed", reason: "because", quantities: [q(1, 101, 1, null), q(9001, 999, 1, null), q(9002, 101, -1, null), q(9002, 101, 2, null)] },
    });
    const codes = res.body.data!.inventorySetQuantities.userErrors.map((e: { code: string }) => e.code);
    expect(codes).toEqual([
      "INVALID_NAME",
      "INVALID_REASON",
      "INVALID_INVENTORY_ITEM",
      "INVALID_LOCATION",
      "INVALID_QUANTITY_NEGATIVE",
      "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
    ]);
  });
});

describe("@idempotent", () => {
  it("a retry with the same key and arguments gets the first result back and applies once", async () => {
    const vars = {
      key: "5b1f0c2e-1111-4000-8000-000000000001",
      input: { name: "available", reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/3", quantities: [q(9001, 101, 35, 40)] },
    };
    const first = await gql(double, token, SET_QUANTITIES, vars);
    // A sale lands between the two attempts; running the retry again would be stale.
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
    const retry = await gql(double, token, SET_QUANTITIES, vars);
    expect(retry.body.data).toEqual(first.body.data);
    expect(first.body.data!.inventorySetQuantities.inventoryAdjustmentGroup.id).toMatch(/^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/);
    expect(row("TEE-BLK-M", 101).available).toBe(34);
    expect(double.calls().inventory.filter((c) => c.actor === "app" && c.name === "available")).toHaveLength(1);
    expect(double.calls().graphql.map((c) => c.replayed)).toEqual([false, true]);
  });

  it("applies a delta mutation once however often it is retried", async () => {
    const vars = {
      key: "move-once",
      input: {
        reason: "reservation_created",
        referenceDocumentUri: "gid://ringfence/Holdback/7",
        changes: [
          { inventoryItemId: itemGid(9001), quantity: 5, from: { locationId: locGid(101), name: "available" }, to: { locationId: locGid(101), name: "reserved", ledgerDocumentUri: "ringfence://holdback/7" } },
        ],
      },
    };
    for (let i = 0; i < 3; i++) await gql(double, token, MOVE, vars);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 35, reserved: 5, onHand: 40 });
  });

  it("the same key with different arguments is IDEMPOTENCY_KEY_PARAMETER_MISMATCH", async () => {
    const input = { name: "available", reason: "correction", quantities: [q(9002, 101, 8, 10)] };
    await gql(double, token, SET_QUANTITIES, { key: "reused", input });
    const res = await gql(double, token, SET_QUANTITIES, { key: "reused", input: { ...input, quantities: [q(9002, 101, 6, 8)] } });
    expect(res.body.data!.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", field: null, message: "The same idempotency key cannot be used with different operation parameters." }],
    });
    expect(row("TEE-BLK-L", 101).available).toBe(8);
  });

  it("is required on the inventory mutations since 2026-04", async () => {
    const res = await gql(
      double,
      token,
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`,
      { input: { name: "available", reason: "correction", quantities: [q(9002, 101, 1, null)] } },
    );
    expect(res.body.errors?.[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REQUIRED");
    expect(row("TEE-BLK-L", 101).available).toBe(10);
  });
});

describe("inventoryMoveQuantities", () => {
  const change = (from: Record<string, unknown>, to: Record<string, unknown>, quantity = 2) => ({
    inventoryItemId: itemGid(9001),
    quantity,
    from: { locationId: locGid(101), ...from },
    to: { locationId: locGid(101), ...to },
  });
  const move = (key: string, changes: unknown[]) =>
    gql(double, token, MOVE, { key, input: { reason: "safety_stock", referenceDocumentUri: "gid://ringfence/Rule/1", changes } });

  it("moves between available and safety_stock, keeping on_hand", async () => {
    const res = await move("m1", [change({ name: "available" }, { name: "safety_stock", ledgerDocumentUri: "ringfence://rule/1" }, 4)]);
    const changes = res.body.data!.inventoryMoveQuantities.inventoryAdjustmentGroup.changes;
    expect(changes).toEqual([
      { name: "available", delta: -4, quantityAfterChange: 36, ledgerDocumentUri: null },
      { name: "safety_stock", delta: 4, quantityAfterChange: 4, ledgerDocumentUri: "ringfence://rule/1" },
    ]);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 36, safetyStock: 4, onHand: 40 });
  });

  it("enforces the ledger document rules", async () => {
    const res = await move("m2", [
      change({ name: "available", ledgerDocumentUri: "ringfence://x/1" }, { name: "reserved", ledgerDocumentUri: "ringfence://x/1" }),
      change({ name: "available" }, { name: "reserved" }),
      change({ name: "available" }, { name: "damaged", ledgerDocumentUri: "gid://shopify/Order/1" }),
      change({ name: "available" }, { name: "available" }),
    ]);
    expect(res.body.data!.inventoryMoveQuantities.userErrors.map((e: { code: string }) => e.code)).toEqual([
      "INVALID_AVAILABLE_DOCUMENT",
      "INVALID_QUANTITY_DOCUMENT",
      "INTERNAL_LEDGER_DOCUMENT",
      "SAME_QUANTITY_NAME",
    ]);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 40, reserved: 0, damaged: 0 });
  });

  it("cannot take more out of a ledger document than it holds", async () => {
    await move("m3", [change({ name: "available" }, { name: "reserved", ledgerDocumentUri: "ringfence://hb/1" }, 3)]);
    const res = await move("m4", [change({ name: "reserved", ledgerDocumentUri: "ringfence://hb/1" }, { name: "available" }, 4)]);
    expect(res.body.data!.inventoryMoveQuantities.userErrors[0]).toMatchObject({ code: "INVALID_QUANTITY_NEGATIVE" });
    const back = await move("m5", [change({ name: "reserved", ledgerDocumentUri: "ringfence://hb/1" }, { name: "available" }, 3)]);
    expect(back.body.data!.inventoryMoveQuantities.userErrors).toEqual([]);
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: 40, reserved: 0 });
  });

  it("refuses moves between locations", async () => {
    const res = await move("m6", [{ ...change({ name: "available" }, { name: "reserved", ledgerDocumentUri: "ringfence://a/1" }), to: { locationId: locGid(102), name: "reserved", ledgerDocumentUri: "ringfence://a/1" } }]);
    expect(res.body.data!.inventoryMoveQuantities.userErrors[0].code).toBe("DIFFERENT_LOCATIONS");
  });
});

describe("reads", () => {
  it("inventoryLevel.quantities reports every name Shopify has", async () => {
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 3 }] });
    const res = await gql(double, token, LEVEL_QUERY, { item: itemGid(9001), loc: locGid(101) });
    expect(res.body.data!.inventoryItem.inventoryLevel.quantities).toEqual([
      { name: "available", quantity: 37 },
      { name: "on_hand", quantity: 40 },
      { name: "committed", quantity: 3 },
      { name: "reserved", quantity: 0 },
    ]);
  });

  it("lists locations with their flags and finds variants by sku", async () => {
    const res = await gql(
      double,
      token,
      `{ locations(first: 10) { nodes { id name isActive fulfillsOnlineOrders isFulfillmentService } }
         productVariants(first: 5, query: "sku:TEE-BLK-L") { nodes { sku inventoryItem { id } product { title } } } }`,
    );
    expect(res.body.data!.locations.nodes.map((l: { name: string }) => l.name)).toEqual(["Amazon (channel)", "Central Warehouse", "Outlet Store"]);
    expect(res.body.data!.locations.nodes[1]).toEqual({ id: locGid(101), name: "Central Warehouse", isActive: true, fulfillsOnlineOrders: true, isFulfillmentService: false });
    expect(res.body.data!.productVariants.nodes).toEqual([{ sku: "TEE-BLK-L", inventoryItem: { id: itemGid(9002) }, product: { title: "Crew Tee Black" } }]);
  });

  it("fails loudly on fields and filters the double does not model", async () => {
    const field = await gql(double, token, `{ shop { name contactEmail } }`);
    expect(field.body.errors?.[0]).toMatchObject({ message: "The Shopify test double does not implement Shop.contactEmail.", extensions: { code: "DOUBLE_NOT_IMPLEMENTED" } });
    const filter = await gql(double, token, `{ products(first: 1, query: "gift_card:true") { nodes { id } } }`);
    expect(filter.body.errors?.[0].message).toMatch(/does not support the search term 'gift_card:true' on products/);
  });
});

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
    inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup { id referenceDocumentUri changes { name delta quantityAfterChange } }
      userErrors { code field message }
    }
  }
`;

describe("inventoryAdjustQuantities (available)", () => {
  const change = (item: number, loc: number, delta: number, changeFromQuantity?: number | null) => ({
    inventoryItemId: itemGid(item),
    locationId: locGid(loc),
    delta,
    ...(changeFromQuantity === undefined ? {} : { changeFromQuantity }),
  });
  const adjust = (key: string, changes: unknown[], name = "available") =>
    gql(double, token, ADJUST, { key, input: { name, reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/9", changes } });

  it("applies deltas (on_hand moves with available); null skips the compare-and-swap, a stale value applies nothing", async () => {
    const before = row("TEE-BLK-M", 101);
    const ok = await adjust("a-1", [change(9001, 101, -3, null)]);
    expect(ok.body.data!.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(ok.body.data!.inventoryAdjustQuantities.inventoryAdjustmentGroup.referenceDocumentUri).toBe("gid://ringfence/PushJob/9");
    expect(row("TEE-BLK-M", 101)).toMatchObject({ available: before.available - 3, onHand: before.onHand - 3 });

    // Two changes, the second stale: the call is atomic.
    const stale = await adjust("a-2", [change(9001, 101, -1, before.available - 3), change(9002, 101, -1, 999)]);
    expect(stale.body.data!.inventoryAdjustQuantities.userErrors).toEqual([
      { code: "CHANGE_FROM_QUANTITY_STALE", field: ["input", "changes", "1", "changeFromQuantity"], message: expect.stringContaining("not 999") },
    ]);
    expect(row("TEE-BLK-M", 101).available).toBe(before.available - 3);
  });

  it("changeFromQuantity must be sent (2026-04), and only available is modelled", async () => {
    const missing = await adjust("a-3", [change(9001, 101, -1)]);
    expect(missing.body.errors?.[0]?.message).toMatch(/changes\[0\]\.changeFromQuantity must be given/);
    const other = await adjust("a-4", [change(9001, 101, 1, null)], "damaged");
    expect(other.body.errors?.[0]?.message).toMatch(/adjusts only "available"/);
  });
});
