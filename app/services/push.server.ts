import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import { createLogger, type Logger } from "../lib/logger";
import {
  believedLevels,
  createDeltaJob,
  freezeNextJob,
  inFlightJobIds,
  jobWithEntries,
  markAttempt,
  recordApplied,
  recordRejected,
  orphanedDeltaJobs,
  recordDeltaOutcome,
  recordRetryableError,
  ROUTE_ACTOR,
  DELTA_KIND,
  setLevels,
  type LevelWrite,
  type JobWithEntries,
} from "../models/pushes.server";
import { takeMovedUnits, type MovedUnits } from "../models/inventory.server";
import { confirmOwnMove, dropOwnMove, linesToRoute, pruneOwnMoves, recordOwnMove } from "../models/routing.server";
import type { AdminClient } from "../shopify/client";
import { isTerminal, ShopifyUserError } from "../shopify/errors";
import { fulfillmentOrdersMove, MOVES_PER_CALL, type RestoreInput } from "../shopify/operations/fulfillment-orders-move";
import { inventoryMoveQuantities } from "../shopify/operations/inventory-move-quantities";
import { READ_NAMES, readInventoryQuantities } from "../shopify/operations/inventory-quantities";
import { readLevelsAt } from "../shopify/operations/inventory-levels-at";
import { inventorySetQuantities, type SetQuantitiesInput } from "../shopify/operations/inventory-set-quantities";
import { ordersFulfillmentOrders, type FulfillmentOrderView } from "../shopify/operations/order-fulfillment-orders";
import { adminForShop } from "../shopify/transport.server";
import type { RawPool } from "../raw-db.server";
import { recomputeItem } from "./availability.server";
import { enqueueRecomputeWith, enqueueRequested, recordRecomputeRequests } from "./recompute-outbox.server";

/**
 * Push a shop's pending quantities to Shopify: one mutation per push job (≤ 250 entries), paced
 * by the client's per-shop bucket, compare-and-swap from what we believe Shopify holds, with the
 * job's idempotency key reused on every retry. A stale write re-reads the items from Shopify,
 * recomputes them and pushes again, so a sale that landed in between is never erased.
 */

export interface PushDeps {
  prisma: PrismaClient;
  /** The worker's own `pg` pool for routing's reads (app/raw-db.server.ts); absent, they go through `prisma`. */
  raw?: RawPool;
  adminFor?: (shop: string) => AdminClient;
  producer?: Pick<Producer, "enqueue">;
  log?: Logger;
}

export interface PushResult {
  jobs: number;
  applied: number;
  quantities: number;
  stale: number;
  failed: number;
  costPoints: number;
  throttled: number;
  routed: number;
}

const gidItem = (id: bigint | number) => `gid://shopify/InventoryItem/${id}`;
const gidLocation = (id: bigint | number) => `gid://shopify/Location/${id}`;
const numericId = (gid: string) => BigInt(gid.replace(/^.*\//, "").replace(/\?.*$/, ""));

/** The job's reference document: Shopify's inventory history points back at it. */
const jobUri = (job: JobWithEntries) => job.referenceDocumentUri ?? `gid://ringfence/PushJob/${job.id}`;

/** Lines' items by Shopify gid, into `into` (lines whose item is not known are left out). */
function addItems(into: Map<string, number>, lines: PlannedMove["ofFo"]): Map<string, number> {
  for (const l of lines) if (l.item !== null && l.itemId !== null) into.set(gidItem(l.item.shopifyId), l.itemId);
  return into;
}

/**
 * A frozen `available` job's input: the same document fields on every send (a resend with its
 * key must match the first call's arguments exactly, or Shopify answers a key mismatch).
 */
function availableWrite(job: JobWithEntries): SetQuantitiesInput {
  return {
    name: "available",
    reason: job.reason,
    referenceDocumentUri: jobUri(job),
    quantities: job.entries
      .filter((e) => e.result === null && e.before !== null)
      .map((e) => ({ inventoryItemId: gidItem(e.item.shopifyId), locationId: gidLocation(e.location.shopifyId), quantity: e.after, changeFromQuantity: e.before })),
  };
}

/**
 * The quantities Shopify found stale: its userErrors name them by index in the mutation's input
 * (`input.quantities.<i>.changeFromQuantity`); all of them when it does not say.
 */
function staleEntries<E>(sent: E[], error: ShopifyUserError): E[] {
  const named = error.userErrors
    .filter((e) => e.code === "CHANGE_FROM_QUANTITY_STALE")
    .map((e) => (e.field ?? [])[2])
    .map((i) => (typeof i === "string" && /^\d+$/.test(i) ? sent[Number(i)] : undefined));
  return named.length > 0 && named.every((e) => e !== undefined) ? (named as E[]) : sent;
}

/** Our ledger document for units held in `reserved` when publishing in place. */
export const holdLedgerUri = (shopId: number) => `gid://ringfence/InPlaceHold/${shopId}`;

export async function pushShop(
  deps: PushDeps,
  shopId: number,
  /** route: "queue" leaves routing to a `route` job (the worker); "inline" (default) routes here. */
  opts: { maxStaleRounds?: number; route?: "inline" | "queue" } = {},
): Promise<PushResult> {
  const { prisma } = deps;
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const client = (deps.adminFor ?? ((d) => adminForShop(prisma, d)))(shop.domain);
  const result: PushResult = { jobs: 0, applied: 0, quantities: 0, stale: 0, failed: 0, costPoints: 0, throttled: 0, routed: 0 };
  const maxStale = opts.maxStaleRounds ?? 5;

  // A job frozen by an attempt that crashed goes first, unchanged: same input, same key.
  for (const id of await inFlightJobIds(prisma, shopId)) await send(id);
  for (;;) {
    const id = await prisma.$transaction((tx) =>
      freezeNextJob(tx, shopId, (entries) => believedLevels(tx, shopId, entries)),
    );
    if (id === null) break;
    await send(id);
  }
  if (opts.route === "queue" && deps.producer) await deps.producer.enqueue("route", { shopId });
  else result.routed = await routeChannelOrders(deps, shopId, client);
  return result;

  async function send(jobId: number): Promise<void> {
    const job = await jobWithEntries(prisma, shopId, jobId);
    if (!job || job.status !== "sent" || job.quantityName === DELTA_KIND) return;
    const live = job.entries.filter((e) => e.result === null && e.before !== null);
    if (live.length === 0) {
      await prisma.pushJob.update({ where: { id: jobId }, data: { status: "succeeded", completedAt: new Date() } });
      return;
    }
    result.jobs++;
    await markAttempt(prisma, shopId, jobId);
    const key = job.idempotencyKey;
    const uri = jobUri(job);
    try {
      let cost: number;
      let at: string | null;
      if (job.quantityName === "available") {
        const r = await inventorySetQuantities(client, availableWrite(job), key);
        cost = r.stats.cost;
        result.throttled += r.stats.throttled;
        at = r.createdAt;
      } else {
        const ledger = holdLedgerUri(shopId);
        const r = await inventoryMoveQuantities(
          client,
          {
            reason: job.reason,
            referenceDocumentUri: uri,
            changes: live.map((e) => {
              const hold = e.before! - e.after;
              const loc = gidLocation(e.location.shopifyId);
              const available = { locationId: loc, name: "available", ledgerDocumentUri: null };
              const reserved = { locationId: loc, name: "reserved", ledgerDocumentUri: ledger };
              return {
                inventoryItemId: gidItem(e.item.shopifyId),
                quantity: Math.abs(hold),
                from: hold > 0 ? available : reserved,
                to: hold > 0 ? reserved : available,
              };
            }),
          },
          key,
        );
        cost = r.stats.cost;
        result.throttled += r.stats.throttled;
        at = r.createdAt;
      }
      await prisma.$transaction((tx) => recordApplied(tx, job, { costPoints: cost, at: new Date(), shopifyAt: at ? new Date(at) : null }));
      result.applied++;
      result.quantities += live.length;
      result.costPoints += cost;
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ShopifyUserError && error.has("CHANGE_FROM_QUANTITY_STALE")) {
        result.stale++;
        await prisma.$transaction((tx) => recordRejected(tx, shopId, jobId, "stale", message));
        if (result.stale > maxStale) throw new Error(`push: still stale after ${maxStale} re-reads (shop ${shopId}); will retry`);
        await rereadAndRecompute(job, staleEntries(live, error));
        return;
      }
      if (isTerminal(error)) {
        result.failed++;
        await prisma.$transaction((tx) => recordRejected(tx, shopId, jobId, "failed", message));
        deps.log?.error("push job failed", { shopId, jobId, error: message });
        return;
      }
      // Throttled past the client's patience, 5xx, network: the job stays `sent` and the
      // queue's backoff retries it with the same key.
      await recordRetryableError(prisma, shopId, jobId, message);
      throw error;
    }
  }

  async function rereadAndRecompute(job: JobWithEntries, stale: JobWithEntries["entries"]): Promise<void> {
    // Only where the write was refused: the stale quantities' items at their locations (a change
    // anywhere else reaches us as its own webhook), 3 points an item instead of every location's.
    const byLocation = new Map<string, Map<string, number>>();
    for (const e of stale) {
      const at = gidLocation(e.location.shopifyId);
      const items = byLocation.get(at) ?? new Map<string, number>();
      items.set(gidItem(e.item.shopifyId), e.itemId);
      byLocation.set(at, items);
    }
    for (const [at, items] of byLocation) await refreshLevelsFromShopify(prisma, shopId, client, items, { at });
    for (const itemId of new Set(job.entries.map((e) => e.itemId))) {
      await recomputeItem(deps, shopId, itemId, { cause: `stale push job ${job.id}: re-read`, enqueuePush: false });
    }
  }
}

/**
 * Reads the items' quantities from Shopify and writes them to our levels (a newer webhook already
 * recorded wins). Without `only`: every name we keep at every location. `{ at }`: every name at
 * one location (after a stale push, or a move whose destination our arithmetic could not follow;
 * see inventory-levels-at.ts). Returns the number of level rows written.
 */
export async function refreshLevelsFromShopify(
  prisma: PrismaClient,
  shopId: number,
  client: AdminClient,
  items: Map<string, number>,
  only?: { at: string },
): Promise<number> {
  const locations = await prisma.location.findMany({ where: { shopId }, select: { id: true, shopifyId: true } });
  const locByShopify = new Map(locations.map((l) => [l.shopifyId, l.id]));
  const { levels } = only
    ? await readLevelsAt(client, [...items.keys()], only.at)
    : await readInventoryQuantities(client, [...items.keys()], { locations: Math.max(locations.length, 1) });
  const now = new Date();
  const rows: LevelWrite[] = [];
  for (const l of levels) {
    const itemId = items.get(l.itemId);
    const locationId = locByShopify.get(numericId(l.locationId));
    if (itemId === undefined || locationId === undefined) continue;
    const at = l.updatedAt ? new Date(l.updatedAt) : now;
    for (const name of READ_NAMES) {
      if (l.quantities[name] !== undefined) rows.push({ itemId, locationId, name, quantity: l.quantities[name], at });
    }
  }
  const written = await setLevels(prisma, shopId, rows);
  return written;
}

/**
 * Orders that landed on a channel location are moved to a real facility of that channel (the
 * first, in the channel's order, whose `available` covers the order there; else the first), so
 * the physical stock is what gets picked. Candidates: open lines assigned to the channel
 * location, and the channel's open lines whose location we do not know yet (orders/* payloads
 * carry none for online orders; the fulfillment orders say where Shopify put them, and we
 * record it). Their fulfillment orders are read ORDERS_PER_CALL orders a call. Each move is
 * recorded (with the lines it carries) just before it is made, so the fulfillment_orders/moved
 * webhook it causes costs no Shopify read, whenever it arrives. Paced by the same per-shop bucket.
 */
export async function routeChannelOrders(deps: PushDeps, shopId: number, client: AdminClient): Promise<number> {
  const { prisma } = deps;
  const channels = await prisma.channel.findMany({
    where: { shopId, archivedAt: null, publishKind: "location", publishLocationId: { not: null } },
    include: { facilities: { where: { shopId }, orderBy: { position: "asc" }, include: { location: true } }, publishLocation: true },
  });
  const locations = await prisma.location.findMany({ where: { shopId }, select: { id: true, shopifyId: true } });
  const ourLocation = new Map(locations.map((l) => [gidLocation(l.shopifyId), l.id]));
  let moved = 0;
  // Destination levels our arithmetic could not follow (see takeMovedUnits), per location: read.
  const unsure = new Map<string, Map<string, number>>();
  // Items whose lines got a location (or whose levels changed): recomputed at the end of the run.
  const touched = new Set<number>();
  // Deltas a dead route job sent without recording Shopify's answer: their items re-read where written.
  const orphans = await orphanedDeltaJobs(prisma, shopId);
  for (const loc of new Set(orphans.map((o) => o.locationId))) {
    const at = locations.find((l) => l.id === loc);
    if (!at) continue;
    const ids = await prisma.inventoryItem.findMany({ where: { shopId, id: { in: orphans.filter((o) => o.locationId === loc).map((o) => o.itemId) } }, select: { id: true, shopifyId: true } });
    await refreshLevelsFromShopify(prisma, shopId, client, new Map(ids.map((i) => [gidItem(i.shopifyId), i.id])), { at: gidLocation(at.shopifyId) });
    for (const i of ids) touched.add(i.id);
  }
  for (const ch of channels) {
    const facilities = ch.facilities.filter((f) => f.location.role === "facility" && f.location.isActive && !f.location.deletedAt);
    const channelLocation = ch.publishLocation;
    if (facilities.length === 0 || !channelLocation) continue;
    const channelGid = gidLocation(channelLocation.shopifyId);
    const lines = await linesToRoute(deps.raw ?? prisma, shopId, channelLocation.id, ch.id);
    if (lines.length === 0) continue;
    const orders = new Map(lines.map((l) => [l.order.id, l.order.shopifyId]));
    const { byOrder, truncated } = await ordersFulfillmentOrders(client, [...orders.values()].map((id) => `gid://shopify/Order/${id}`));
    // Not moved: a move takes the whole fulfillment order, and a restore short of its lines would show them twice.
    if (truncated.length > 0) deps.log?.warn("orders not routed: more fulfillment orders or lines than one read returns", { shopId, orders: truncated });
    // Lines of a fulfillment order placed (where Shopify put it, or where we moved it).
    const place = async (ofFo: PlannedMove["ofFo"], at: number, own: { id: number; original: bigint; moved: bigint } | null) => {
      const ids = ofFo.map((l) => l.id);
      if (ids.length > 0) await prisma.orderLine.updateMany({ where: { shopId, id: { in: ids } }, data: { assignedLocationId: at } });
      if (own && own.moved !== own.original) await confirmOwnMove(prisma, shopId, own.id, own.moved);
      for (const l of ofFo) if (l.itemId !== null) touched.add(l.itemId);
    };
    const planned: PlannedMove[] = [];
    // Items to re-read at the channel location: a restore took back units a refused move never returned.
    const reread = new Map<string, number>();
    for (const [orderId, orderShopifyId] of orders) {
      const mine = lines.filter((l) => l.order.id === orderId);
      for (const fo of byOrder.get(`gid://shopify/Order/${orderShopifyId}`) ?? []) {
        if (fo.status !== "OPEN" || fo.locationId === null) continue;
        const foItems = new Set(fo.lines.filter((l) => l.remainingQuantity > 0).map((l) => l.inventoryItemId));
        const ofFo = mine.filter((l) => l.item !== null && foItems.has(gidItem(l.item.shopifyId)));
        if (fo.locationId !== channelGid) {
          const at = ourLocation.get(fo.locationId);
          if (at !== undefined) await place(ofFo, at, null);
          continue;
        }
        const target = await pickFacility(prisma, shopId, facilities.map((f) => f.location), ofFo);
        planned.push({ fo, orderShopifyId, ofFo, target });
      }
    }
    for (let i = 0; i < planned.length; i += MOVES_PER_CALL) {
      const chunk = planned.slice(i, i + MOVES_PER_CALL);
      // Recorded before the call: the webhook a move causes may be applied before we read the answer.
      const moveIds: number[] = [];
      for (const p of chunk) {
        moveIds.push(
          await recordOwnMove(prisma, shopId, {
            fulfillmentOrderShopifyId: numericId(p.fo.id),
            orderShopifyId: p.orderShopifyId,
            sourceShopifyId: channelLocation.shopifyId,
            destinationShopifyId: p.target.shopifyId,
            lineIds: p.ofFo.map((l) => l.id),
          }),
        );
      }
      const restore = await restoreJob(prisma, shopId, channelLocation.id, ch.id, chunk);
      let answer: Awaited<ReturnType<typeof fulfillmentOrdersMove>>;
      try {
        answer = await fulfillmentOrdersMove(
          client,
          chunk.map((p) => ({ fulfillmentOrderId: p.fo.id, newLocationId: gidLocation(p.target.shopifyId) })),
          restore ? { input: restoreWrite(restore), idempotencyKey: restore.idempotencyKey } : null,
        );
      } catch (error) {
        // Throttled past the client's patience, 5xx, network: the route job retries. Whether the
        // call landed is not known, so the restore stays `sent`: the retried run takes it as
        // orphaned and re-reads its items (never resent: without its moves it would take units).
        if (!isTerminal(error)) throw error;
        for (const id of moveIds) await dropOwnMove(prisma, shopId, id);
        if (restore) await prisma.$transaction((tx) => recordDeltaOutcome(tx, shopId, restore.id, { applied: false, error: (error as Error).message }));
        deps.log?.warn("fulfillment orders not moved", { shopId, fulfillmentOrders: chunk.map((p) => p.fo.id), error: (error as Error).message });
        continue;
      }
      // The destinations' available first, then the lines: a recompute in between sees the units
      // taken and the lines not yet there (short for a moment), never the lines with the old stock.
      const done = chunk.flatMap((p, j) => {
        const r = answer.moves[j];
        const at = r.ok && r.movedAt ? new Date(r.movedAt) : null;
        return r.ok ? [{ p, at: at && !Number.isNaN(at.getTime()) ? at : null }] : [];
      });
      const timed = done.filter((d): d is { p: PlannedMove; at: Date } => d.at !== null);
      const unread = await prisma.$transaction((tx) => takeMovedUnits(tx, shopId, movedUnits(timed)));
      // What the arithmetic could not follow is read at the destination (3 points an item), as is
      // a move answered without its time.
      for (const { p } of done) {
        const read = p.ofFo.filter((l) => !timed.some((t) => t.p === p) || unread.some((u) => u.itemId === l.itemId && u.locationId === p.target.id));
        if (read.length === 0) continue;
        const at = gidLocation(p.target.shopifyId);
        unsure.set(at, addItems(unsure.get(at) ?? new Map(), read));
      }
      for (const [j, p] of chunk.entries()) {
        const r = answer.moves[j];
        if (!r.ok) {
          await dropOwnMove(prisma, shopId, moveIds[j]);
          // The restore took back units this move did not return: that location is re-read and pushed.
          if (restore) addItems(reread, p.ofFo);
          deps.log?.warn("fulfillment order not moved", { shopId, fulfillmentOrder: p.fo.id, error: r.userErrors.map((e) => e.message).join("; ") });
          continue;
        }
        moved++;
        const original = numericId(p.fo.id);
        await place(p.ofFo, p.target.id, { id: moveIds[j], original, moved: r.movedId ? numericId(r.movedId) : original });
      }
      if (restore && answer.restore) {
        const r = answer.restore;
        await prisma.$transaction((tx) =>
          recordDeltaOutcome(tx, shopId, restore.id, r.ok ? { applied: true, costPoints: 0 } : { applied: false, error: r.userErrors.map((e) => e.message).join("; ") }),
        );
        if (!r.ok) deps.log?.warn("channel location not restored after moves; it is re-read and pushed", { shopId, pushJobId: restore.id });
        if (!r.ok) for (const p of chunk) addItems(reread, p.ofFo);
      }
    }
    if (reread.size > 0) {
      await refreshLevelsFromShopify(prisma, shopId, client, reread, { at: channelGid });
      for (const id of reread.values()) touched.add(id);
    }
  }
  for (const [at, items] of unsure) await refreshLevelsFromShopify(prisma, shopId, client, items, { at });
  if (moved > 0) await pruneOwnMoves(prisma, shopId);
  await requestRecomputes(deps, shopId, touched);
  return moved;
}

interface PlannedMove {
  fo: FulfillmentOrderView;
  orderShopifyId: bigint;
  ofFo: { id: number; itemId: number | null; item: { shopifyId: bigint } | null }[];
  target: { id: number; shopifyId: bigint };
}

/** The units a move carries, per item of ours: what its fulfillment order's lines still hold. */
function unitsOf(p: PlannedMove): Map<number, number> {
  const byGid = addItems(new Map(), p.ofFo);
  const units = new Map<number, number>();
  for (const l of p.fo.lines) {
    const itemId = l.inventoryItemId === null ? undefined : byGid.get(l.inventoryItemId);
    if (itemId !== undefined && l.remainingQuantity > 0) units.set(itemId, (units.get(itemId) ?? 0) + l.remainingQuantity);
  }
  return units;
}

/** Moves Shopify made (at its time) → the units each destination's `available` gave, per item. */
function movedUnits(moves: { p: PlannedMove; at: Date }[]): MovedUnits[] {
  const out = new Map<string, MovedUnits>();
  for (const { p, at } of moves) {
    for (const [itemId, units] of unitsOf(p)) {
      const key = `${itemId} ${p.target.id}`;
      const m = out.get(key);
      if (!m) out.set(key, { itemId, locationId: p.target.id, units, first: at, last: at });
      else {
        m.units += units;
        if (at < m.first) m.first = at;
        if (at > m.last) m.last = at;
      }
    }
  }
  return [...out.values()];
}

/**
 * The delta that takes back, at the channel location, the units these moves return to its
 * `available`: per item, minus what the fulfillment orders' lines still hold. On record as a
 * push job (`sent`) before the call, so Shopify's inventory history points at it.
 */
async function restoreJob(prisma: PrismaClient, shopId: number, channelLocationId: number, channelId: number, moves: PlannedMove[]): Promise<JobWithEntries | null> {
  const returned = new Map<number, number>();
  for (const p of moves) for (const [itemId, units] of unitsOf(p)) returned.set(itemId, (returned.get(itemId) ?? 0) + units);
  if (returned.size === 0) return null;
  const entries = [...returned].map(([itemId, units]) => ({ itemId, locationId: channelLocationId, channelId, delta: -units }));
  const id = await prisma.$transaction((tx) => createDeltaJob(tx, shopId, { actor: ROUTE_ACTOR, cause: "fulfillment orders moved off the channel location: the units they returned to it taken back" }, entries));
  return jobWithEntries(prisma, shopId, id);
}

/** The restore's input: the same on every send of its key. */
function restoreWrite(job: JobWithEntries): RestoreInput {
  return {
    name: "available",
    reason: job.reason,
    referenceDocumentUri: jobUri(job),
    changes: job.entries.map((e) => ({ inventoryItemId: gidItem(e.item.shopifyId), locationId: gidLocation(e.location.shopifyId), delta: e.after, changeFromQuantity: null })),
  };
}

/**
 * Share of the shop's Shopify bucket routing leaves untouched: routing is background work that
 * could spend the whole budget in a flash sale, and a push waiting for points is a sale shown late.
 */
export const ROUTING_RESERVE = 0.1;

/** routeChannelOrders for a shop, with its stored session (the `route` job). */
export async function routeShop(deps: PushDeps, shopId: number): Promise<number> {
  const shop = await deps.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  const client = (deps.adminFor ?? ((d) => adminForShop(deps.prisma, d, { reserve: ROUTING_RESERVE })))(shop.domain);
  return routeChannelOrders(deps, shopId, client);
}

/** Records the items' recompute requests in the outbox, then enqueues them (the sweeper retries). */
async function requestRecomputes(deps: PushDeps, shopId: number, itemIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(itemIds)];
  if (ids.length === 0) return;
  await recordRecomputeRequests(deps.prisma, shopId, ids);
  if (deps.producer) await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, ids, deps.log ?? createLogger("error"));
}

async function pickFacility(
  prisma: PrismaClient,
  shopId: number,
  facilities: { id: number; shopifyId: bigint }[],
  lines: { itemId: number | null; openQuantity: number }[],
): Promise<{ id: number; shopifyId: bigint }> {
  const itemIds = lines.map((l) => l.itemId).filter((i): i is number => i !== null);
  const levels = await prisma.inventoryLevel.findMany({
    where: { shopId, itemId: { in: itemIds }, name: "available", locationId: { in: facilities.map((f) => f.id) } },
  });
  for (const f of facilities) {
    const covers = lines.every((l) => l.itemId === null || (levels.find((v) => v.itemId === l.itemId && v.locationId === f.id)?.quantity ?? 0) >= l.openQuantity);
    if (covers) return f;
  }
  return facilities[0];
}
