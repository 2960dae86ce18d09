import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "../../../test/shopify-double";
import type { StoreInput } from "../../../test/shopify-double/store";
import { itemGid, locGid, SHOP, startDouble, STORE } from "../../../test/shopify-double/test-helpers";
import { createAdminClient, type AdminClient } from "../client";
import { ShopThrottle } from "../throttle";
import { fetchTransport } from "../transport.server";
import { fulfillmentOrdersMove } from "./fulfillment-orders-move";
import { readLevelsAt } from "./inventory-levels-at";
import { documentFor, NARROW, ORDERS_PER_CALL, ordersFulfillmentOrders, requestedCostPerOrder, WIDE } from "./order-fulfillment-orders";

/**
 * The reads routing makes, against the Shopify test double (which validates every document
 * against Shopify's schema and prices it with Shopify's documented calculation: objects 1,
 * connections 2 + first × node, scalars 0, mutations 10 + selection).
 */

let double: ShopifyDouble | undefined;
afterEach(async () => double?.close());

// The helpers' store, with stock at the Amazon channel location (901) for every variant.
const store: StoreInput = {
  ...STORE,
  products: STORE.products.map((p) => ({ ...p, variants: p.variants.map((v) => ({ ...v, onHand: { ...v.onHand, "901": 12 } })) })),
};

async function setup(): Promise<{ double: ShopifyDouble; client: AdminClient }> {
  const started = await startDouble({}, store);
  double = started.double;
  const client = createAdminClient({
    shop: SHOP,
    transport: fetchTransport({ accessToken: async () => started.token, adminOrigin: started.double.url }),
    throttle: new ShopThrottle(),
    baseBackoffMs: 1,
  });
  return { double: started.double, client };
}

const calls = (d: ShopifyDouble, name: string) => d.calls(SHOP).graphql.filter((c) => c.operationName === name && c.outcome === "ok");

describe("OrderFulfillmentOrders: many orders in one call", () => {
  it("the requested cost per order is Shopify's calculation, and a full call asks for 264 points", () => {
    // order 1 + fulfillmentOrders (2 + 2 × (fulfillment order 1 + assignedLocation 1 + location 1 + lineItems (2 + 10 × 1)))
    expect(requestedCostPerOrder(NARROW)).toBe(33);
    expect(ORDERS_PER_CALL).toBe(8);
    expect(requestedCostPerOrder(WIDE)).toBe(278);
    expect(() => documentFor(ORDERS_PER_CALL + 1)).toThrow(/orders per call: must be 1…8/);
  });

  it("reads 18 orders in three calls, each order's fulfillment orders where Shopify put them", async () => {
    const { double: d, client } = await setup();
    const ids = Array.from({ length: 18 }, (_, i) => 5001 + i);
    for (const id of ids) {
      const lines = id % 2 === 0 ? [{ sku: "TEE-BLK-L", qty: 1 }, { sku: "HOOD-GRY-M", qty: 1 }] : [{ sku: "TEE-BLK-M", qty: 1 }];
      expect(d.order({ shop: SHOP, id, sourceName: "amazon", location: id === 5012 ? 101 : 901, lines }).accepted).toBe(true);
    }
    const gids = ids.map((id) => `gid://shopify/Order/${id}`);
    const { byOrder, truncated, calls: n } = await ordersFulfillmentOrders(client, [...gids, "gid://shopify/Order/424242"]);

    expect(n).toBe(3);
    expect(truncated).toEqual([]);
    const made = calls(d, "OrderFulfillmentOrders");
    expect(made).toHaveLength(3);
    expect(made.map((c) => c.requestedCost)).toEqual([8 * 33, 8 * 33, 3 * 33]);
    // Charged for what came back: per order 1 + 2 + (1 + 1 + 1 + 2 + lines).
    const expected = ids.map((id) => 8 + (id % 2 === 0 ? 2 : 1));
    expect(made.reduce((s, c) => s + (c.actualCost ?? 0), 0)).toBe(expected.reduce((a, b) => a + b, 0));

    expect(byOrder.has("gid://shopify/Order/424242")).toBe(false);
    const even = byOrder.get("gid://shopify/Order/5002")!;
    expect(even).toHaveLength(1);
    expect(even[0]).toMatchObject({ status: "OPEN", locationId: locGid(901) });
    expect(even[0].lines.map((l) => [l.inventoryItemId, l.remainingQuantity])).toEqual([
      [itemGid(9002), 1],
      [itemGid(9003), 1],
    ]);
    expect(byOrder.get("gid://shopify/Order/5012")![0].locationId).toBe(locGid(101));
  });

  it("reads an order with more lines than a narrow page again on its own with wide pages, and never returns part of an order", async () => {
    // 51 variants of one product: a twelve-line order does not fit in 10 lines, a 51-line one not in 50.
    const sizes = Array.from({ length: 51 }, (_, i) => `S${i}`);
    const wide: StoreInput = {
      ...store,
      products: [
        ...store.products,
        {
          id: 7100,
          title: "Sock",
          variants: sizes.map((size, i) => ({ id: 8100 + i, sku: `SOCK-${size}`, inventoryItemId: 9100 + i, onHand: { "901": 5 } })),
        },
      ],
    } as StoreInput;
    const started = await startDouble({}, wide);
    double = started.double;
    const client = createAdminClient({ shop: SHOP, transport: fetchTransport({ accessToken: async () => started.token, adminOrigin: started.double.url }), throttle: new ShopThrottle(), baseBackoffMs: 1 });
    const order = (id: number, skus: string[]) =>
      expect(started.double.order({ shop: SHOP, id, sourceName: "amazon", location: 901, lines: skus.map((size) => ({ sku: `SOCK-${size}`, qty: 1 })) }).accepted).toBe(true);
    order(7101, sizes.slice(0, 12));
    order(7102, ["S0"]);
    order(7103, sizes);

    const gids = [7101, 7102, 7103].map((id) => `gid://shopify/Order/${id}`);
    const { byOrder, truncated, calls: n } = await ordersFulfillmentOrders(client, gids);
    expect(n).toBe(3);
    expect(byOrder.get(gids[0])![0].lines).toHaveLength(12);
    expect(byOrder.get(gids[1])![0].lines).toHaveLength(1);
    // Not even 50 lines a fulfillment order hold it: reported, and none of it returned.
    expect(truncated).toEqual([gids[2]]);
    expect(byOrder.has(gids[2])).toBe(false);
    expect(calls(started.double, "OrderFulfillmentOrders").map((c) => c.requestedCost)).toEqual([3 * 33, 278, 278]);
  });
});

describe("FulfillmentOrdersMove", () => {
  it("a move costs 12 points and says when Shopify made it; the destination's level is stamped no earlier", async () => {
    const { double: d, client } = await setup();
    expect(d.order({ shop: SHOP, id: 6001, sourceName: "amazon", location: 901, lines: [{ sku: "HOOD-GRY-M", qty: 2 }] }).accepted).toBe(true);
    const { byOrder } = await ordersFulfillmentOrders(client, ["gid://shopify/Order/6001"]);
    const fo = byOrder.get("gid://shopify/Order/6001")![0];
    const { moves, restore, stats } = await fulfillmentOrdersMove(client, [{ fulfillmentOrderId: fo.id, newLocationId: locGid(101) }], null);
    expect(moves).toEqual([{ ok: true, movedId: fo.id, movedAt: expect.any(String) }]);
    expect(restore).toBeNull();
    expect(stats.cost).toBe(12);
    // Routing takes the moved units off its copy of the destination only where that copy is older
    // than the move (app/models/inventory.server.ts, takeMovedUnits): the level the move changed
    // must not carry an earlier time than the move.
    const movedAt = Date.parse((moves[0] as { movedAt: string }).movedAt);
    const { levels } = await readLevelsAt(client, [itemGid(9003)], locGid(101));
    expect(levels[0].quantities).toMatchObject({ available: 3, committed: 2 });
    expect(Date.parse(levels[0].updatedAt!)).toBeGreaterThanOrEqual(movedAt);
  });

  it("moves several fulfillment orders and takes back what they return to the channel location's available in the same call", async () => {
    const { double: d, client } = await setup();
    const level = (loc: number, name: "available" | "committed") => d.levels(SHOP).find((l) => l.sku === "HOOD-GRY-M" && l.location === loc)![name];
    for (const id of [6101, 6102]) expect(d.order({ shop: SHOP, id, sourceName: "amazon", location: 901, lines: [{ sku: "HOOD-GRY-M", qty: 1 }] }).accepted).toBe(true);
    const { byOrder } = await ordersFulfillmentOrders(client, ["gid://shopify/Order/6101", "gid://shopify/Order/6102"]);
    const fos = ["6101", "6102"].map((o) => byOrder.get(`gid://shopify/Order/${o}`)![0].id);
    const shown = level(901, "available");
    const restore = (key: string, delta: number) => ({
      idempotencyKey: key,
      input: { name: "available" as const, reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/1", changes: [{ inventoryItemId: itemGid(9003), locationId: locGid(901), delta, changeFromQuantity: null }] },
    });
    const ok = await fulfillmentOrdersMove(client, fos.map((id) => ({ fulfillmentOrderId: id, newLocationId: locGid(101) })), restore("k-1", -2));
    expect(ok.moves.map((m) => m.ok)).toEqual([true, true]);
    expect(ok.restore).toMatchObject({ ok: true });
    // 12 a move and 12 the restore.
    expect(ok.stats.cost).toBe(36);
    // The channel keeps showing what it showed after its sales; the units are committed at 101.
    expect(level(901, "available")).toBe(shown);
    expect(level(901, "committed")).toBe(0);
    expect(level(101, "committed")).toBe(2);

    // A refused move returns nothing, but the delta still applies: the caller must re-read.
    const refused = await fulfillmentOrdersMove(client, [{ fulfillmentOrderId: "gid://shopify/FulfillmentOrder/999999", newLocationId: locGid(101) }], restore("k-2", -1));
    expect(refused.moves[0].ok).toBe(false);
    expect(refused.restore).toMatchObject({ ok: true });
    expect(level(901, "available")).toBe(shown - 1);
    // The same key again: Shopify replays the first answer and applies nothing twice.
    await fulfillmentOrdersMove(client, [{ fulfillmentOrderId: "gid://shopify/FulfillmentOrder/999999", newLocationId: locGid(101) }], restore("k-2", -1));
    expect(level(901, "available")).toBe(shown - 1);
  });
});
