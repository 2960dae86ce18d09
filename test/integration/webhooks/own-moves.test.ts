import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../shopify-double/webhooks";
import { uniqueSuffix } from "../../support/factories";
import { doubleOnHandClock, installShop, post, storeFor } from "./harness";

const { default: prisma } = await import("../../../app/db.server");
const { getProducer } = await import("../../../app/jobs/producer.server");
const { createLogger } = await import("../../../app/lib/logger");
const { processors } = await import("../../../workers/processors");
const { routeChannelOrders } = await import("../../../app/services/push.server");
const { adminForShop, fetchTransport, sessionTokenLookup } = await import("../../../app/shopify/transport.server");
const { createAdminClient } = await import("../../../app/shopify/client");
const { applyOrder } = await import("../../../app/services/apply-orders.server");
const { parseTopicPayload } = await import("../../../app/services/apply-payloads.server");
const { createDeltaJob, inFlightJobIds, orphanedDeltaJobs, ROUTE_ACTOR } = await import("../../../app/models/pushes.server");

/**
 * Routing Amazon orders off the channel location, then the webhooks Shopify sends about it, with
 * the real route actions, the real `webhooks` processor, PostgreSQL and Redis, and the Shopify
 * test double counting every call. Our own move must cost no Shopify read when its
 * fulfillment_orders/moved arrives; a merchant's move still asks where the lines are.
 */

const h = doubleOnHandClock();
const tick = h.tick;
const log = createLogger("error");

/** A shop whose Amazon channel publishes to channel location 901 and ships from 101. */
async function newShop() {
  const domain = `route-${uniqueSuffix()}.myshopify.com`;
  h.double.seedStore(storeFor(domain));
  const shop = await installShop(h.double, domain);
  const loc = (shopifyId: bigint) => prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId } } });
  const [l101, l102, l901] = [await loc(101n), await loc(102n), await loc(901n)];
  await prisma.channel.create({ data: { shopId: shop.id, key: "online", name: "Online Store", priority: 1, matchSourceNames: ["web"], publishKind: "in_place" } });
  const amazon = await prisma.channel.create({
    data: {
      shopId: shop.id,
      key: "amazon",
      name: "Amazon",
      priority: 2,
      matchSourceNames: ["amazon"],
      publishKind: "location",
      publishLocationId: l901.id,
      facilities: { create: [{ shopId: shop.id, locationId: l101.id, position: 0 }] },
    },
  });
  return { domain, shop, amazon, l101, l102, l901 };
}

const lastSeq = (domain: string) => h.double.deliveries(domain).at(-1)?.seq ?? 0;
const produced = (domain: string, from: number): DeliveryRecord[] => h.double.deliveries(domain).filter((d) => d.seq > from);
const calls = (domain: string, operation: string) => h.double.calls(domain).graphql.filter((c) => c.operationName === operation && c.outcome !== "throttled");

async function deliver(domain: string, deliveries: DeliveryRecord[]) {
  for (const d of deliveries) {
    const res = await post(domain, d.topic, d.payload, { webhookId: d.webhookId, triggeredAt: d.triggeredAt });
    expect(res.status, d.topic).toBe(200);
  }
}

async function drain(shopId: number) {
  const rows = await prisma.webhookInbox.findMany({ where: { shopId, status: { in: ["received", "failed"] } }, orderBy: { id: "asc" } });
  for (const row of rows) await processors.webhooks!({ shopId, inboxId: row.id }, {} as never, { prisma, producer: getProducer(), log });
}

/** Amazon orders placed at the channel location, their webhooks applied (lines stored, location unknown). */
async function amazonOrders(domain: string, shopId: number, ids: number[]) {
  const from = lastSeq(domain);
  for (const id of ids) expect(h.double.order({ shop: domain, id, sourceName: "amazon", location: 901, lines: [{ sku: "TEE-BLK-M", qty: 1 }] }).accepted).toBe(true);
  await deliver(domain, produced(domain, from));
  await drain(shopId);
  const lines = await prisma.orderLine.findMany({ where: { shopId, order: { shopifyId: { in: ids.map(BigInt) } } } });
  expect(lines.map((l) => l.assignedLocationId)).toEqual(ids.map(() => null));
}

/** Our stored available of TEE-BLK-M (item 9001) at a location. */
async function availableAt(shopId: number, locationId: number) {
  const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: 9001n } } });
  return prisma.inventoryLevel.findUniqueOrThrow({ where: { shopId_itemId_locationId_name: { shopId, itemId: item.id, locationId, name: "available" } } });
}

/** Our copy of TEE-BLK-M's available at 101 as a sync leaves it (this harness installs without one). */
async function holdCopyAt101(domain: string, shopId: number, locationId: number) {
  const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: 9001n } } });
  const level = h.double.levels(domain).find((l) => l.sku === "TEE-BLK-M" && l.location === 101)!;
  await prisma.inventoryLevel.create({ data: { shopId, itemId: item.id, locationId, name: "available", quantity: level.available, shopifyUpdatedAt: new Date(h.clock) } });
}

const linesOf = (shopId: number, orderId: number) => prisma.orderLine.findMany({ where: { shopId, order: { shopifyId: BigInt(orderId) } } });

describe("routing channel-location orders", () => {
  it("reads several orders' fulfillment orders in one call, moves them in one call that keeps the channel location's available, and follows the destination's available without a read", async () => {
    const { domain, shop, l101, l901 } = await newShop();
    await amazonOrders(domain, shop.id, [6501, 6502, 6503, 6504]);
    await holdCopyAt101(domain, shop.id, l101.id);
    const shown = () => h.double.levels(domain).find((l) => l.sku === "TEE-BLK-M" && l.location === 901)!.available;
    const afterSales = shown();
    tick();

    const routed = await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain));

    expect(routed).toBe(4);
    const reads = calls(domain, "OrderFulfillmentOrders");
    expect(reads).toHaveLength(1);
    // Four orders (and the page sizes).
    expect(Object.keys(reads[0].variables ?? {}).filter((k) => /^o\d+$/.test(k))).toHaveLength(4);
    const moves = calls(domain, "FulfillmentOrdersMove");
    expect(moves).toHaveLength(1);
    expect(Object.keys(moves[0].variables ?? {}).filter((k) => /^id\d+$/.test(k))).toHaveLength(4);
    // The moves returned 4 units to available at 901; the same call set it back: Amazon is never
    // shown units it has sold (the inventory history names a push job of ours, on record).
    expect(shown()).toBe(afterSales);
    const restore = await prisma.pushJob.findFirstOrThrow({ where: { shopId: shop.id, actor: "worker:route" }, include: { entries: true } });
    expect(restore.status).toBe("succeeded");
    expect(restore.entries.map((e) => [e.locationId, e.before, e.after, e.result])).toEqual([[l901.id, null, -4, "applied"]]);
    const history = h.double.calls(domain).inventory.filter((c) => c.referenceDocumentUri === `gid://ringfence/PushJob/${restore.id}` && c.name === "available");
    expect(history.map((c) => [c.locationId, c.name, c.delta])).toEqual([[901, "available", -4]]);
    for (const id of [6501, 6502, 6503, 6504]) expect((await linesOf(shop.id, id)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
    // The four units left 101's available for its committed: our copy follows by arithmetic (our
    // copy was older than the moves), no level is read.
    expect(calls(domain, "InventoryQuantities")).toHaveLength(0);
    expect(calls(domain, "InventoryLevelsAt")).toHaveLength(0);
    const at101 = await availableAt(shop.id, l101.id);
    expect(at101.quantity).toBe(36);
    expect(h.double.levels(domain).find((l) => l.sku === "TEE-BLK-M" && l.location === 101)!.available).toBe(36);
    expect((await availableAt(shop.id, l901.id)).quantity).toBe(afterSales);
    // Its time is not moved forward: the inventory_levels/update the moves caused still applies.
    const movedAt = h.double.calls(domain).inventory.find((c) => c.reason === "fulfillment_order_moved" && c.locationId === 101 && c.name === "available")!.at;
    expect(at101.shopifyUpdatedAt!.getTime()).toBeLessThan(movedAt);
    // Each move is on record for the webhook it causes.
    expect(await prisma.routedMove.count({ where: { shopId: shop.id } })).toBe(4);
    // Nothing left to route: no read at all the next time.
    expect(await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain))).toBe(0);
    expect(calls(domain, "OrderFulfillmentOrders")).toHaveLength(1);
  });

  it("the fulfillment_orders/moved of our own move costs no Shopify call; a merchant's move still asks", async () => {
    const { domain, shop, l101, l102 } = await newShop();
    await amazonOrders(domain, shop.id, [6601]);
    tick();
    const from = lastSeq(domain);
    expect(await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain))).toBe(1);
    const afterRouting = produced(domain, from);
    const moved = afterRouting.filter((d) => d.topic === "fulfillment_orders/moved");
    expect(moved).toHaveLength(1);
    await deliver(domain, afterRouting);
    await drain(shop.id);

    expect(calls(domain, "FulfillmentOrderPlacement")).toHaveLength(0);
    const row = await prisma.webhookInbox.findFirstOrThrow({ where: { shopId: shop.id, topic: "fulfillment_orders/moved" } });
    expect(row).toMatchObject({ status: "done" });
    expect(row.error).toMatch(/our own move/);
    expect((await linesOf(shop.id, 6601)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
    // The record answered its webhook and is gone.
    expect(await prisma.routedMove.count({ where: { shopId: shop.id } })).toBe(0);

    // The merchant re-routes the order to Brooklyn: we do not know where its lines went, so we ask.
    tick();
    const beforeManual = lastSeq(domain);
    h.double.move(6601, 102, domain);
    await deliver(domain, produced(domain, beforeManual).filter((d) => d.topic === "fulfillment_orders/moved"));
    await drain(shop.id);
    expect(calls(domain, "FulfillmentOrderPlacement")).toHaveLength(1);
    expect((await linesOf(shop.id, 6601)).map((l) => l.assignedLocationId)).toEqual([l102.id]);

    // …and moving it back to 101 by hand looks like our move (same fulfillment order and
    // destination) but comes from 102, not the channel location: it asks too.
    tick();
    const beforeBack = lastSeq(domain);
    h.double.move(6601, 101, domain);
    await deliver(domain, produced(domain, beforeBack).filter((d) => d.topic === "fulfillment_orders/moved"));
    await drain(shop.id);
    expect(calls(domain, "FulfillmentOrderPlacement")).toHaveLength(2);
    expect((await linesOf(shop.id, 6601)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
  });

  it("our move's webhook applied before routing has Shopify's answer: still no Shopify call, and the lines are placed", async () => {
    const { domain, shop, l101 } = await newShop();
    await amazonOrders(domain, shop.id, [6651]);
    tick();
    const from = lastSeq(domain);
    const notes: (string | null)[] = [];
    const base = fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: h.double.url });
    // Shopify answers the move only after its webhook was delivered and applied.
    const client = createAdminClient({
      shop: domain,
      transport: async (req) => {
        const res = await base(req);
        if (req.query.includes("fulfillmentOrderMove(")) {
          await deliver(domain, produced(domain, from).filter((d) => d.topic === "fulfillment_orders/moved"));
          await drain(shop.id);
          const row = await prisma.webhookInbox.findFirstOrThrow({ where: { shopId: shop.id, topic: "fulfillment_orders/moved" } });
          notes.push(row.error);
          expect((await linesOf(shop.id, 6651)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
        }
        return res;
      },
    });
    expect(await routeChannelOrders({ prisma }, shop.id, client)).toBe(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/our own move .*1 line\(s\) assigned ahead of routing/);
    expect(calls(domain, "FulfillmentOrderPlacement")).toHaveLength(0);
    expect((await linesOf(shop.id, 6651)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
    expect(await prisma.routedMove.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("an order delivery applied while routing places its lines keeps the place routing gave them", async () => {
    const { domain, shop, l101 } = await newShop();
    await amazonOrders(domain, shop.id, [6681]);
    const row = await prisma.webhookInbox.findFirstOrThrow({ where: { shopId: shop.id, topic: "orders/create" } });
    const parsed = parseTopicPayload("orders/create", row.payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    // A newer view of the order (a tag added) whose worker has read the stored order (no location
    // yet) and is about to write it back when routing places the lines.
    const newer = { ...parsed.data, updated_at: new Date(parsed.data.updated_at.getTime() + 1000), tags: [...parsed.data.tags, "gift"] };
    let reached!: () => void;
    const atWrite = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const applying = prisma.$transaction(async (tx) => {
      const paused = new Proxy(tx, {
        get(target, prop) {
          const value = Reflect.get(target, prop);
          if (prop !== "$executeRaw") return typeof value === "function" ? value.bind(target) : value;
          return async (strings: TemplateStringsArray, ...values: unknown[]) => {
            if (strings.join("?").includes("INSERT INTO order_lines")) {
              reached();
              await released;
            }
            return (value as (...a: unknown[]) => unknown).call(target, strings, ...values);
          };
        },
      });
      return applyOrder({ tx: paused, shop, delivery: row, log }, newer);
    });
    await atWrite;
    // Routing takes no lock the paused apply holds: it places the line and commits first.
    expect(await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain))).toBe(1);
    release();
    await applying;
    expect((await linesOf(shop.id, 6681)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
    expect((await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: 6681n } })).tags).toContain("gift");
  });

  it("the destination's level is read where we hold none or cannot tell it from the move's own, and left alone where it is newer", async () => {
    const { domain, shop, l101 } = await newShop();
    const reads = () => calls(domain, "InventoryLevelsAt").map((c) => c.variables?.location);
    const theirs = () => h.double.levels(domain).find((l) => l.sku === "TEE-BLK-M" && l.location === 101)!.available;
    // No copy of 101's level: nothing to take the unit from, so it is read.
    await amazonOrders(domain, shop.id, [6701]);
    tick();
    expect(await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain))).toBe(1);
    expect(reads()).toEqual(["gid://shopify/Location/101"]);
    expect((await availableAt(shop.id, l101.id)).quantity).toBe(39);

    /** A client whose move answers arrive after `meanwhile` ran (Shopify's webhooks can be faster than our read of its answer). */
    const slowAnswers = (meanwhile: (from: number) => Promise<void>) => {
      const base = fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: h.double.url });
      return createAdminClient({
        shop: domain,
        transport: async (req) => {
          const from = lastSeq(domain);
          const res = await base(req);
          if (req.query.includes("fulfillmentOrderMove(")) await meanwhile(from);
          return res;
        },
      });
    };
    const levelUpdates = (from: number) => produced(domain, from).filter((d) => d.topic === "inventory_levels/update");

    // The move's own inventory_levels/update applied first: stamped with the move's time, so our
    // copy may or may not hold the move (Shopify stamps whole seconds): read, never taken twice.
    await amazonOrders(domain, shop.id, [6702]);
    tick();
    const early = slowAnswers(async (from) => {
      await deliver(domain, levelUpdates(from));
      await drain(shop.id);
    });
    expect(await routeChannelOrders({ prisma }, shop.id, early)).toBe(1);
    expect(reads()).toHaveLength(2);
    expect((await availableAt(shop.id, l101.id)).quantity).toBe(38);

    // A sale at 101 a second after the move, applied first: our copy is newer than the move and
    // holds it already. Left as it is, and nothing read.
    await amazonOrders(domain, shop.id, [6703]);
    tick();
    const later = slowAnswers(async () => {
      tick();
      const from = lastSeq(domain);
      expect(h.double.order({ shop: domain, id: 6704, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] }).accepted).toBe(true);
      await deliver(domain, levelUpdates(from));
      await drain(shop.id);
    });
    expect(await routeChannelOrders({ prisma }, shop.id, later)).toBe(1);
    expect(reads()).toHaveLength(2);
    expect(theirs()).toBe(36);
    expect((await availableAt(shop.id, l101.id)).quantity).toBe(36);
  });

  it("a move Shopify refuses leaves no record behind", async () => {
    const { domain, shop } = await newShop();
    await amazonOrders(domain, shop.id, [6661]);
    const shown = () => h.double.levels(domain).find((l) => l.sku === "TEE-BLK-M" && l.location === 901)!.available;
    const before = shown();
    // Deactivated in Shopify (we have not heard yet): the move is refused with a user error.
    const base = fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: h.double.url });
    const client = createAdminClient({
      shop: domain,
      transport: async (req) => {
        // Sent to a location Shopify does not have (as if deactivated before we heard): refused for real.
        if (req.query.includes("fulfillmentOrderMove(")) return base({ ...req, variables: { ...req.variables, to0: "gid://shopify/Location/424242" } });
        return base(req);
      },
    });
    expect(await routeChannelOrders({ prisma }, shop.id, client)).toBe(0);
    expect(await prisma.routedMove.count({ where: { shopId: shop.id } })).toBe(0);
    // The restore in the same call still took its unit back (a delta needs no move to apply): on
    // record as applied, and the channel location re-read, so the push sets it from Shopify's level.
    const restore = await prisma.pushJob.findFirstOrThrow({ where: { shopId: shop.id, actor: "worker:route" } });
    expect(restore.status).toBe("succeeded");
    expect(shown()).toBe(before - 1);
    expect(calls(domain, "InventoryLevelsAt")).toHaveLength(1);
    const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 9001n } } });
    const l901 = await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 901n } } });
    const ours = await prisma.inventoryLevel.findUniqueOrThrow({ where: { shopId_itemId_locationId_name: { shopId: shop.id, itemId: item.id, locationId: l901.id, name: "available" } } });
    expect(ours.quantity).toBe(before - 1);
    // Still unrouted: the next round tries again.
    expect((await linesOf(shop.id, 6661)).map((l) => l.assignedLocationId)).toEqual([null]);
  });

  it("an order landing on the channel location queues the shop's routing when it is applied; one its facility holds does not", async () => {
    const { domain, shop, l101 } = await newShop();
    const routeJobs = async () =>
      (await getProducer().queue("route").getJobs(["waiting", "delayed", "prioritized", "active"])).filter((j) => (j.data as { shopId: number }).shopId === shop.id);
    // A web order (in place, sold from the facility) has nothing to route.
    const from = lastSeq(domain);
    expect(h.double.order({ shop: domain, id: 6801, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] }).accepted).toBe(true);
    await deliver(domain, produced(domain, from));
    await drain(shop.id);
    expect(await routeJobs()).toHaveLength(0);

    await amazonOrders(domain, shop.id, [6802, 6803]);
    const queued = await routeJobs();
    // One job per shop, however many orders: it routes every order waiting when it runs.
    expect(queued).toHaveLength(1);
    expect(queued[0].data).toEqual({ shopId: shop.id });
    await processors.route!({ shopId: shop.id }, {} as never, { prisma, producer: getProducer(), log });
    for (const id of [6802, 6803]) expect((await linesOf(shop.id, id)).map((l) => l.assignedLocationId)).toEqual([l101.id]);
    await queued[0].remove();
  });

  it("routing's delta write is never resent blind: the next route run marks one left sent failed and re-reads its items", async () => {
    const { domain, shop, l101, l901 } = await newShop();
    await amazonOrders(domain, shop.id, [6901]);
    await holdCopyAt101(domain, shop.id, l101.id);
    const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 9001n } } });
    const id = await prisma.$transaction((tx) => createDeltaJob(tx, shop.id, { actor: ROUTE_ACTOR, cause: "test" }, [{ itemId: item.id, locationId: l901.id, channelId: null, delta: -1 }]));
    // Sent alone, without the moves it undoes, it would take units that are there: the push service never takes it.
    expect(await inFlightJobIds(prisma, shop.id)).not.toContain(id);
    // The next route run (its route job died, and was retried): marked failed, the item re-read at 901.
    tick();
    const reads = calls(domain, "InventoryLevelsAt").length;
    await routeChannelOrders({ prisma }, shop.id, adminForShop(prisma, domain));
    expect((await prisma.pushJob.findUniqueOrThrow({ where: { id } })).status).toBe("failed");
    const reread = calls(domain, "InventoryLevelsAt").slice(reads);
    expect(reread.map((c) => c.variables?.location)).toEqual(["gid://shopify/Location/901"]);
    expect(await orphanedDeltaJobs(prisma, shop.id)).toEqual([]);
  });

  it("a move record of another shop is never taken for this shop's own move", async () => {
    const a = await newShop();
    const b = await newShop();
    await amazonOrders(a.domain, a.shop.id, [6701]);
    expect(await routeChannelOrders({ prisma }, a.shop.id, adminForShop(prisma, a.domain))).toBe(1);
    const rec = await prisma.routedMove.findFirstOrThrow({ where: { shopId: a.shop.id } });
    // Shop B gets a payload naming the very same ids (Shopify ids are per shop in the h.double).
    const payload = {
      original_fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${rec.fulfillmentOrderShopifyId}`, status: "open" },
      moved_fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${rec.fulfillmentOrderShopifyId}`, status: "open" },
      destination_location_id: `gid://shopify/Location/${rec.destinationShopifyId}`,
      source_location: { id: `gid://shopify/Location/${rec.sourceShopifyId}` },
    };
    expect((await post(b.domain, "fulfillment_orders/moved", payload)).status).toBe(200);
    await drain(b.shop.id);
    const row = await prisma.webhookInbox.findFirstOrThrow({ where: { shopId: b.shop.id, topic: "fulfillment_orders/moved" } });
    expect(row.error).not.toMatch(/our own move/);
    expect(calls(b.domain, "FulfillmentOrderPlacement")).toHaveLength(1);
    expect(await prisma.routedMove.count({ where: { shopId: a.shop.id } })).toBe(1);
  });
});
