import { createServer } from "node:net";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createProducer } from "../../../app/jobs/producer.server";
import type { Logger } from "../../../app/lib/logger";
import { insertDelivery } from "../../../app/models/inbox.server";
import { markUninstalled } from "../../../app/models/shops.server";
import { applyDelivery } from "../../../app/services/apply-delivery.server";
import { evaluateItemNow, recomputeItem } from "../../../app/services/availability.server";
import { createHoldback } from "../../../app/services/config/holdbacks.server";
import { runChange } from "../../../app/services/config/context.server";
import { recomputeRequested, sweepRecomputeRequests } from "../../../app/services/recompute-outbox.server";
import { startSweeper } from "../../../app/services/sweeper.server";
import { processors } from "../../../workers/processors";
import { uniqueSuffix } from "../../support/factories";
import { inventoryWrites, shopDomain, startBench, startWorkers, storeFor, type Bench, type Workers } from "./harness";
import { itemOf, syncWithAmazon } from "./fixtures";

/**
 * The recompute outbox on real PostgreSQL and Redis: a recompute request is recorded with the
 * change it follows, survives a failed enqueue until the sweeper enqueues it, and survives a
 * recompute that was already reading when it arrived. Jobs for an uninstalled shop do nothing.
 */

function captureLog(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  const log = { lines, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug"), child: () => log };
  return log;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const requestOf = (shopId: number, itemId: number) => prisma.recomputeRequest.findUnique({ where: { shopId_itemId: { shopId, itemId } } });

async function webAts(shopId: number, itemId: number, webId: number): Promise<number | undefined> {
  const row = await prisma.availabilitySnapshot.findFirst({ where: { shopId, itemId, channelId: webId } });
  return row?.ats;
}

async function expectedWebAts(shopId: number, itemId: number, webId: number): Promise<number> {
  const ev = await evaluateItemNow(prisma, shopId, itemId);
  return ev.result!.ats[ev.net.channelIndex.get(String(webId))!];
}

async function setAvailable(shopId: number, itemId: number, locationId: number, quantity: number) {
  return runChange(shopId, { actor: "test", enqueueRecompute: async () => {} }, async (change) => {
    await change.tx.inventoryLevel.updateMany({ where: { shopId, itemId, locationId, name: "available" }, data: { quantity } });
    change.recompute([itemId]);
  });
}

describe("recompute outbox", () => {
  const shop = shopDomain("outbox");
  let bench: Bench;
  let workers: Workers;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  let items: { a: number; b: number; c: number };

  beforeAll(async () => {
    bench = await startBench([
      storeFor(shop, [
        { sku: "OB-A", item: 31_001, onHand: { "101": 20 } },
        { sku: "OB-B", item: 31_002, onHand: { "101": 30 } },
        { sku: "OB-C", item: 31_003, onHand: { "101": 40 } },
      ]),
    ]);
    ctx = await syncWithAmazon(bench, shop);
    items = { a: (await itemOf(ctx.shopId, "OB-A")).id, b: (await itemOf(ctx.shopId, "OB-B")).id, c: (await itemOf(ctx.shopId, "OB-C")).id };
    for (const id of Object.values(items)) await recomputeItem({ prisma }, ctx.shopId, id);
    // The sync's own recompute requests are not what these tests are about.
    await prisma.recomputeRequest.deleteMany({ where: { shopId: ctx.shopId } });
    workers = await startWorkers(bench.double);
  });
  afterAll(async () => {
    await workers?.close();
    await bench?.close();
  });

  it("a webhook applied while Redis is down keeps its recompute request; the sweeper enqueues it later and the item is recomputed", async () => {
    const { shopId, web } = ctx;
    const before = await webAts(shopId, items.a, web.id);
    const deadConnection = createRedisConnection(`redis://127.0.0.1:${await closedPort()}`, "producer");
    deadConnection.on("error", () => {});
    const dead = createProducer({ connection: deadConnection, prefix: `dead-${uniqueSuffix()}`, log: captureLog() });
    const log = captureLog();
    try {
      const delivery = await insertDelivery(prisma, {
        shop: { id: shopId },
        webhookId: `wh-${uniqueSuffix()}`,
        topic: "inventory_levels/update",
        eventId: null,
        apiVersion: "2025-10",
        triggeredAt: new Date(),
        payload: { inventory_item_id: 31_001, location_id: 101, available: 3, updated_at: new Date(Date.now() + 1_000).toISOString() },
        status: "received",
      });
      if (!("id" in delivery)) throw new Error("the shop has a row");
      const outcome = await applyDelivery({ prisma, producer: dead, log }, { shopId, inboxId: delivery.id });
      expect(outcome).toMatchObject({ status: "applied", itemIds: [items.a] });
      expect(log.lines.some((l) => l.level === "warn" && /requests stay in the outbox/.test(l.msg))).toBe(true);
    } finally {
      await dead.close();
      deadConnection.disconnect();
    }
    expect(await prisma.webhookInbox.count({ where: { shopId, status: "done" } })).toBeGreaterThan(0);
    const request = await requestOf(shopId, items.a);
    expect(request).not.toBeNull();
    await workers.idle();
    expect(await webAts(shopId, items.a, web.id)).toBe(before);

    // Not stale yet: a sweep leaves it to the enqueue that may still be coming.
    const deps = { prisma, producer: workers.producer, log: captureLog() };
    expect(await sweepRecomputeRequests(deps, { shopIds: [shopId], staleMs: 60_000 })).toEqual({ stale: 0, enqueued: 0, errors: 0 });
    const later = new Date(request!.requestedAt.getTime() + 61_000);
    expect(await sweepRecomputeRequests(deps, { shopIds: [shopId], staleMs: 60_000, now: later })).toEqual({ stale: 1, enqueued: 1, errors: 0 });
    await workers.idle();

    const after = await webAts(shopId, items.a, web.id);
    expect(after).not.toBe(before);
    expect(after).toBe(await expectedWebAts(shopId, items.a, web.id));
    expect(await requestOf(shopId, items.a)).toBeNull();
  });

  it("a configuration change whose enqueue fails is recomputed by the sweeper timer", async () => {
    const { shopId, web } = ctx;
    const before = await webAts(shopId, items.b, web.id);
    const holdback = await createHoldback(shopId, { itemId: items.b, quantity: 7 }, {
      actor: "test",
      enqueueRecompute: async () => {
        throw new Error("injected: the queue is unavailable");
      },
    });
    expect(holdback.quantity).toBe(7);
    expect(await requestOf(shopId, items.b)).not.toBeNull();
    await workers.idle();
    expect(await webAts(shopId, items.b, web.id)).toBe(before);

    const sweeper = startSweeper({ prisma, producer: workers.producer, log: captureLog() }, { shopIds: [shopId], intervalMs: 50, staleMs: 0 });
    try {
      const until = Date.now() + 15_000;
      while ((await requestOf(shopId, items.b)) !== null && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await sweeper.stop();
    }
    await workers.idle();
    expect(await requestOf(shopId, items.b)).toBeNull();
    const after = await webAts(shopId, items.b, web.id);
    expect(after).not.toBe(before);
    expect(after).toBe(await expectedWebAts(shopId, items.b, web.id));
  });

  it("a request that arrives while a recompute is running survives it", async () => {
    const { shopId, web, l101 } = ctx;
    await setAvailable(shopId, items.c, l101.id, 25);
    const first = await requestOf(shopId, items.c);
    expect(first).not.toBeNull();

    // Hold the item's snapshot rows so the recompute stops at its save, after it has read.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM availability_snapshots WHERE "shopId" = ${shopId} AND "itemId" = ${items.c} FOR UPDATE`;
        locked();
        await released;
      },
      { timeout: 30_000 },
    );
    await isLocked;
    const running = recomputeRequested({ prisma }, shopId, items.c);
    try {
      const until = Date.now() + 10_000;
      for (;;) {
        const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%availability_snapshots%'`;
        if (n > 0) break;
        if (Date.now() > until) throw new Error("the recompute never reached its save");
        await new Promise((r) => setTimeout(r, 20));
      }
      await setAvailable(shopId, items.c, l101.id, 11);
    } finally {
      release();
    }
    await holder;
    const result = await running;
    expect(result.settled).toBe(false);
    const renewed = await requestOf(shopId, items.c);
    expect(renewed).not.toBeNull();
    expect(renewed!.requestedAt.getTime()).toBeGreaterThan(first!.requestedAt.getTime());
    // That recompute read 25 units, not the 11 that arrived while it ran.
    expect(await webAts(shopId, items.c, web.id)).not.toBe(await expectedWebAts(shopId, items.c, web.id));

    const again = await recomputeRequested({ prisma }, shopId, items.c);
    expect(again.settled).toBe(true);
    expect(await requestOf(shopId, items.c)).toBeNull();
    expect(await webAts(shopId, items.c, web.id)).toBe(await expectedWebAts(shopId, items.c, web.id));
  });
});

describe("jobs for an uninstalled shop", () => {
  const shop = shopDomain("gone");
  let bench: Bench;
  let ctx: Awaited<ReturnType<typeof syncWithAmazon>>;
  let itemId: number;

  beforeAll(async () => {
    bench = await startBench([storeFor(shop, [{ sku: "GONE-A", item: 32_001, onHand: { "101": 20 } }])]);
    ctx = await syncWithAmazon(bench, shop);
    itemId = (await itemOf(ctx.shopId, "GONE-A")).id;
    // Pending pushes exist: a push job would write them if it ran.
    await recomputeItem({ prisma }, ctx.shopId, itemId);
    await prisma.recomputeRequest.deleteMany({ where: { shopId: ctx.shopId } });
  });
  afterAll(() => bench?.close());

  it("recompute, push, sync and reconcile do nothing and say so; the sweeper leaves the shop's requests alone", async () => {
    const { shopId, web, l101 } = ctx;
    await setAvailable(shopId, itemId, l101.id, 2);
    await markUninstalled(prisma, shopId, shop, new Date());
    const shopBefore = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    const snapBefore = await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId, itemId, channelId: web.id } });
    const pushJobsBefore = await prisma.pushJob.count({ where: { shopId } });
    const writesBefore = inventoryWrites(bench.double, shop).length;

    const log = captureLog();
    const enqueued: unknown[] = [];
    const producer = { enqueue: async (...args: unknown[]) => void enqueued.push(args), queue: () => undefined, close: async () => {} };
    const jobCtx = { prisma, producer: producer as never, log };
    const job = { timestamp: Date.now() } as Job<never>;
    const dropped = { status: "dropped", reason: "shop not installed" };
    expect(await processors.recompute!({ shopId, itemId }, job, jobCtx)).toEqual(dropped);
    expect(await processors.push!({ shopId }, job, jobCtx)).toEqual(dropped);
    expect(await processors.route!({ shopId }, job, jobCtx)).toEqual(dropped);
    expect(await processors.sync!({ shopId, mode: "full" }, job, jobCtx)).toEqual(dropped);
    expect(await processors.reconcile!({ shopId }, job, jobCtx)).toEqual(dropped);

    const lines = log.lines.filter((l) => l.msg === "job dropped: shop not installed");
    expect(lines.map((l) => l.fields?.queue)).toEqual(["recompute", "push", "route", "sync", "reconcile"]);
    expect(lines.every((l) => l.fields?.shopId === shopId)).toBe(true);
    expect(enqueued).toEqual([]);
    expect(await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId, itemId, channelId: web.id } })).toEqual(snapBefore);
    expect(await prisma.pushJob.count({ where: { shopId } })).toBe(pushJobsBefore);
    expect(inventoryWrites(bench.double, shop)).toHaveLength(writesBefore);
    const shopAfter = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect({ ...shopAfter, updatedAt: null }).toEqual({ ...shopBefore, updatedAt: null });

    // The request stays for a reinstall; the sweeper does not churn on it meanwhile.
    expect(await requestOf(shopId, itemId)).not.toBeNull();
    const report = await sweepRecomputeRequests({ prisma, producer: producer as never, log }, { shopIds: [shopId], staleMs: 0, now: new Date(Date.now() + 60_000) });
    expect(report).toEqual({ stale: 0, enqueued: 0, errors: 0 });

    // Installed again, the same jobs run.
    await prisma.shop.update({ where: { id: shopId }, data: { installState: "installed", uninstalledAt: null } });
    const ran = (await processors.recompute!({ shopId, itemId }, job, jobCtx)) as { settled: boolean };
    expect(ran.settled).toBe(true);
    expect((await prisma.availabilitySnapshot.findFirstOrThrow({ where: { shopId, itemId, channelId: web.id } })).ats).not.toBe(snapBefore.ats);
  });
});
