import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { recomputeItem } from "../../../app/services/availability.server";
import { pushShop } from "../../../app/services/push.server";
import { inventoryWrites, shopDomain, startBench, storeFor, type Bench } from "./harness";
import { syncWithAmazon } from "./fixtures";

describe("batching", () => {
  const shop = shopDomain("batch");
  const N = 300;
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  let syncMs = 0;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, Array.from({ length: N }, (_, i) => ({ sku: `B-${String(i).padStart(3, "0")}`, item: 20_000 + i, onHand: { "101": 4 } })))]);
    const t = performance.now();
    ctx = await syncWithAmazon(bench, shop);
    syncMs = Math.round(performance.now() - t);
  });
  afterAll(() => bench.close());

  it("pushes 300 changed quantities in two mutations of at most 250, each with its own key and reference", async () => {
    const items = await prisma.inventoryItem.findMany({ where: { shopId: ctx.shopId } });
    const t0 = performance.now();
    for (const it of items) await recomputeItem({ prisma }, ctx.shopId, it.id);
    const t1 = performance.now();
    const r = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    const t2 = performance.now();
    expect(r).toMatchObject({ applied: 2, quantities: N, stale: 0, failed: 0 });
    const writes = inventoryWrites(bench.double, shop);
    const sizes = writes.map((w) => ((w.variables as { input: { quantities: unknown[] } }).input.quantities.length));
    expect(sizes).toEqual([250, 50]);
    const jobs = await prisma.pushJob.findMany({ where: { shopId: ctx.shopId, status: "succeeded" }, orderBy: { id: "asc" } });
    expect(new Set(jobs.map((j) => j.idempotencyKey)).size).toBe(2);
    expect(bench.double.levels(shop).filter((l) => l.location === 901).every((l) => l.available === 2)).toBe(true);
    console.log(
      JSON.stringify({
        figure: "push-batching",
        items: N,
        syncMs,
        recomputeMsPerItem: +((t1 - t0) / N).toFixed(2),
        pushMs: Math.round(t2 - t1),
        mutations: writes.length,
        costPoints: r.costPoints,
        costPerQuantity: +(r.costPoints / N).toFixed(3),
      }),
    );
  });
});
