import type { PrismaClient } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../shopify-double/webhooks";
import { uniqueSuffix } from "../../support/factories";
import { doubleOnHandClock, installShop, post, storeFor } from "./harness";

const { default: prisma } = await import("../../../app/db.server");
const { getProducer } = await import("../../../app/jobs/producer.server");
const { createLogger } = await import("../../../app/lib/logger");
const { processors } = await import("../../../workers/processors");
const { applyDelivery, drainLane, BATCH_LIMIT } = await import("../../../app/services/apply-delivery.server");
const { sweepInbox } = await import("../../../app/services/sweeper.server");
const { applyOrder } = await import("../../../app/services/apply-orders.server");
const { parseTopicPayload } = await import("../../../app/services/apply-payloads.server");
const { createRawPool } = await import("../../../app/raw-db.server");

/**
 * Applying deliveries: the double produces the exact payloads Shopify would send (with a clock we
 * move by hand, so updated_at values differ), the test posts them through the route actions in
 * the order it chooses, and runs the registered `webhooks` processor on each recorded row.
 */

const h = doubleOnHandClock();
const tick = h.tick;
const log = createLogger("error");

async function newShop(opts: { timezone?: string } = {}) {
  const domain = `apply-${uniqueSuffix()}.myshopify.com`;
  h.double.seedStore(storeFor(domain));
  const shop = await installShop(h.double, domain, opts);
  const channels = {
    online: await prisma.channel.create({ data: { shopId: shop.id, key: "online", name: "Online Store", priority: 1, matchSourceNames: ["web"] } }),
    amazon: await prisma.channel.create({ data: { shopId: shop.id, key: "amazon", name: "Amazon", priority: 2, matchSourceNames: ["amazon"] } }),
    wholesale: await prisma.channel.create({ data: { shopId: shop.id, key: "wholesale", name: "Wholesale", priority: 3, matchB2b: true } }),
  };
  return { domain, shop, channels };
}

/** Deliveries the h.double produced since `from` for a shop (it sends nothing: no webhook URL). */
function produced(domain: string, from: number): DeliveryRecord[] {
  return h.double.deliveries(domain).filter((d) => d.seq > from);
}
const lastSeq = (domain: string) => h.double.deliveries(domain).at(-1)?.seq ?? 0;

/** Posts deliveries through the route actions (same webhook id as the h.double chose). */
async function deliver(domain: string, deliveries: DeliveryRecord[]) {
  for (const d of deliveries) {
    const res = await post(domain, d.topic, d.payload, { webhookId: d.webhookId, triggeredAt: d.triggeredAt });
    expect(res.status, `${d.topic}`).toBe(200);
  }
}

/** Runs the worker's processor for every pending row of the shop, oldest first. */
async function drain(shopId: number, db: PrismaClient = prisma) {
  const rows = await prisma.webhookInbox.findMany({ where: { shopId, status: { in: ["received", "failed"] } }, orderBy: { id: "asc" } });
  for (const row of rows) {
    await processors.webhooks!({ shopId, inboxId: row.id }, {} as never, { prisma: db, producer: getProducer(), log });
  }
}

async function order(shopId: number, id: number) {
  return prisma.order.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: BigInt(id) } },
    include: { lines: { orderBy: { shopifyId: "asc" } }, channel: true },
  });
}

async function recomputeQueued(shopId: number): Promise<number[]> {
  const jobs = await getProducer().queue("recompute").getJobs(["waiting", "delayed", "prioritized", "active"]);
  return jobs.filter((j) => j.data.shopId === shopId).map((j) => j.data.itemId as number).sort((a, b) => a - b);
}

async function clearRecomputes(shopId: number): Promise<void> {
  const jobs = await getProducer().queue("recompute").getJobs(["waiting", "delayed", "prioritized"]);
  await Promise.all(jobs.filter((j) => j.data.shopId === shopId).map((j) => j.remove()));
}

describe("applying orders", () => {
  it("stores a checkout with its channel, lines, items, due date and POS location", async () => {
    const { domain, shop, channels } = await newShop({ timezone: "America/New_York" });
    const from = lastSeq(domain);
    // 02:30 UTC on the 24th is still the 23rd in New York.
    h.clock = Date.UTC(2026, 10, 24, 2, 30);
    h.double.order({ shop: domain, id: 6001, sourceName: "pos", location: 102, lines: [{ sku: "TEE-BLK-M", qty: 2 }, { sku: "TEE-BLK-L", qty: 1 }] });
    h.double.order({ shop: domain, id: 6002, sourceName: "shopify_draft_order", b2b: true, shipBy: "2026-12-08", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 10 }] });
    h.double.order({ shop: domain, id: 6003, sourceName: "amazon", location: 901, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
    await deliver(domain, produced(domain, from));
    await drain(shop.id);

    const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 9001n } } });
    const brooklyn = await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 102n } } });
    const pos = await order(shop.id, 6001);
    // No POS channel: an unmatched order goes to the default channel (the one taking "web").
    expect(pos?.channelId).toBe(channels.online.id);
    expect(pos?.lines.map((l) => [l.sku, l.quantity, l.openQuantity, l.assignedLocationId])).toEqual([
      ["TEE-BLK-M", 2, 2, brooklyn.id],
      ["TEE-BLK-L", 1, 1, brooklyn.id],
    ]);
    expect(pos?.lines[0].itemId).toBe(item.id);
    expect(pos?.lines[0].dueDate?.toISOString()).toBe("2026-11-23T00:00:00.000Z");

    const b2b = await order(shop.id, 6002);
    expect(b2b).toMatchObject({ b2b: true, channelId: channels.wholesale.id });
    expect(b2b?.lines[0].dueDate?.toISOString()).toBe("2026-12-08T00:00:00.000Z");
    expect(b2b?.lines[0].assignedLocationId).toBeNull();
    expect((await order(shop.id, 6003))?.channelId).toBe(channels.amazon.id);

    expect(await recomputeQueued(shop.id)).toContain(item.id);
  });

  it("a cancel that arrives before its create ends cancelled", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6101, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 4 }] });
    tick();
    h.double.cancel(6101, domain);
    const all = produced(domain, from).filter((d) => d.topic.startsWith("orders/"));
    expect(all.map((d) => d.topic)).toEqual(["orders/create", "orders/cancelled", "orders/updated"]);
    await deliver(domain, [all[1], all[2], all[0]]);
    await drain(shop.id);
    const o = await order(shop.id, 6101);
    expect(o?.cancelledAt).not.toBeNull();
    expect(o?.lines.map((l) => l.openQuantity)).toEqual([0]);
    const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id, topic: "orders/create" } });
    expect(rows[0]).toMatchObject({ status: "done", error: "stale: the stored order is newer" });
  });

  it("a create and its cancel applied side by side by two workers end cancelled", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6151, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
    tick();
    h.double.cancel(6151, domain);
    const [create, cancel] = produced(domain, from).filter((d) => d.topic === "orders/create" || d.topic === "orders/cancelled");
    await deliver(domain, [create, cancel]);
    const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id, topic: { in: ["orders/create", "orders/cancelled"] } } });
    const ctxFor = (tx: Parameters<Parameters<typeof prisma.$transaction>[0]>[0], topic: string) => ({ tx, shop, delivery: rows.find((r) => r.topic === topic)!, log });
    const payload = (topic: "orders/create" | "orders/cancelled") => {
      const parsed = parseTopicPayload(topic, rows.find((r) => r.topic === topic)!.payload);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.data;
    };
    // The cancel's worker stores the (new) order and has not committed yet when the create's
    // worker starts on the same order.
    let commitCancel!: () => void;
    const holding = new Promise<void>((resolve) => (commitCancel = resolve));
    let cancelApplied!: () => void;
    const applied = new Promise<void>((resolve) => (cancelApplied = resolve));
    const first = prisma.$transaction(async (tx) => {
      await applyOrder(ctxFor(tx, "orders/cancelled"), payload("orders/cancelled"));
      cancelApplied();
      await holding;
    });
    await applied;
    const second = prisma.$transaction((tx) => applyOrder(ctxFor(tx, "orders/create"), payload("orders/create")));
    setTimeout(commitCancel, 200);
    await first;
    expect(await second).toMatchObject({ note: "stale: the stored order is newer" });
    const o = await order(shop.id, 6151);
    expect(o?.cancelledAt).not.toBeNull();
    expect(o?.lines.map((l) => l.openQuantity)).toEqual([0]);
  });

  it("an older update after a newer one is ignored; a fulfilment is never counted twice", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6201, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 3 }, { sku: "TEE-BLK-L", qty: 2 }] });
    tick(60);
    h.double.fulfill(6201, 101, domain);
    const events = produced(domain, from).filter((d) => /^(orders|fulfillments)\//.test(d.topic));
    const create = events.find((d) => d.topic === "orders/create")!;
    const fulfilment = events.find((d) => d.topic === "fulfillments/create")!;
    const updated = events.find((d) => d.topic === "orders/updated")!;
    // The fulfilment (a delta) first, then the newer state, then the stale create.
    await deliver(domain, [create]);
    await drain(shop.id);
    await deliver(domain, [fulfilment, updated]);
    await drain(shop.id);
    expect((await order(shop.id, 6201))?.lines.map((l) => l.openQuantity)).toEqual([0, 0]);
    await deliver(domain, [{ ...create, webhookId: `${create.webhookId}-late-copy` }]);
    await drain(shop.id);
    expect((await order(shop.id, 6201))?.lines.map((l) => l.openQuantity)).toEqual([0, 0]);
  });

  it("levels: an older inventory_levels/update never overwrites a newer one", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 101, available: 5, updated_at: "2026-11-23T10:00:02Z" });
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 101, available: 9, updated_at: "2026-11-23T10:00:01Z" });
    await drain(shop.id);
    const levels = await prisma.inventoryLevel.findMany({ where: { shopId: shop.id, name: "available" } });
    expect(levels.map((l) => l.quantity)).toEqual([5]);
    expect(levels[0].shopifyUpdatedAt?.toISOString()).toBe("2026-11-23T10:00:02.000Z");
  });

  it("recognises the app's own write coming back and does not recompute for it, but a return to the pushed value is a change", async () => {
    const { domain, shop } = await newShop();
    const itemId = (await prisma.inventoryItem.create({ data: { shopId: shop.id, shopifyId: 9001n, sku: "TEE-BLK-M" } })).id;
    const channelLoc = await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 901n } } });
    // What a landed push records: the value it wrote, as the level, and as pushed.
    await prisma.pushedQuantity.create({ data: { shopId: shop.id, itemId, locationId: channelLoc.id, name: "available", quantity: 12, pushedAt: new Date() } });
    await prisma.inventoryLevel.create({
      data: { shopId: shop.id, itemId, locationId: channelLoc.id, name: "available", quantity: 12, shopifyUpdatedAt: new Date("2026-11-23T10:00:00Z") },
    });
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 901, available: 12, updated_at: "2026-11-23T10:00:01Z" });
    await drain(shop.id);
    const [row] = await prisma.webhookInbox.findMany({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ status: "done", error: "unchanged: equals the stored level (our own write coming back, or a repeat)" });
    expect(await recomputeQueued(shop.id)).toEqual([]);
    expect((await prisma.inventoryLevel.findFirstOrThrow({ where: { shopId: shop.id, itemId, locationId: channelLoc.id } })).quantity).toBe(12);
    // A sale at the channel location moves it away from our value: that one is recomputed.
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 901, available: 11, updated_at: "2026-11-23T10:00:02Z" });
    await drain(shop.id);
    expect(await recomputeQueued(shop.id)).toEqual([itemId]);
    await clearRecomputes(shop.id);
    // The sale's order moved off the channel location: Shopify is back at the value we once
    // pushed, which is no longer the ATS. It must be recomputed (and pushed), not taken for an echo.
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 901, available: 12, updated_at: "2026-11-23T10:00:03Z" });
    await drain(shop.id);
    expect(await recomputeQueued(shop.id)).toEqual([itemId]);
  });

  it("fulfillment_orders/moved reassigns the order's lines to where Shopify now has them", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6301, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
    tick();
    h.double.move(6301, 102, domain);
    const events = produced(domain, from);
    await deliver(domain, events.filter((d) => d.topic === "orders/create" || d.topic === "fulfillment_orders/moved"));
    await drain(shop.id);
    const brooklyn = await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 102n } } });
    expect((await order(shop.id, 6301))?.lines.map((l) => l.assignedLocationId)).toEqual([brooklyn.id]);
    const calls = h.double.calls(domain).graphql.filter((c) => c.operationName === "FulfillmentOrderPlacement");
    expect(calls.length).toBe(1);
  });
});

describe("deltas: refunds, edits, disconnects", () => {
  const orderAt = (updatedAt: string, open: [number, number]) => ({
    id: 6901,
    source_name: "web",
    created_at: "2026-11-23T10:00:00Z",
    updated_at: updatedAt,
    line_items: [
      { id: 11, variant_id: 8001, sku: "TEE-BLK-M", quantity: 3, fulfillable_quantity: open[0] },
      { id: 12, variant_id: 8002, sku: "TEE-BLK-L", quantity: 2, fulfillable_quantity: open[1] },
    ],
  });

  it("a refund restocking unshipped units reduces open quantity once, whatever arrives first", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "orders/create", orderAt("2026-11-23T10:00:00Z", [3, 2]));
    await drain(shop.id);
    const refund = {
      id: 1,
      order_id: 6901,
      created_at: "2026-11-23T10:05:00Z",
      refund_line_items: [
        { line_item_id: 11, quantity: 1, restock_type: "cancel" },
        { line_item_id: 12, quantity: 2, restock_type: "return" },
      ],
    };
    await post(domain, "refunds/create", refund);
    await drain(shop.id);
    expect((await order(shop.id, 6901))?.lines.map((l) => l.openQuantity)).toEqual([2, 2]);
    // The orders/updated Shopify sends after the refund agrees; an older one changes nothing.
    await post(domain, "orders/updated", orderAt("2026-11-23T10:05:00Z", [2, 2]));
    await post(domain, "orders/updated", orderAt("2026-11-23T10:01:00Z", [3, 2]));
    await drain(shop.id);
    expect((await order(shop.id, 6901))?.lines.map((l) => l.openQuantity)).toEqual([2, 2]);
    // The same refund as a second refund id arriving after a newer state: already reflected.
    await post(domain, "refunds/create", { ...refund, id: 2, created_at: "2026-11-23T10:04:00Z" });
    await drain(shop.id);
    expect((await order(shop.id, 6901))?.lines.map((l) => l.openQuantity)).toEqual([2, 2]);
  });

  it("orders/edited removals leave the order", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "orders/create", orderAt("2026-11-23T10:00:00Z", [3, 2]));
    await post(domain, "orders/edited", {
      order_edit: { id: 1, order_id: 6901, created_at: "2026-11-23T10:02:00Z", committed_at: "2026-11-23T10:02:00Z", line_items: { additions: [], removals: [{ id: 12, delta: 2 }] } },
    });
    await drain(shop.id);
    expect((await order(shop.id, 6901))?.lines.map((l) => l.openQuantity)).toEqual([3, 0]);
  });

  it("inventory_levels/disconnect zeroes the level; an older update cannot bring it back", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "inventory_levels/connect", { inventory_item_id: 9001, location_id: 102, available: 6, updated_at: "2026-11-23T10:00:00Z" });
    await post(domain, "inventory_levels/disconnect", { inventory_item_id: 9001, location_id: 102 }, { triggeredAt: "2026-11-23T10:05:00Z" });
    await post(domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 102, available: 6, updated_at: "2026-11-23T10:01:00Z" });
    await drain(shop.id);
    const levels = await prisma.inventoryLevel.findMany({ where: { shopId: shop.id } });
    expect(levels.map((l) => [l.name, l.quantity])).toEqual([["available", 0]]);
  });
});

describe("catalogue", () => {
  const product = (updatedAt: string, tags: string) => ({
    id: 7001,
    title: "Crew Tee Black",
    vendor: "Acme",
    product_type: "Tee",
    status: "active",
    tags,
    updated_at: updatedAt,
    variants: [
      { id: 8001, sku: "TEE-BLK-M", title: "M", inventory_item_id: 9001 },
      { id: 8002, sku: "TEE-BLK-L", title: "L", inventory_item_id: 9002 },
    ],
  });

  it("an order before its catalogue is linked when products/update arrives; only real changes recompute", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "orders/create", {
      id: 6801,
      source_name: "web",
      created_at: "2026-11-23T10:00:00Z",
      updated_at: "2026-11-23T10:00:00Z",
      line_items: [{ id: 1, variant_id: 8002, sku: "TEE-BLK-L", quantity: 1, fulfillable_quantity: 1 }],
    });
    await drain(shop.id);
    expect((await order(shop.id, 6801))?.lines[0].itemId).toBeNull();

    await post(domain, "products/update", product("2026-11-23T10:01:00Z", "core"));
    await drain(shop.id);
    const items = await prisma.inventoryItem.findMany({ where: { shopId: shop.id }, include: { variant: true }, orderBy: { shopifyId: "asc" } });
    expect(items.map((i) => [i.shopifyId, i.sku, i.variant?.shopifyId])).toEqual([
      [9001n, "TEE-BLK-M", 8001n],
      [9002n, "TEE-BLK-L", 8002n],
    ]);
    expect((await order(shop.id, 6801))?.lines[0].itemId).toBe(items[1].id);
    await getProducer().queue("recompute").obliterate({ force: true });

    // Same content, newer timestamp (Shopify sends this after every stock change): no recompute.
    await post(domain, "products/update", product("2026-11-23T10:02:00Z", "core"));
    // Older payload with other tags: ignored.
    await post(domain, "products/update", product("2026-11-23T09:00:00Z", "old"));
    await drain(shop.id);
    expect(await recomputeQueued(shop.id)).toEqual([]);
    expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id } })).tags).toEqual(["core"]);

    await post(domain, "products/update", product("2026-11-23T10:03:00Z", "core, sale"));
    await drain(shop.id);
    expect(await recomputeQueued(shop.id)).toEqual(items.map((i) => i.id));
  });

  it("locations: create, deactivate and delete", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "locations/create", { id: 103, name: "Broadway", active: true });
    await post(domain, "locations/deactivate", { id: 103, name: "Broadway", active: false });
    await drain(shop.id);
    expect(await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 103n } } })).toMatchObject({ name: "Broadway", isActive: false });
    await post(domain, "locations/delete", { id: 103 });
    await drain(shop.id);
    expect((await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 103n } } })).deletedAt).not.toBeNull();
  });
});

/** A web order at 101 (then cancelled) and a second order at 102 for two SKUs, a tick apart. */
function twoOrdersOneCancelled(domain: string, cancelled: number, second: { id: number; sourceName: string }) {
  h.double.order({ shop: domain, id: cancelled, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
  tick();
  h.double.order({ shop: domain, id: second.id, sourceName: second.sourceName, location: 102, lines: [{ sku: "TEE-BLK-L", qty: 1 }, { sku: "TEE-BLK-M", qty: 1 }] });
  tick();
  h.double.cancel(cancelled, domain);
}

describe("lanes: a shop's waiting deliveries applied in batches", () => {
  it("every delivery about one order, product or level shares a lane; a lane's job applies its rows in one transaction each, marked done once", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    twoOrdersOneCancelled(domain, 6501, { id: 6502, sourceName: "web" });
    const all = produced(domain, from);
    // A create, its cancel and the other order's create, with the level and product updates around them.
    expect(all.length).toBeGreaterThan(5);
    await deliver(domain, all);
    const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id, status: "received" }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(all.length);
    const laneOfOrder = (id: number) => new Set(rows.filter((r) => r.topic.startsWith("orders/") && (r.payload as { id: number }).id === id).map((r) => r.lane));
    expect(laneOfOrder(6501).size).toBe(1);
    expect(rows.every((r) => r.lane !== null)).toBe(true);

    // A row's own job (a retry, the sweeper) applies its lane's waiting rows with it, no other lane's.
    const own = rows[0];
    const sameLane = rows.filter((r) => r.lane === own.lane);
    const first = await applyDelivery({ prisma, producer: getProducer(), log }, { shopId: shop.id, inboxId: own.id });
    expect(first).toMatchObject({ status: "applied", ...(sameLane.length > 1 ? { batched: sameLane.length - 1 } : {}) });
    const status = async () => new Map((await prisma.webhookInbox.findMany({ where: { shopId: shop.id } })).map((r) => [r.id, [r.status, r.attempts]]));
    for (const r of rows) expect((await status()).get(r.id)).toEqual(r.lane === own.lane ? ["done", 1] : ["received", 0]);

    // Each other lane: one drain, one transaction for its rows.
    const deps = { prisma, producer: getProducer(), log };
    for (const lane of new Set(rows.map((r) => r.lane!).filter((l) => l !== own.lane))) {
      const transactions = countTransactions(prisma);
      expect(await drainLane({ ...deps, prisma: transactions.client }, { shopId: shop.id, lane })).toEqual({ applied: rows.filter((r) => r.lane === lane).length, more: false, held: false });
      expect(transactions.count()).toBe(1);
    }
    expect([...(await status()).values()]).toEqual(rows.map(() => ["done", 1]));
    expect((await order(shop.id, 6501))?.cancelledAt).not.toBeNull();
    expect((await order(shop.id, 6501))?.lines.map((l) => l.openQuantity)).toEqual([0]);
    expect((await order(shop.id, 6502))?.lines.map((l) => l.openQuantity)).toEqual([1, 1]);
    // Every item touched has its recompute request in the outbox.
    const items = await prisma.inventoryItem.findMany({ where: { shopId: shop.id, sku: { in: ["TEE-BLK-M", "TEE-BLK-L"] } } });
    const requested = await prisma.$queryRaw<{ itemId: number }[]>`SELECT "itemId" FROM recompute_requests WHERE "shopId" = ${shop.id}`;
    expect(items.every((i) => requested.some((r) => r.itemId === i.id))).toBe(true);

    for (const r of rows.slice(1)) {
      expect(await applyDelivery(deps, { shopId: shop.id, inboxId: r.id })).toMatchObject({ status: "skipped", reason: "done" });
    }
    expect((await prisma.webhookInbox.findMany({ where: { shopId: shop.id } })).every((r) => r.attempts === 1)).toBe(true);
    // An empty lane: nothing to do, nothing left.
    expect(await drainLane(deps, { shopId: shop.id, lane: own.lane! })).toEqual({ applied: 0, more: false, held: false });
  });

  it("on the worker's pg pool a lane's batch is one transaction of SQL; a products/update that changes the catalogue is applied on its own right after", async () => {
    const raw = createRawPool(process.env.DATABASE_URL, { max: 2 });
    try {
      const { domain, shop } = await newShop();
      // The catalogue stored first (as a sync leaves it): a stock count's products/update, applied.
      const seed = lastSeq(domain);
      h.double.stock("TEE-BLK-M", 101, 50, domain);
      h.double.stock("TEE-BLK-L", 101, 50, domain);
      await deliver(domain, produced(domain, seed));
      await drain(shop.id);
      expect(await prisma.webhookInbox.count({ where: { shopId: shop.id, status: { not: "done" } } })).toBe(0);
      await prisma.webhookInbox.deleteMany({ where: { shopId: shop.id } });

      const from = lastSeq(domain);
      twoOrdersOneCancelled(domain, 6701, { id: 6702, sourceName: "amazon" });
      tick();
      h.double.stock("TEE-BLK-L", 102, 17, domain);
      const all = produced(domain, from);
      await deliver(domain, all);
      // And a merchant's edit: the product renamed, a minute after the last update.
      const update = all.find((d) => d.topic === "products/update")!;
      const edited = update.payload as { id: number; title: string; updated_at: string };
      const renamed = { ...edited, title: "Tee, renamed", updated_at: new Date(Date.parse(edited.updated_at) + 60_000).toISOString() };
      expect((await post(domain, "products/update", renamed, { webhookId: `rename-${uniqueSuffix()}` })).status).toBe(200);
      // Every row in one lane: one batch holds orders, levels and products.
      await prisma.webhookInbox.updateMany({ where: { shopId: shop.id }, data: { lane: 0 } });
      const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
      for (const topic of ["orders/create", "orders/cancelled", "inventory_levels/update", "products/update"]) expect(rows.some((r) => r.topic === topic), topic).toBe(true);

      let batches = 0;
      const counted = { ...raw, transaction: <T>(fn: Parameters<typeof raw.transaction<T>>[0]) => ((batches += 1), raw.transaction(fn)) };
      const prismaTransactions = countTransactions(prisma);
      const outcome = await drainLane({ prisma: prismaTransactions.client, raw: counted, producer: getProducer(), log }, { shopId: shop.id, lane: 0 });
      expect(outcome).toEqual({ applied: rows.length, more: false, held: false });
      // One transaction a batch of up to BATCH_LIMIT rows (a full last batch looks once more and finds none).
      expect(batches).toBe(Math.floor(rows.length / BATCH_LIMIT) + 1);
      // What the batch left, in a transaction of its own through Prisma: the edit, and nothing else
      // (the products/update Shopify sends after each stock change finds nothing changed).
      expect(prismaTransactions.count()).toBe(1);
      expect((await prisma.product.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: BigInt(edited.id) } })).title).toBe("Tee, renamed");

      const now = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
      expect(now.map((r) => [r.id, r.status, r.attempts])).toEqual(rows.map((r) => [r.id, "done", 1]));
      expect((await order(shop.id, 6701))?.cancelledAt).not.toBeNull();
      expect((await order(shop.id, 6701))?.lines.map((l) => l.openQuantity)).toEqual([0]);
      const amazon = await order(shop.id, 6702);
      expect(amazon?.channel?.key).toBe("amazon");
      expect(amazon?.lines.map((l) => [l.sku, l.openQuantity, l.itemId !== null])).toEqual([
        ["TEE-BLK-L", 1, true],
        ["TEE-BLK-M", 1, true],
      ]);
      // The level after the stock count (17 on hand, one committed to the Amazon order), written in the batch.
      const level = await prisma.inventoryLevel.findFirst({ where: { shopId: shop.id, name: "available", item: { sku: "TEE-BLK-L" }, location: { shopifyId: 102n } } });
      const shopify = h.double.levels(domain).find((l) => l.sku === "TEE-BLK-L" && l.location === 102)!;
      expect(shopify).toMatchObject({ onHand: 17, available: 16 });
      expect(level?.quantity).toBe(shopify.available);
      // Every item the orders and the count touched has its recompute request.
      const items = await prisma.inventoryItem.findMany({ where: { shopId: shop.id, sku: { in: ["TEE-BLK-M", "TEE-BLK-L"] } } });
      const requested = await prisma.$queryRaw<{ itemId: number }[]>`SELECT "itemId" FROM recompute_requests WHERE "shopId" = ${shop.id}`;
      expect(items.every((i) => requested.some((r) => r.itemId === i.id))).toBe(true);
    } finally {
      await raw.end();
    }
  });

  it("a fault in one delivery of a batch costs only that delivery: the others are applied one by one, the faulty one gets its own retry job", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6601, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 3 }] });
    // Two level updates in one lane with the order, whatever lanes their ids give.
    await deliver(domain, produced(domain, from));
    const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(rows.some((r) => r.topic === "inventory_levels/update")).toBe(true);
    await prisma.webhookInbox.updateMany({ where: { shopId: shop.id }, data: { lane: 0 } });

    // Writing a level fails: the order's own transaction never writes one.
    const faulty = failOnSql(prisma, 'INSERT INTO "inventory_levels"');
    const queue = getProducer().queue("webhooks");
    const outcome = await drainLane({ prisma: faulty, producer: getProducer(), log }, { shopId: shop.id, lane: 0 });
    const failing = rows.filter((r) => r.topic === "inventory_levels/update");
    expect(outcome).toEqual({ applied: rows.length - failing.length, more: false, held: false });
    expect((await order(shop.id, 6601))?.lines.map((l) => l.openQuantity)).toEqual([3]);
    const now = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(now.map((r) => [r.topic, r.status])).toEqual(rows.map((r) => [r.topic, r.topic === "inventory_levels/update" ? "failed" : "done"]));
    expect(now.find((r) => r.status === "failed")?.error).toMatch(/simulated fault/);
    for (const r of failing) expect(await (await queue.getJob(`inbox-${r.id}`))?.getState()).toBe("delayed");

    // The failed ones are retried (their own jobs) and applied once the fault is gone.
    await drain(shop.id);
    expect((await prisma.webhookInbox.findMany({ where: { shopId: shop.id } })).every((r) => r.status === "done")).toBe(true);
    for (const r of failing) await (await queue.getJob(`inbox-${r.id}`))?.remove();
  });
});

/** A client that counts the interactive transactions run through it. */
function countTransactions(client: PrismaClient): { client: PrismaClient; count(): number } {
  let n = 0;
  return {
    client: withWrappedTransactions(client, (tx) => {
      n += 1;
      return tx;
    }),
    count: () => n,
  };
}

describe("exactly once under crashes, and shop isolation", () => {
  it("a worker crash after half the writes (the order, not yet its lines) leaves nothing applied; the retry applies once", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6401, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }, { sku: "TEE-BLK-L", qty: 1 }] });
    await deliver(domain, produced(domain, from));
    const [row] = await prisma.webhookInbox.findMany({ where: { shopId: shop.id, topic: "orders/create" } });

    await expect(drain(shop.id, crashAfter(prisma, "$executeRaw", null, 0))).rejects.toThrow("simulated crash");
    expect(await prisma.order.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.orderLine.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "failed", attempts: 1, error: "simulated crash" });

    await drain(shop.id);
    expect((await order(shop.id, 6401))?.lines.map((l) => l.openQuantity)).toEqual([2, 1]);
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "done", attempts: 2 });
    // A job that runs again for the done row applies nothing but re-enqueues the recompute.
    const again = await applyDelivery({ prisma, producer: getProducer(), log }, { shopId: shop.id, inboxId: row.id });
    expect(again).toMatchObject({ status: "skipped", reason: "done" });
    expect((again as { itemIds: number[] }).itemIds).toHaveLength(2);
    expect(await prisma.orderLine.count({ where: { shopId: shop.id } })).toBe(2);
  });

  it("the sweeper retries a failed row with backoff, visible on the row", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "inventory_levels/update", { inventory_item_id: 9002, location_id: 102, available: 7, updated_at: "2026-11-23T10:00:01Z" });
    await expect(drain(shop.id, crashAfter(prisma, "$executeRaw", null, 1))).rejects.toThrow("simulated crash");
    const [row] = await prisma.webhookInbox.findMany({ where: { shopId: shop.id } });
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    const queue = getProducer().queue("webhooks");
    // The route's job is still waiting in the queue (no worker here): take it out, as if Redis lost it.
    await (await queue.getJob(`inbox-${row.id}`))?.remove();
    const deps = { prisma, producer: getProducer(), log };
    const failedAt = row.processedAt!.getTime();
    const early = await sweepInbox(deps, { now: new Date(failedAt + 10_000), baseBackoffMs: 30_000, shopIds: [shop.id] });
    expect(early.enqueued).toBe(0);
    const later = await sweepInbox(deps, { now: new Date(failedAt + 31_000), baseBackoffMs: 30_000, shopIds: [shop.id] });
    expect(later.enqueued).toBe(1);
    expect(await (await queue.getJob(`inbox-${row.id}`))?.getState()).toBe("waiting");
    await drain(shop.id);
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "done", attempts: 2 });
  });

  it("shop A's deliveries never touch shop B's rows, even with the same Shopify ids", async () => {
    const a = await newShop();
    const b = await newShop();
    // B holds an order and a level with the very ids A is about to receive.
    await post(b.domain, "inventory_levels/update", { inventory_item_id: 9001, location_id: 101, available: 40, updated_at: "2026-11-23T10:00:00Z" });
    await post(b.domain, "orders/create", {
      id: 6501,
      source_name: "web",
      created_at: "2026-11-23T10:00:00Z",
      updated_at: "2026-11-23T10:00:00Z",
      line_items: [{ id: 1, variant_id: 8001, sku: "TEE-BLK-M", quantity: 1, fulfillable_quantity: 1 }],
    });
    await drain(b.shop.id);
    const snapshot = async () => ({
      orders: await prisma.order.findMany({ where: { shopId: b.shop.id }, include: { lines: true }, orderBy: { id: "asc" } }),
      levels: await prisma.inventoryLevel.findMany({ where: { shopId: b.shop.id }, orderBy: { id: "asc" } }),
      items: await prisma.inventoryItem.findMany({ where: { shopId: b.shop.id }, orderBy: { id: "asc" } }),
      locations: await prisma.location.findMany({ where: { shopId: b.shop.id }, orderBy: { id: "asc" } }),
      inbox: await prisma.webhookInbox.findMany({ where: { shopId: b.shop.id }, orderBy: { id: "asc" } }),
      shop: await prisma.shop.findUnique({ where: { id: b.shop.id } }),
    });
    const before = await snapshot();

    const from = lastSeq(a.domain);
    h.double.order({ shop: a.domain, id: 6501, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 5 }] });
    tick();
    h.double.cancel(6501, a.domain);
    h.double.stock("TEE-BLK-M", 101, 3, a.domain);
    await deliver(a.domain, produced(a.domain, from));
    await post(a.domain, "customers/redact", { shop_id: 1, shop_domain: a.domain, customer: { id: 5 }, orders_to_redact: [6501] });
    await post(a.domain, "app/uninstalled", { id: 1, domain: a.domain });
    await drain(a.shop.id);
    await post(a.domain, "shop/redact", { shop_id: 1, shop_domain: a.domain });
    await drain(a.shop.id);

    expect(await prisma.shop.findUnique({ where: { id: a.shop.id } })).toBeNull();
    expect(await prisma.order.count({ where: { shopId: a.shop.id } })).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect(before.orders[0].lines[0].openQuantity).toBe(1);
  });
});

describe("uninstall and compliance", () => {
  it("app/uninstalled marks the shop, deletes its sessions and drops its later deliveries", async () => {
    const { domain, shop } = await newShop();
    await post(domain, "app/uninstalled", { id: 1, domain });
    await drain(shop.id);
    expect(await prisma.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ installState: "uninstalled" });
    expect(await prisma.session.count({ where: { shop: domain } })).toBe(0);
    await post(domain, "orders/create", {
      id: 6601,
      source_name: "web",
      created_at: "2026-11-23T10:00:00Z",
      updated_at: "2026-11-23T10:00:00Z",
      line_items: [{ id: 1, variant_id: 8001, sku: "TEE-BLK-M", quantity: 1, fulfillable_quantity: 1 }],
    });
    await post(domain, "customers/data_request", { shop_id: 1, shop_domain: domain, customer: { id: 8 }, orders_requested: [6601] });
    await drain(shop.id);
    expect(await prisma.order.count({ where: { shopId: shop.id } })).toBe(0);
    const rows = await prisma.webhookInbox.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.topic, r.status, r.error])).toEqual([
      ["app/uninstalled", "done", "uninstalled; 1 session(s) deleted"],
      ["orders/create", "done", "dropped: shop uninstalled"],
      ["customers/data_request", "done", "exported 0 order(s) to the audit log"],
    ]);
  });

  it("customers/data_request exports what we hold for the customer's orders", async () => {
    const { domain, shop } = await newShop();
    const from = lastSeq(domain);
    h.double.order({ shop: domain, id: 6701, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
    await deliver(domain, produced(domain, from).filter((d) => d.topic === "orders/create"));
    await post(domain, "customers/data_request", { shop_id: 1, shop_domain: domain, customer: { id: 42, email: "x@example.com" }, orders_requested: [6701, 999] });
    await drain(shop.id);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId: shop.id, action: "customer_data_export" } });
    expect(audit.entityId).toBe("42");
    expect(audit.after).toMatchObject({ customerId: "42", orders: [{ id: "6701", channel: "online", lines: [{ sku: "TEE-BLK-M", quantity: 2, openQuantity: 2 }] }] });
    expect(JSON.stringify(audit.after)).not.toContain("x@example.com");
  });
});

/** A client whose interactive transactions hand their callback `wrapTx(tx)` instead of `tx`. */
function withWrappedTransactions(client: PrismaClient, wrapTx: (tx: object) => object): PrismaClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "$transaction") {
        return (fn: (tx: unknown) => Promise<unknown>, opts?: unknown) =>
          (target.$transaction as (f: (tx: unknown) => Promise<unknown>, o?: unknown) => Promise<unknown>)((tx) => fn(wrapTx(tx as object)), opts);
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A client whose transactions throw on the (n+1)th call of `model.method`, or of `model` itself when method is null ($executeRaw). */
function crashAfter(client: PrismaClient, model: string, method: string | null, n: number): PrismaClient {
  let calls = 0;
  return withWrappedTransactions(client, (tx) =>
    new Proxy(tx, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== model) return typeof value === "function" ? value.bind(target) : value;
        if (method === null) {
          return (...args: unknown[]) => {
            calls += 1;
            if (calls > n) throw new Error("simulated crash");
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return new Proxy(value as object, {
          get(delegate, m) {
            const fn = Reflect.get(delegate, m);
            if (m !== method) return typeof fn === "function" ? fn.bind(delegate) : fn;
            return (...args: unknown[]) => {
              calls += 1;
              if (calls > n) throw new Error("simulated crash");
              return (fn as (...a: unknown[]) => unknown).apply(delegate, args);
            };
          },
        });
      },
    }),
  );
}

/** A client whose transactions fail on the first raw statement containing `needle` (a fault in one delivery's writes). */
function failOnSql(client: PrismaClient, needle: string): PrismaClient {
  const raw = new Set(["$queryRaw", "$executeRaw"]);
  return withWrappedTransactions(client, (tx) =>
    new Proxy(tx, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (typeof value !== "function") return value;
        if (!raw.has(String(prop))) return value.bind(target);
        return (strings: TemplateStringsArray, ...values: unknown[]) => {
          if (strings.join("?").includes(needle)) throw new Error(`simulated fault at ${needle}`);
          return (value as (...a: unknown[]) => unknown).call(target, strings, ...values);
        };
      },
    }),
  );
}
