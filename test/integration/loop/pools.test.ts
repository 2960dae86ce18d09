import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRawPool } from "../../../app/raw-db.server";
import { recomputeItem } from "../../../app/services/availability.server";
import { pushShop } from "../../../app/services/push.server";
import { levelAt, shopDomain, startBench, storeFor, type Bench } from "./harness";
import { itemOf, mirrorLevels, mirrorOrder, syncWithAmazon } from "./fixtures";

describe("ring-fenced pools through the loop", () => {
  const shop = shopDomain("pools");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "RF-1", item: 9701, onHand: { "101": 100 } }])]);
    ctx = await syncWithAmazon(bench, shop, { percent: 30 });
    await prisma.channel.update({ where: { id: ctx.amazon.id }, data: { mode: "ringfenced" } });
  });
  // Recomputed as the worker does, on its own pg pool (pools, rebalance times and sold-since read back through it).
  const raw = createRawPool(process.env.DATABASE_URL, { max: 2 });
  afterAll(async () => {
    await raw.end();
    await bench.close();
  });

  const ats = async (itemId: number) => {
    const r = await recomputeItem({ prisma, raw }, ctx.shopId, itemId);
    return { web: r.ats[String(ctx.web.id)], amazon: r.ats[String(ctx.amazon.id)], rebalanced: r.rebalanced };
  };

  it("a fresh item is rebalanced: Amazon's pool is 30% of ATP, the web sees the rest", async () => {
    const item = await itemOf(ctx.shopId, "RF-1");
    expect(await ats(item.id)).toEqual({ web: 70, amazon: 30, rebalanced: true });
    const pool = await prisma.ringfencePool.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id }, include: { carves: true } });
    expect(pool).toMatchObject({ channelId: ctx.amazon.id, quantity: 30, entitlement: 30, freeSupplyAtRebalance: 100 });
    expect(pool.carves.map((c) => [c.locationId, c.quantity])).toEqual([[ctx.l101.id, 30]]);
    await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(levelAt(bench.double, shop, 901, "RF-1").available).toBe(30);
    expect(levelAt(bench.double, shop, 101, "RF-1")).toMatchObject({ available: 70, reserved: 30 });
  });

  it("a web sale never shrinks Amazon's pool; an Amazon sale never shrinks the web's ATS", async () => {
    const item = await itemOf(ctx.shopId, "RF-1");
    expect(bench.double.order({ shop, id: 8101, sourceName: "web", location: 101, lines: [{ sku: "RF-1", qty: 10 }] }).accepted).toBe(true);
    await mirrorOrder(ctx.shopId, { shopifyId: 8101, channelId: ctx.web.id, itemId: item.id, qty: 10, locationId: ctx.l101.id, sourceName: "web" });
    await mirrorLevels(bench, shop, [item.id]);
    expect(await ats(item.id)).toEqual({ web: 60, amazon: 30, rebalanced: false });

    expect(bench.double.order({ shop, id: 8102, sourceName: "amazon", location: 901, lines: [{ sku: "RF-1", qty: 5 }] }).accepted).toBe(true);
    await mirrorOrder(ctx.shopId, { shopifyId: 8102, channelId: ctx.amazon.id, itemId: item.id, qty: 5, locationId: ctx.l901.id, sourceName: "amazon" });
    await mirrorLevels(bench, shop, [item.id]);
    expect(await ats(item.id)).toEqual({ web: 60, amazon: 25, rebalanced: false });
    const history = await prisma.atsHistoryPoint.findMany({ where: { shopId: ctx.shopId, itemId: item.id, channelId: ctx.amazon.id }, orderBy: { id: "asc" } });
    // A point whenever ATP or ATS moved: Amazon's ATP follows the shared stock, its ATS its pool.
    expect(history.map((h) => [h.atp, h.ats])).toEqual([
      [100, 30],
      [90, 30],
      [85, 25],
    ]);
  });
});
