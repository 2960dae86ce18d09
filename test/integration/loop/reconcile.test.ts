import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { recomputeItem } from "../../../app/services/availability.server";
import { pushShop } from "../../../app/services/push.server";
import { reconcileShop } from "../../../app/services/reconcile.server";
import { levelAt, shopDomain, startBench, startWorkers, storeFor, type Bench } from "./harness";
import { itemOf, mirrorOrder, syncWithAmazon } from "./fixtures";

describe("reconciliation", () => {
  const shop = shopDomain("recon");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "R-1", item: 9401, onHand: { "101": 20 } }, { sku: "R-2", item: 9402, onHand: { "101": 8 } }])]);
    ctx = await syncWithAmazon(bench, shop);
    for (const sku of ["R-1", "R-2"]) await recomputeItem({ prisma }, ctx.shopId, (await itemOf(ctx.shopId, sku)).id);
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
  });
  afterAll(() => bench.close());

  it("finds nothing when we agree with Shopify", async () => {
    const r = await reconcileShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(r).toMatchObject({ items: 2, drifts: 0, driftedItems: [] });
    expect(r.levelsCompared).toBeGreaterThan(0);
  });

  it("repairs a level whose webhook never came, records the drift, and recomputes the item", async () => {
    const item = await itemOf(ctx.shopId, "R-1");
    bench.double.stock("R-1", 101, 26, shop); // a count the app never heard of
    const r = await reconcileShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(r.drifts).toBe(1);
    expect(r.driftedItems).toEqual([item.id]);
    const drift = await prisma.reconciliationDrift.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id } });
    expect(drift).toMatchObject({ locationId: ctx.l101.id, name: "available", expected: 20, actual: 26, resolution: "repaired from Shopify" });
    const level = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, locationId: ctx.l101.id, name: "available" } });
    expect(level.quantity).toBe(26);
    const snap = await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, channelId: ctx.amazon.id } });
    expect(snap.ats).toBe(13);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: ctx.shopId } })).lastReconciledAt).not.toBeNull();
    // The recompute queued the new Amazon quantity; pushing it lands 13.
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(levelAt(bench.double, shop, 901, "R-1").available).toBe(13);
  });

  it("reads with a bulk query for large shops, finding the same drift", async () => {
    bench.double.stock("R-2", 101, 6, shop);
    const r = await reconcileShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId, { mode: "bulk", pollMs: 10 });
    expect(r.drifts).toBe(1);
    const drift = await prisma.reconciliationDrift.findFirstOrThrow({ where: { shopId: ctx.shopId, item: { sku: "R-2" } } });
    expect(drift).toMatchObject({ expected: 8, actual: 6 });
    expect(bench.double.calls(shop).bulk.length).toBeGreaterThanOrEqual(2); // the sync's and this one
    bench.double.stock("R-2", 101, 8, shop);
    await reconcileShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId, { mode: "bulk", pollMs: 10 });
  });

  it("runs from the queue on demand (the worker recomputes and pushes the drifted item)", async () => {
    bench.double.stock("R-2", 101, 4, shop);
    const workers = await startWorkers(bench.double);
    try {
      await workers.producer.enqueue("reconcile", { shopId: ctx.shopId });
      await workers.idle();
    } finally {
      await workers.close();
    }
    expect(levelAt(bench.double, shop, 901, "R-2").available).toBe(2);
  });
});

describe("channel-location orders are routed to a facility", () => {
  const shop = shopDomain("route");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "M-1", item: 9501, onHand: { "101": 30 } }])]);
    ctx = await syncWithAmazon(bench, shop);
    await recomputeItem({ prisma }, ctx.shopId, (await itemOf(ctx.shopId, "M-1")).id);
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
  });
  afterAll(() => bench.close());

  it("moves the fulfillment order from the channel location to the channel's facility", async () => {
    const item = await itemOf(ctx.shopId, "M-1");
    expect(levelAt(bench.double, shop, 901, "M-1").available).toBe(15);
    expect(bench.double.order({ shop, id: 7001, sourceName: "amazon", location: 901, lines: [{ sku: "M-1", qty: 3 }] }).accepted).toBe(true);
    await mirrorOrder(ctx.shopId, { shopifyId: 7001, channelId: ctx.amazon.id, itemId: item.id, qty: 3, locationId: ctx.l901.id, sourceName: "amazon" });
    const r = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(r.routed).toBe(1);
    expect(levelAt(bench.double, shop, 901, "M-1")).toMatchObject({ committed: 0 });
    expect(levelAt(bench.double, shop, 101, "M-1")).toMatchObject({ committed: 3 });
    const line = await prisma.orderLine.findFirstOrThrow({ where: { shopId: ctx.shopId, order: { shopifyId: 7001n } } });
    expect(line.assignedLocationId).toBe(ctx.l101.id);
    // Nothing left to route: a second push moves nothing.
    expect((await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId)).routed).toBe(0);
  });

  it("an Amazon order whose location the payload did not say: reserved (not supply) until routed, then routed", async () => {
    const item = await itemOf(ctx.shopId, "M-1");
    const before = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(bench.double.order({ shop, id: 7002, sourceName: "amazon", location: 901, lines: [{ sku: "M-1", qty: 4 }] }).accepted).toBe(true);
    await mirrorOrder(ctx.shopId, { shopifyId: 7002, channelId: ctx.amazon.id, itemId: item.id, qty: 4, locationId: null, sourceName: "amazon" });
    const after = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(after.atp[String(ctx.amazon.id)]).toBe(before.atp[String(ctx.amazon.id)] - 4);
    const r = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(r.routed).toBe(1);
    const line = await prisma.orderLine.findFirstOrThrow({ where: { shopId: ctx.shopId, order: { shopifyId: 7002n } } });
    expect(line.assignedLocationId).toBe(ctx.l101.id);
    expect(levelAt(bench.double, shop, 101, "M-1")).toMatchObject({ committed: 7 });
    // Routed to 101 and re-read: 30 on hand, 7 committed there, nothing left committed at 901.
    const routed = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(routed.atp[String(ctx.amazon.id)]).toBe(23);
    const snap = await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, channelId: ctx.amazon.id } });
    expect(snap.breakdown).toMatchObject({ unexplainedCommitted: {} });
  });
});

describe("in-place publishing", () => {
  const shop = shopDomain("inplace");
  let bench: Bench;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "P-1", item: 9601, onHand: { "101": 50, "102": 20 } }])]);
  });
  afterAll(() => bench.close());

  it("a holdback moves units to reserved (last facility first), and releasing it moves them back", async () => {
    const ctx = await syncWithAmazon(bench, shop);
    await prisma.channel.delete({ where: { id: ctx.amazon.id } });
    const item = await itemOf(ctx.shopId, "P-1");
    const hold = await prisma.holdback.create({ data: { shopId: ctx.shopId, itemId: item.id, quantity: 25, note: "promo" } });
    await recomputeItem({ prisma }, ctx.shopId, item.id);
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    // Web's ATS = 70 − 25 = 45: 20 held at 102, 5 at 101.
    expect(levelAt(bench.double, shop, 101, "P-1")).toMatchObject({ available: 45, reserved: 5, onHand: 50 });
    expect(levelAt(bench.double, shop, 102, "P-1")).toMatchObject({ available: 0, reserved: 20, onHand: 20 });
    const held = await prisma.pushedQuantity.findMany({ where: { shopId: ctx.shopId, itemId: item.id, name: "reserved" }, orderBy: { locationId: "asc" } });
    expect(held.map((h) => [h.locationId, h.quantity])).toEqual([
      [ctx.l101.id, 5],
      [ctx.l102.id, 20],
    ]);

    await prisma.holdback.delete({ where: { id: hold.id } });
    const r = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(r.ats[String(ctx.web.id)]).toBe(70);
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(levelAt(bench.double, shop, 101, "P-1")).toMatchObject({ available: 50, reserved: 0 });
    expect(levelAt(bench.double, shop, 102, "P-1")).toMatchObject({ available: 20, reserved: 0 });
  });
});
