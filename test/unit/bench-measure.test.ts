import { describe, expect, it } from "vitest";
import { costFigures, naiveScriptCost, routedSaleLatency } from "../../bench/lib/measure";
import type { CallRecord, InventoryChangeRec } from "../shopify-double";

/** The flash-sale benchmark's cost split: keeping ATS in Shopify vs routing orders. */

const MUTATIONS = new Set(["InventorySetQuantities", "InventoryMoveQuantities", "FulfillmentOrdersMove"]);

const call = (operationName: string, actualCost: number, extra: Partial<CallRecord> = {}): CallRecord => ({
  shop: "s.myshopify.com",
  startedAt: 1_000,
  finishedAt: 1_010,
  apiVersion: "2026-07",
  operationType: MUTATIONS.has(operationName) ? "mutation" : "query",
  operationName,
  document: "",
  variables: null,
  requestedCost: actualCost,
  bucketBefore: null,
  actualCost,
  outcome: "ok",
  errorCodes: [],
  userErrorCodes: [],
  idempotencyKeys: [],
  replayed: false,
  ...extra,
});

const change = (groupId: number, itemId: number): InventoryChangeRec => ({ groupId, itemId, at: 1_000, actor: "shopify" }) as unknown as InventoryChangeRec;

describe("costFigures", () => {
  it("splits our points into sync (pushes and their reads) and routing, per changed SKU and per order routed", () => {
    const calls = [
      call("InventorySetQuantities", 12),
      call("InventoryMoveQuantities", 12),
      call("InventoryQuantities", 30),
      call("OrderFulfillmentOrders", 40),
      // Two moves and the restore of the channel location in one call.
      call("FulfillmentOrdersMove", 24, { variables: { id0: "gid://shopify/FulfillmentOrder/1", to0: "gid://shopify/Location/1", id1: "gid://shopify/FulfillmentOrder/2", to1: "gid://shopify/Location/1", restoreKey: "k" } }),
      // Refused by Shopify (and its restore stale): charged, but routed nothing.
      call("FulfillmentOrdersMove", 10, { variables: { id0: "gid://shopify/FulfillmentOrder/3", to0: "gid://shopify/Location/1" }, userErrorCodes: ["USER_ERROR", "CHANGE_FROM_QUANTITY_STALE"] }),
      // A read of levels: the push path's (a STALE re-read), or routing's of a destination it could not follow.
      call("InventoryLevelsAt", 10),
      call("FulfillmentOrderPlacement", 8),
      call("FulfillmentOrderPlacement", 8, { outcome: "throttled", actualCost: null }),
      // Before the window: not counted.
      call("InventorySetQuantities", 99, { startedAt: 10 }),
    ];
    const inventory = [change(1, 10), change(1, 11), change(2, 10), change(3, 12)];
    const f = costFigures(calls, inventory, { start: 500, end: 2_000 }, 100);
    expect(f.costPoints).toBe(12 + 12 + 30 + 40 + 24 + 10 + 10 + 8);
    expect(f.changedSkus).toBe(4);
    expect(f.syncCostPoints).toBe(64);
    expect(f.syncCostPointsPerChangedSku).toBe(16);
    expect(f.routingCostPoints).toBe(82);
    expect(f.routingCalls).toBe(4);
    expect(f.ordersRouted).toBe(2);
    expect(f.routingPointsPerOrder).toBe(41);
    // The all-in figure keeps its meaning.
    expect(f.costPointsPerChangedSku).toBe(36.5);
  });

  it("an app that routes nothing (the naive baseline) has all its cost as sync cost", () => {
    const f = costFigures([call("InventorySetQuantities", 11), call("InventorySetQuantities", 11)], [change(1, 1)], { start: 0, end: 2_000 }, 100);
    expect(f.syncCostPointsPerChangedSku).toBe(f.costPointsPerChangedSku);
    expect(f.routingPointsPerOrder).toBeNull();
  });
});

describe("naiveScriptCost", () => {
  it("prices the deliveries still queued at the naive app's average mutation", () => {
    const w = { mutations: 100, mutationCostPoints: 1_200, costPoints: 1_200, costPointsPerChangedSku: 6, changedSkus: 200 };
    expect(naiveScriptCost(w, 50)).toEqual({ pointsPerMutation: 12, scriptPoints: 1_800, windowPointsPerChangedSku: 6, costPointsPerChangedSku: 9 });
    expect(naiveScriptCost(w, 0).costPointsPerChangedSku).toBe(6);
  });

  it("has nothing to price before its first mutation", () => {
    expect(naiveScriptCost({ mutations: 0, mutationCostPoints: 0, costPoints: 0, costPointsPerChangedSku: null, changedSkus: 0 }, 40)).toMatchObject({ scriptPoints: 0, costPointsPerChangedSku: null });
  });
});

describe("routedSaleLatency", () => {
  it("splits a routed sale's time into delivery→move and move→push, per SKU", () => {
    const delivery = { webhookId: "w1", topic: "orders/create", status: "accepted", attempts: [{ at: 1_000 }], payload: { line_items: [{ variant_id: 7 }] } };
    const change = (at: number, over: Partial<InventoryChangeRec>): InventoryChangeRec =>
      ({ at, groupId: null, itemId: 70, locationId: 901, sku: "S", name: "available", delta: 1, quantityAfterChange: 0, reason: "correction", referenceDocumentUri: null, ledgerDocumentUri: null, actor: "shopify", ...over }) as InventoryChangeRec;
    const inventory = [
      change(900, { reason: "fulfillment_order_moved", name: "committed", delta: -1, actor: "app" }),
      change(3_000, { reason: "fulfillment_order_moved", name: "committed", delta: -1, actor: "app" }),
      change(3_000, { reason: "fulfillment_order_moved", name: "available", delta: 1, actor: "app" }),
      change(2_500, { actor: "app", referenceDocumentUri: "gid://ringfence/PushJob/1" }),
      change(4_200, { actor: "app", referenceDocumentUri: "gid://ringfence/PushJob/2" }),
    ];
    const out = routedSaleLatency([delivery as never], inventory, new Map([[7, 70]]), { start: 0, end: 10_000 }, 901, () => true);
    expect(out).toEqual({ samples: 1, toMoveP50Ms: 2_000, toMoveP95Ms: 2_000, moveToPushP50Ms: 1_200, moveToPushP95Ms: 1_200 });
  });
});
