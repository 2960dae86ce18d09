import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { recomputeItem } from "../../../app/services/availability.server";
import { pushShop } from "../../../app/services/push.server";
import { believedLevels, freezeNextJob, knownFrom, replacePendingEntries } from "../../../app/models/pushes.server";
import { ShopThrottle } from "../../../app/shopify/throttle";
import { fetchTransport, sessionTokenLookup } from "../../../app/shopify/transport.server";
import { inventoryWrites, levelAt, shopDomain, startBench, startWorkers, storeFor, type Bench } from "./harness";
import { itemOf, mirrorLevels, mirrorOrder, syncWithAmazon } from "./fixtures";

describe("recompute → push on the real queue", () => {
  const shop = shopDomain("burst");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "TEE-BLK-M", item: 9001, onHand: { "101": 40 } }])]);
    ctx = await syncWithAmazon(bench, shop);
  });
  afterAll(() => bench.close());

  it("a burst of orders for one variant makes one push", async () => {
    const item = await itemOf(ctx.shopId, "TEE-BLK-M");
    for (let i = 0; i < 10; i++) {
      const o = bench.double.order({ shop, id: 5001 + i, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
      expect(o.accepted).toBe(true);
      await mirrorOrder(ctx.shopId, { shopifyId: 5001 + i, channelId: ctx.web.id, itemId: item.id, qty: 1, locationId: ctx.l101.id, sourceName: "web" });
    }
    await mirrorLevels(bench, shop, [item.id]);
    const workers = await startWorkers(bench.double);
    try {
      // As the webhook side does: one recompute per delivery, all for the same item.
      await Promise.all(Array.from({ length: 10 }, () => workers.producer.enqueue("recompute", { shopId: ctx.shopId, itemId: item.id })));
      await workers.idle();
    } finally {
      await workers.close();
    }
    // ATP at 101: on hand 40 − 10 open = 30; Amazon shows 50% → 15, written once to its location.
    const writes = inventoryWrites(bench.double, shop);
    expect(writes).toHaveLength(1);
    expect(levelAt(bench.double, shop, 901, "TEE-BLK-M").available).toBe(15);
    // The web store sells in place from 101: available there (30) already is its ATS.
    expect(levelAt(bench.double, shop, 101, "TEE-BLK-M")).toMatchObject({ available: 30, committed: 10, reserved: 0 });
    const job = await prisma.pushJob.findFirstOrThrow({ where: { shopId: ctx.shopId, status: "succeeded", quantityName: "available" }, include: { entries: true } });
    expect(job.entries).toHaveLength(1);
    expect(job.entries[0]).toMatchObject({ before: 0, after: 15, ats: 15, result: "applied", channelId: ctx.amazon.id });
    expect(job.referenceDocumentUri).toBe(`gid://ringfence/PushJob/${job.id}`);
    expect(job.costPoints).toBeGreaterThan(0);
    const pushed = await prisma.pushedQuantity.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, locationId: ctx.l901.id, name: "available" } });
    expect(pushed).toMatchObject({ quantity: 15, lastAts: 15, pushJobId: job.id });
    expect(writes[0].idempotencyKeys).toEqual([job.idempotencyKey]);
  });

  it("survives CHANGE_FROM_QUANTITY_STALE: a sale between read and write is re-read, not erased", async () => {
    const item = await itemOf(ctx.shopId, "TEE-BLK-M");
    // A sale on Amazon lands in Shopify; its webhooks have not reached us yet.
    expect(bench.double.order({ shop, id: 6001, sourceName: "amazon", location: 901, lines: [{ sku: "TEE-BLK-M", qty: 2 }] }).accepted).toBe(true);
    // A receipt at 101 that we did hear about (on hand 40 → 50).
    bench.double.stock("TEE-BLK-M", 101, 50, shop);
    await prisma.inventoryLevel.update({
      where: { shopId_itemId_locationId_name: { shopId: ctx.shopId, itemId: item.id, locationId: ctx.l101.id, name: "available" } },
      data: { quantity: 40, shopifyUpdatedAt: new Date() },
    });
    const first = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(first.ats[String(ctx.amazon.id)]).toBe(20); // (50 − 10) × 50%, believing 901 still holds 15

    const callsBefore = bench.double.calls(shop).graphql.length;
    const result = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(result.stale).toBe(1);
    expect(bench.double.stats(shop).shopifyCalls.stale).toBe(1);
    // After the re-read, the 2 committed units at 901 are Amazon's reservations: ATP 38 → ATS 19.
    const at901 = levelAt(bench.double, shop, 901, "TEE-BLK-M");
    expect(at901).toMatchObject({ available: 19, committed: 2 });
    // The re-read covered only the location the refused write targeted.
    const rereads = bench.double.calls(shop).graphql.slice(callsBefore).filter((c) => c.operationName === "InventoryLevelsAt" || c.operationName === "InventoryQuantities");
    expect(rereads.map((c) => [c.operationName, c.variables?.location])).toEqual([["InventoryLevelsAt", "gid://shopify/Location/901"]]);
    const stale = await prisma.pushJob.findFirstOrThrow({ where: { shopId: ctx.shopId, status: "stale" } });
    expect(stale.error).toMatch(/CHANGE_FROM_QUANTITY_STALE/);
    const ours = await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, locationId: ctx.l901.id, name: "available" } });
    expect(ours.quantity).toBe(19);
    // The sale's own change is still in Shopify's history, and ours moved 13 → 19.
    const log = bench.double.calls(shop).inventory.filter((c) => c.locationId === 901 && c.name === "available");
    expect(log.filter((c) => c.actor === "shopify").map((c) => c.delta)).toContain(-2);
    expect(log.filter((c) => c.actor === "app").map((c) => c.delta)).toEqual([15, 6]);
    // Web (in place at 101) must not sell the 2 units Amazon took from 101's stock: held in reserved.
    const at101 = levelAt(bench.double, shop, 101, "TEE-BLK-M");
    expect(at101.available + at101.reserved).toBe(40);
    expect(at101.available).toBe(38);
    const snap = await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, channelId: ctx.web.id } });
    expect(snap.ats).toBe(38);
  });
});

describe("a write in flight while its item is recomputed", () => {
  const shop = shopDomain("inflight");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "TEE-BLK-L", item: 9003, onHand: { "101": 40 } }])]);
    ctx = await syncWithAmazon(bench, shop);
  });
  afterAll(() => bench.close());

  const push = () => pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
  const freeze = () => prisma.$transaction((tx) => freezeNextJob(tx, ctx.shopId, (entries) => believedLevels(tx, ctx.shopId, entries)));

  it("a cancel recomputed while the order's push is on its way is pushed after it lands", async () => {
    const item = await itemOf(ctx.shopId, "TEE-BLK-L");
    await recomputeItem({ prisma }, ctx.shopId, item.id);
    await push();
    expect(levelAt(bench.double, shop, 901, "TEE-BLK-L").available).toBe(20);

    // A web order for 4 at 101: Amazon's ATS (half of ATP) 20 → 18, frozen and sent (Shopify has not answered yet).
    expect(bench.double.order({ shop, id: 7001, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-L", qty: 4 }] }).accepted).toBe(true);
    const order = await mirrorOrder(ctx.shopId, { shopifyId: 7001, channelId: ctx.web.id, itemId: item.id, qty: 4, locationId: ctx.l101.id, sourceName: "web" });
    await mirrorLevels(bench, shop, [item.id]);
    expect((await recomputeItem({ prisma }, ctx.shopId, item.id)).ats[String(ctx.amazon.id)]).toBe(18);
    expect(await freeze()).not.toBeNull();

    // The order is cancelled before the write lands: ATS is back to 20, which is what our levels
    // still say 901 holds; but the write in flight will leave 18 there, so 20 must be planned.
    bench.double.cancel(7001, shop);
    await prisma.order.update({ where: { id: order.id }, data: { cancelledAt: new Date() } });
    await mirrorLevels(bench, shop, [item.id]);
    const again = await recomputeItem({ prisma }, ctx.shopId, item.id);
    expect(again.ats[String(ctx.amazon.id)]).toBe(20);
    // Every target of the item is planned (the freeze drops those already there).
    const planned = await prisma.pushJobEntry.findMany({ where: { shopId: ctx.shopId, itemId: item.id, pushJob: { status: "pending" } } });
    expect(again.pendingEntries).toBe(planned.length);
    expect(planned.filter((e) => e.locationId === ctx.l901.id).map((e) => e.after)).toEqual([20]);

    // The in-flight job goes first (18), then the new plan from the level it left (18 → 20).
    await push();
    expect(levelAt(bench.double, shop, 901, "TEE-BLK-L").available).toBe(20);
    const log = bench.double.calls(shop).inventory.filter((c) => c.locationId === 901 && c.name === "available" && c.actor === "app");
    expect(log.map((c) => c.delta)).toEqual([20, -2, 2]);
  });

  it("a plan read before a write landed is checked against the level it left", async () => {
    const item = await itemOf(ctx.shopId, "TEE-BLK-L");
    const at901 = () => prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: ctx.shopId, itemId: item.id, locationId: ctx.l901.id, name: "available" } });
    expect((await at901()).quantity).toBe(20);
    const entry = { kind: "available" as const, locationId: ctx.l901.id, channelId: ctx.amazon.id, after: 20, ats: 20 };
    const meta = { actor: "test", cause: "test" };
    // The base the plan was made from still holds: nothing to write.
    const stored = async () =>
      knownFrom(
        await prisma.inventoryLevel.findMany({ where: { shopId: ctx.shopId, itemId: item.id, name: "available" } }),
        await prisma.pushedQuantity.findMany({ where: { shopId: ctx.shopId, itemId: item.id, name: "reserved" } }),
      );
    const base = await stored();
    const same = await prisma.$transaction((tx) => replacePendingEntries(tx, ctx.shopId, item.id, { base, changes: [], targets: [entry] }, meta));
    expect(same.entries).toBe(0);
    // The plan was read when 901 held 18 (a write landed since): the target is written anyway.
    const older = await stored();
    older.set(String(ctx.l901.id), { available: 18, heldByUs: 0 });
    const moved = await prisma.$transaction((tx) => replacePendingEntries(tx, ctx.shopId, item.id, { base: older, changes: [], targets: [entry] }, meta));
    expect(moved.entries).toBe(1);
    // The freeze finds it already there and sends nothing.
    const jobId = await freeze();
    const job = await prisma.pushJob.findFirstOrThrow({ where: { id: jobId!, shopId: ctx.shopId }, include: { entries: true } });
    expect(job.status).toBe("succeeded");
    expect(job.entries.map((e) => e.result)).toEqual(["skipped: already there"]);
  });
});

describe("coalescing across items", () => {
  const shop = shopDomain("coalesce");
  const skus = ["K-1", "K-2", "K-3", "K-4", "K-5"];
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, skus.map((sku, i) => ({ sku, item: 9901 + i, onHand: { "101": 20 } })))]);
    ctx = await syncWithAmazon(bench, shop);
  });
  afterAll(() => bench.close());

  it("orders on five variants in one burst are pushed by one mutation carrying five quantities", async () => {
    const items = await prisma.inventoryItem.findMany({ where: { shopId: ctx.shopId }, orderBy: { sku: "asc" } });
    for (const [i, it] of items.entries()) {
      expect(bench.double.order({ shop, id: 9100 + i, sourceName: "web", location: 101, lines: [{ sku: it.sku!, qty: 2 }] }).accepted).toBe(true);
      await mirrorOrder(ctx.shopId, { shopifyId: 9100 + i, channelId: ctx.web.id, itemId: it.id, qty: 2, locationId: ctx.l101.id, sourceName: "web" });
    }
    await mirrorLevels(bench, shop, items.map((i) => i.id));
    const workers = await startWorkers(bench.double);
    try {
      await Promise.all(items.map((it) => workers.producer.enqueue("recompute", { shopId: ctx.shopId, itemId: it.id })));
      await workers.idle();
    } finally {
      await workers.close();
    }
    const writes = inventoryWrites(bench.double, shop);
    expect(writes).toHaveLength(1);
    expect((writes[0].variables as { input: { quantities: unknown[] } }).input.quantities).toHaveLength(5);
    expect(skus.map((s) => levelAt(bench.double, shop, 901, s).available)).toEqual([9, 9, 9, 9, 9]);
  });

  it("a stale write of five quantities re-reads only the one Shopify named stale", async () => {
    const items = await prisma.inventoryItem.findMany({ where: { shopId: ctx.shopId }, orderBy: { sku: "asc" } });
    // An Amazon sale of K-3 at 901 that we have not heard of; then receipts at 101 for all five.
    expect(bench.double.order({ shop, id: 9200, sourceName: "amazon", location: 901, lines: [{ sku: "K-3", qty: 1 }] }).accepted).toBe(true);
    for (const sku of skus) bench.double.stock(sku, 101, 30, shop);
    await prisma.inventoryLevel.updateMany({ where: { shopId: ctx.shopId, locationId: ctx.l101.id, name: "available" }, data: { quantity: 28, shopifyUpdatedAt: new Date() } });
    for (const it of items) await recomputeItem({ prisma }, ctx.shopId, it.id);
    const callsBefore = bench.double.calls(shop).graphql.length;
    const result = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(result.stale).toBe(1);
    const rereads = bench.double.calls(shop).graphql.slice(callsBefore).filter((c) => c.operationName === "InventoryLevelsAt");
    const k3 = items.find((i) => i.sku === "K-3")!;
    expect(rereads.map((c) => c.variables?.ids)).toEqual([[`gid://shopify/InventoryItem/${k3.shopifyId}`]]);
    // Every quantity still lands: four at 14, K-3 with its sale counted.
    expect(skus.map((s) => levelAt(bench.double, shop, 901, s).available)).toEqual([14, 14, 13, 14, 14]);
  });
});

describe("throttling and retries", () => {
  const shop = shopDomain("throttle");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  const skus = ["A-1", "A-2", "A-3", "A-4"];
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, skus.map((sku, i) => ({ sku, item: 9201 + i, onHand: { "101": 10 * (i + 1) } })))], { restoreRate: 10, bucketSize: 400 });
    ctx = await syncWithAmazon(bench, shop);
  });
  afterAll(() => bench.close());

  it("THROTTLED is survived: the client waits for the bucket and every quantity lands", async () => {
    const items = await prisma.inventoryItem.findMany({ where: { shopId: ctx.shopId }, orderBy: { sku: "asc" } });
    for (const it of items) await recomputeItem({ prisma }, ctx.shopId, it.id);
    // Another process of ours spent the shop's budget: drain the bucket with raw requests.
    const raw = fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: bench.double.url });
    for (const query of ["query Drain { locations(first: 100) { nodes { id name } } }", "query DrainLast { shop { id } }"]) {
      for (let i = 0; i < 1000; i++) {
        const res = await raw({ shop, query, variables: {} });
        if (JSON.stringify(res.body).includes("THROTTLED")) break;
      }
    }
    // A fresh view of the bucket (a new worker process) believes it is full, so it meets THROTTLED.
    const result = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d, { throttle: new ShopThrottle() }) }, ctx.shopId);
    expect(result.throttled).toBeGreaterThanOrEqual(1);
    expect(bench.double.stats(shop).shopifyCalls.throttled).toBeGreaterThanOrEqual(1);
    expect(result.applied).toBe(1);
    expect(result.quantities).toBe(4);
    expect(skus.map((s) => levelAt(bench.double, shop, 901, s).available)).toEqual([5, 10, 15, 20]);
  });

  it("a push retried after a lost response reuses its key and is applied once", async () => {
    const item = await itemOf(ctx.shopId, "A-1");
    bench.double.stock("A-1", 101, 30, shop);
    await mirrorLevels(bench, shop, [item.id]);
    await recomputeItem({ prisma }, ctx.shopId, item.id);
    let dropped = 0;
    // Shopify applies the write but the response never reaches us (connection reset).
    const lossy = bench.adminFor(shop, {
      maxAttempts: 1,
      transport: (base) => async (req) => {
        const res = await base(req);
        if (req.query.includes("inventorySetQuantities") && dropped === 0) {
          dropped++;
          throw new Error("socket hang up");
        }
        return res;
      },
    });
    await expect(pushShop({ prisma, adminFor: () => lossy }, ctx.shopId)).rejects.toThrow(/network error: socket hang up/);
    const inFlight = await prisma.pushJob.findFirstOrThrow({ where: { shopId: ctx.shopId, status: "sent" }, include: { entries: true } });
    expect(inFlight.attempts).toBe(1);
    expect(inFlight.error).toMatch(/socket hang up/);

    // The queue retries the job: same input, same key.
    const retry = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, ctx.shopId);
    expect(retry.applied).toBe(1);
    const done = await prisma.pushJob.findUniqueOrThrow({ where: { id: inFlight.id } });
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, error: null });
    const calls = bench.double.calls(shop).graphql.filter((c) => c.idempotencyKeys.includes(inFlight.idempotencyKey));
    expect(calls.map((c) => c.replayed)).toEqual([false, true]);
    const applied = bench.double.calls(shop).inventory.filter((c) => c.referenceDocumentUri === `gid://ringfence/PushJob/${inFlight.id}` && c.name === "available");
    expect(applied).toHaveLength(1);
    expect(levelAt(bench.double, shop, 901, "A-1").available).toBe(15);
  });
});

describe("client retries", () => {
  const shop = shopDomain("retry");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "C-1", item: 9801, onHand: { "101": 8 } }])]);
    ctx = await syncWithAmazon(bench, shop);
  });
  afterAll(() => bench.close());

  it("a lost response is retried inside the client with the same key: Shopify replays, nothing applies twice", async () => {
    const item = await itemOf(ctx.shopId, "C-1");
    await recomputeItem({ prisma }, ctx.shopId, item.id);
    let dropped = 0;
    const flaky = bench.adminFor(shop, {
      transport: (base) => async (req) => {
        const res = await base(req);
        if (req.query.includes("inventorySetQuantities") && dropped++ === 0) throw new Error("ECONNRESET");
        return res;
      },
    });
    const r = await pushShop({ prisma, adminFor: () => flaky }, ctx.shopId);
    expect(r).toMatchObject({ applied: 1, quantities: 1 });
    const job = await prisma.pushJob.findFirstOrThrow({ where: { shopId: ctx.shopId, quantityName: "available" } });
    expect(job).toMatchObject({ status: "succeeded", attempts: 1 });
    const calls = bench.double.calls(shop).graphql.filter((c) => c.idempotencyKeys.includes(job.idempotencyKey));
    expect(calls.map((c) => c.replayed)).toEqual([false, true]);
    expect(bench.double.calls(shop).inventory.filter((c) => c.referenceDocumentUri === job.referenceDocumentUri && c.name === "available")).toHaveLength(1);
    expect(levelAt(bench.double, shop, 901, "C-1").available).toBe(4);
  });
});

describe("shop isolation", () => {
  const shopA = shopDomain("iso-a");
  const shopB = shopDomain("iso-b");
  let bench: Bench;
  beforeAll(async () => {
    bench = await startBench([
      storeFor(shopA, [{ sku: "SAME-SKU", item: 9301, onHand: { "101": 20 } }]),
      storeFor(shopB, [{ sku: "SAME-SKU", item: 9301, onHand: { "101": 20 } }]),
    ]);
  });
  afterAll(() => bench.close());

  it("shop A's recomputes and pushes never touch shop B", async () => {
    const a = await syncWithAmazon(bench, shopA);
    const b = await syncWithAmazon(bench, shopB);
    const itemA = await itemOf(a.shopId, "SAME-SKU");
    const itemB = await itemOf(b.shopId, "SAME-SKU");
    await recomputeItem({ prisma }, b.shopId, itemB.id); // B has work pending too
    const bLevelsBefore = bench.double.levels(shopB);
    const bRowsBefore = await prisma.inventoryLevel.findMany({ where: { shopId: b.shopId }, orderBy: { id: "asc" } });

    expect((await recomputeItem({ prisma }, a.shopId, itemB.id)).skipped).toBe("no such item in this shop");
    await recomputeItem({ prisma }, a.shopId, itemA.id);
    const r = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, a.shopId);
    expect(r.applied).toBe(1);
    expect(levelAt(bench.double, shopA, 901, "SAME-SKU").available).toBe(10);

    expect(inventoryWrites(bench.double, shopB)).toHaveLength(0);
    expect(bench.double.levels(shopB)).toEqual(bLevelsBefore);
    expect(await prisma.inventoryLevel.findMany({ where: { shopId: b.shopId }, orderBy: { id: "asc" } })).toEqual(bRowsBefore);
    const bJobs = await prisma.pushJob.findMany({ where: { shopId: b.shopId } });
    expect(bJobs.map((j) => j.status)).toEqual(["pending"]);
    const entriesOfA = await prisma.pushJobEntry.findMany({ where: { pushJob: { shopId: a.shopId } } });
    expect(entriesOfA.every((e) => e.shopId === a.shopId && e.itemId === itemA.id)).toBe(true);
  });
});
