import type { Prisma, PrismaClient, Shop, WebhookInbox } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import type { Logger } from "../lib/logger";
import { claimWaiting, getDeliveryWithShop, laneWaiting, lockDelivery, markDone, markDoneMany, markFailed, markRejected } from "../models/inbox.server";
import { getShop } from "../models/shops.server";
import { findItemId } from "../models/catalog.server";
import { orderItemIds } from "../models/orders.server";
import type { RawDb, RawPool } from "../raw-db.server";
import type { AdminClient } from "../shopify/client";
import { adminForShop } from "../shopify/transport.server";
import { applyUninstalled, applyScopesUpdate } from "./apply-app.server";
import { applyBulkFinish } from "./apply-bulk.server";
import {
  applyInventoryItem,
  applyInventoryItemDelete,
  applyLocation,
  applyLocationDelete,
  applyProduct,
  applyProductIfUnchanged,
  locationActivation,
} from "./apply-catalog.server";
import { applyCustomerRedact, applyDataRequest, applyShopRedact } from "./apply-compliance.server";
import type { ApplyContext, ApplyResult } from "./apply-context.server";
import { applyFulfillmentOrderMoved, prefetchMoved, type MovedPrefetch } from "./apply-fulfillment-orders.server";
import { applyDisconnect, applyLevel } from "./apply-inventory.server";
import { enqueueRecomputeWith, enqueueRequested, recordRecomputeRequests } from "./recompute-outbox.server";
import { applyFulfillment, applyOrder, applyOrderEdit, applyRefund } from "./apply-orders.server";
import { AFTER_UNINSTALL_TOPICS, isTopic, parseTopicPayload, type PayloadOfTopic, type Topic } from "./apply-payloads.server";
import { compareKeys, LANED_TOPICS, lockKey } from "./inbox-lanes";

/**
 * Applies one recorded delivery exactly once. The row is locked FOR UPDATE and the delivery's
 * writes, the recompute requests of the items it touched (the outbox,
 * app/services/recompute-outbox.server.ts) and the row's `done` mark commit in ONE transaction: a
 * crash anywhere before the commit leaves nothing applied and the row still pending. The
 * recomputes are enqueued after commit; if that fails the sweeper enqueues the requests later. A
 * job that runs again for a `done` row applies nothing (it only re-enqueues the idempotent
 * recomputes).
 */

export interface ApplyDeps {
  prisma: PrismaClient;
  producer: Pick<Producer, "enqueue">;
  log: Logger;
  /** Admin client for a shop (default: the stored offline session). */
  admin?: (shop: string) => AdminClient;
  /** Where a lane's batches run: the worker's own pg pool (app/raw-db.server.ts); else `prisma`. */
  raw?: RawPool;
}

type Extra = { sync?: { shopId: number; mode: "initial" | "full" } };

interface Handler<P> {
  /** Shopify reads done before the transaction (no network call while rows are locked). */
  prefetch?: (deps: ApplyDeps, shop: Shop, payload: P) => Promise<unknown>;
  apply: (ctx: ApplyContext, payload: P, prefetched: unknown) => Promise<ApplyResult & Extra>;
  /**
   * Laned topics: what a lane's batch runs, SQL only (a batch runs on the worker's pg pool). Null:
   * this delivery needs `apply` (a products/update that changed the catalogue); it is applied on
   * its own right after the batch.
   */
  lane?: (ctx: ApplyContext<RawDb>, payload: P) => Promise<ApplyResult | null>;
  /** Items to recompute again when a job runs for a row already done. */
  items?: (db: Prisma.TransactionClient, shopId: number, payload: P) => Promise<number[]>;
}

const orderItems = (db: Prisma.TransactionClient, shopId: number, p: { id: bigint }) => orderItemIds(db, shopId, p.id);
const levelItem = async (db: Prisma.TransactionClient, shopId: number, p: { inventory_item_id: bigint }) => {
  const id = await findItemId(db, shopId, p.inventory_item_id);
  return id === null ? [] : [id];
};
const order: Handler<PayloadOfTopic<"orders/create">> = { apply: applyOrder, lane: applyOrder, items: orderItems };
const level: Handler<PayloadOfTopic<"inventory_levels/update">> = { apply: applyLevel, lane: applyLevel, items: levelItem };

const HANDLERS: { [T in Topic]: Handler<PayloadOfTopic<T>> } = {
  "orders/create": order,
  "orders/updated": order,
  "orders/cancelled": order,
  "orders/fulfilled": order,
  "orders/partially_fulfilled": order,
  "orders/edited": { apply: applyOrderEdit, lane: applyOrderEdit, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_edit.order_id) },
  "refunds/create": { apply: applyRefund, lane: applyRefund, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_id) },
  "fulfillments/create": { apply: applyFulfillment, lane: applyFulfillment, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_id) },
  "fulfillment_orders/moved": {
    prefetch: (deps, shop, p) => prefetchMoved(deps.prisma, shop.id, () => (deps.admin ?? ((s) => adminForShop(deps.prisma, s)))(shop.domain), p),
    apply: (ctx, p, prefetched) => applyFulfillmentOrderMoved(ctx, p, prefetched as MovedPrefetch),
  },
  "inventory_levels/update": level,
  "inventory_levels/connect": level,
  "inventory_levels/disconnect": { apply: applyDisconnect, lane: applyDisconnect, items: levelItem },
  "inventory_items/create": { apply: applyInventoryItem },
  "inventory_items/update": { apply: applyInventoryItem },
  "inventory_items/delete": { apply: applyInventoryItemDelete },
  "products/update": { apply: applyProduct, lane: applyProductIfUnchanged },
  "locations/create": { apply: applyLocation },
  "locations/update": { apply: applyLocation },
  "locations/activate": { apply: locationActivation(true) },
  "locations/deactivate": { apply: locationActivation(false) },
  "locations/delete": { apply: applyLocationDelete },
  "bulk_operations/finish": { apply: applyBulkFinish },
  "app/uninstalled": { apply: (ctx) => applyUninstalled(ctx) },
  "app/scopes_update": { apply: applyScopesUpdate },
  "customers/data_request": { apply: applyDataRequest },
  "customers/redact": { apply: applyCustomerRedact },
  "shop/redact": { apply: (ctx) => applyShopRedact(ctx) },
};
for (const topic of LANED_TOPICS) if (!HANDLERS[topic].lane) throw new Error(`no lane handler for ${topic}, a laned topic`);

export type DeliveryOutcome =
  | { status: "applied"; topic: string; itemIds: number[]; note?: string; /** Other waiting deliveries applied in the same transaction. */ batched?: number }
  | { status: "skipped"; reason: "missing" | "done" | "rejected" | "busy"; itemIds: number[] }
  | { status: "dropped"; topic: string; reason: string }
  | { status: "rejected"; topic: string; reason: string };

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/** Deliveries applied in one transaction: a lane's batch, or a row's own job with its lane's waiting rows. */
export const BATCH_LIMIT = 20;
/** How long one lane job drains before it hands over to its follow-up (other lanes and shops get turns). */
const DRAIN_SLICE_MS = 5_000;

export function applyDelivery(deps: ApplyDeps, ref: { shopId: number; inboxId: number }): Promise<DeliveryOutcome> {
  return applyOnce(deps, ref, { batch: true });
}

interface Claimed {
  row: WebhookInbox;
  topic: Topic;
  payload: unknown;
  prefetched: unknown;
}

async function applyOnce(deps: ApplyDeps, ref: { shopId: number; inboxId: number }, opts: { batch: boolean }): Promise<DeliveryOutcome> {
  const { prisma, log } = deps;
  const found = await getDeliveryWithShop(prisma, ref.shopId, ref.inboxId);
  if (!found) return { status: "skipped", reason: "missing", itemIds: [] };
  const { row, shop } = found;
  if (row.status === "rejected") return { status: "skipped", reason: "rejected", itemIds: [] };

  const topic = row.topic;
  if (!isTopic(topic)) {
    await markRejected(prisma, ref.shopId, ref.inboxId, `unknown topic ${JSON.stringify(topic)}`);
    return { status: "rejected", topic, reason: `unknown topic ${topic}` };
  }
  const parsed = parseTopicPayload(topic, row.payload);
  if (!parsed.ok) {
    await markRejected(prisma, ref.shopId, ref.inboxId, parsed.reason);
    log.warn("webhook rejected", { shopId: ref.shopId, inboxId: ref.inboxId, topic, reason: parsed.reason });
    return { status: "rejected", topic, reason: parsed.reason };
  }
  const handler = HANDLERS[topic] as Handler<unknown>;

  if (row.status === "done") {
    // Applied already (by its own job or in another job's batch). Recomputes still owed (the
    // outbox says which) are queued again, in case the applier died before it queued them.
    const itemIds = handler.items ? await handler.items(prisma, ref.shopId, parsed.data) : [];
    await enqueueRecomputes(deps, ref.shopId, await owedRecomputes(prisma, ref.shopId, itemIds));
    return { status: "skipped", reason: "done", itemIds };
  }

  const dropped = shop.installState === "uninstalled" && !AFTER_UNINSTALL_TOPICS.includes(topic);
  // A laned row's own job (a retry, the sweeper) also takes its lane's waiting rows.
  const lane = opts.batch && !dropped ? row.lane : null;
  // The rows this job claimed for its batch, applied one by one if the batch fails.
  let claimed: number[] = [];
  try {
    const prefetched = !dropped && handler.prefetch ? await handler.prefetch(deps, shop, parsed.data) : undefined;

    const result = await prisma.$transaction(async (tx) => {
      const locked = await lockDelivery(tx, ref.shopId, ref.inboxId);
      // Held by another applier (a batch that claimed it, or this job's earlier run), which applies
      // it: not waited for (a wait would hold a database connection). If that applier's process
      // dies, the row is still `received` for its retried job or the sweeper.
      if (!locked) return "busy" as const;
      if (locked.status === "done" || locked.status === "rejected") return null;
      if (dropped) {
        await markDone(tx, ref.shopId, ref.inboxId, "dropped: shop uninstalled");
        return { itemIds: [] as number[], note: "dropped: shop uninstalled", route: false, sync: undefined, dropped: true, batched: 0 };
      }
      const own: Claimed = { row: { ...row, status: locked.status }, topic, payload: parsed.data, prefetched };
      const others = lane === null ? [] : await claimWaiting(tx, ref.shopId, lane, BATCH_LIMIT, ref.inboxId);
      claimed = others.map((o) => o.id);
      const { results, items, route } = await applyRows(tx, shop, log, [own, ...parseClaimed(others)], fullApply);
      const mine = results.get(own)!;
      return { ...mine, itemIds: items, route, dropped: false, batched: results.size - 1 };
    }, TX_OPTIONS);

    if (result === null) return { status: "skipped", reason: "done", itemIds: [] };
    if (result === "busy") return { status: "skipped", reason: "busy", itemIds: [] };
    if (result.dropped) return { status: "dropped", topic, reason: "shop uninstalled" };
    await enqueueRecomputes(deps, ref.shopId, result.itemIds);
    if (result.route) await enqueueRoute(deps, ref.shopId);
    if (result.sync) await deps.producer.enqueue("sync", result.sync);
    return { status: "applied", topic, itemIds: result.itemIds, note: result.note, ...(result.batched > 0 ? { batched: result.batched } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (lane !== null) {
      // Whatever failed (another row of the batch, a deadlock), nothing of the batch was applied:
      // apply each row alone, this job's own last (its failure is this job's).
      log.warn("batched apply failed; applying its deliveries one by one", { shopId: ref.shopId, inboxId: ref.inboxId, topic, rows: claimed.length + 1, error: message });
      await applyEachAlone(deps, ref.shopId, claimed);
      return applyOnce(deps, ref, { batch: false });
    }
    await markFailed(prisma, ref.shopId, ref.inboxId, message).catch((e) => log.error("could not mark delivery failed", { error: e }));
    throw error;
  }
}

/**
 * Drains one lane of a shop: claims up to BATCH_LIMIT of its waiting deliveries at a time
 * (oldest first, passing over rows another applier holds) and applies each batch in one
 * transaction, until the lane is empty or DRAIN_SLICE_MS have passed. `more`: the lane still
 * has rows (left for a follow-up job); `held`: the rows left are held by another applier (look
 * again shortly: if it dies they are still `received`).
 */
export async function drainLane(deps: ApplyDeps, ref: { shopId: number; lane: number }, opts: { sliceMs?: number } = {}): Promise<{ applied: number; more: boolean; held: boolean }> {
  const { prisma, log } = deps;
  const until = Date.now() + (opts.sliceMs ?? DRAIN_SLICE_MS);
  let applied = 0;
  // On the worker's pg pool a batch runs the lane handlers (SQL only); through Prisma, every topic's full one.
  const db: RawDb = deps.raw ?? prisma;
  for (;;) {
    let claimed: number[] = [];
    let shopGone = false;
    try {
      const batch = async <D extends RawDb>(tx: D, apply: RowApply<D>) => {
        const rows = await claimWaiting(tx, ref.shopId, ref.lane, BATCH_LIMIT);
        claimed = rows.map((r) => r.id);
        if (rows.length === 0) return null;
        const shop = await getShop(tx, ref.shopId);
        if (!shop) {
          shopGone = true;
          return null;
        }
        if (shop.installState === "uninstalled") {
          await markDoneMany(tx, ref.shopId, rows.map((r) => ({ id: r.id, note: "dropped: shop uninstalled" })));
          return { items: [] as number[], route: false, count: rows.length, deferred: [] as number[] };
        }
        const valid = parseClaimed(rows);
        // Refused at ingest already (a row is only laned once its payload parsed): recorded as such.
        for (const r of rows) if (!valid.some((v) => v.row.id === r.id)) await markRejected(tx, ref.shopId, r.id, "payload no longer parses");
        const { items, route, deferred } = await applyRows(tx, shop, log, valid, apply);
        return { items, route, count: rows.length, deferred: deferred.map((r) => r.row.id) };
      };
      const result = deps.raw ? await deps.raw.transaction((tx) => batch(tx, laneApply)) : await prisma.$transaction((tx) => batch(tx, fullApply), TX_OPTIONS);
      if (shopGone) return { applied, more: false, held: false };
      if (result === null) {
        const held = await laneWaiting(db, ref.shopId, ref.lane);
        return { applied, more: held, held };
      }
      applied += result.count - result.deferred.length;
      await enqueueRecomputes(deps, ref.shopId, result.items);
      if (result.route) await enqueueRoute(deps, ref.shopId);
      // Left `received` by the batch for their topic's full handler, each in a transaction of its own.
      if (result.deferred.length > 0) applied += await applyEachAlone(deps, ref.shopId, result.deferred);
      // A short batch took every row it could: done unless rows came in since (or are held).
      if (result.count < BATCH_LIMIT && !(await laneWaiting(db, ref.shopId, ref.lane))) return { applied, more: false, held: false };
    } catch (error) {
      // The claim itself failed (the database is away): the job retries with backoff.
      if (claimed.length === 0) throw error;
      log.warn("batched apply failed; applying its deliveries one by one", { shopId: ref.shopId, lane: ref.lane, rows: claimed.length, error: error instanceof Error ? error.message : String(error) });
      applied += await applyEachAlone(deps, ref.shopId, claimed);
    }
    if (Date.now() >= until) return { applied, more: true, held: false };
  }
}

/**
 * Rows of a failed batch, each in its own transaction. A row that fails alone is marked failed
 * (by applyOnce) and given a job of its own, which retries it with the queue's backoff.
 */
async function applyEachAlone(deps: ApplyDeps, shopId: number, inboxIds: number[]): Promise<number> {
  let applied = 0;
  for (const inboxId of inboxIds) {
    try {
      await applyOnce(deps, { shopId, inboxId }, { batch: false });
      applied++;
    } catch (error) {
      deps.log.warn("delivery of a failed batch not applied; its own job retries it", { shopId, inboxId, error: error instanceof Error ? error.message : String(error) });
      await deps.producer
        .enqueue("webhooks", { shopId, inboxId }, { delay: RETRY_DELAY_MS })
        .catch((e) => deps.log.warn("retry of a delivery not enqueued; the sweeper retries it", { shopId, inboxId, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  return applied;
}

/** The first retry of a row that failed in a lane's batch (then the queue's backoff). */
const RETRY_DELAY_MS = 2_000;

function parseClaimed(rows: WebhookInbox[]): Claimed[] {
  const out: Claimed[] = [];
  for (const row of rows) {
    if (!isTopic(row.topic)) continue;
    const payload = parseTopicPayload(row.topic, row.payload);
    if (payload.ok) out.push({ row, topic: row.topic, payload: payload.data, prefetched: undefined });
  }
  return out;
}

/** How applyRows applies one row: null leaves it for its topic's full handler. */
type RowApply<D extends RawDb> = (ctx: ApplyContext<D>, r: Claimed) => Promise<(ApplyResult & Extra) | null>;
const fullApply: RowApply<Prisma.TransactionClient> = (ctx, r) => (HANDLERS[r.topic] as Handler<unknown>).apply(ctx, r.payload, r.prefetched);
const laneApply: RowApply<RawDb> = (ctx, r) => (HANDLERS[r.topic] as Handler<unknown>).lane!(ctx, r.payload);

/**
 * Applies rows in one transaction: in one lock order for every batch (orders, then products,
 * then levels, each by Shopify id), so two batches never wait for each other in a cycle;
 * deliveries apply in any order. Then one outbox write for the items they touched and one `done`
 * mark. A delivery that erased the shop (shop/redact, never batched) leaves nothing to mark;
 * rows `apply` leaves (`deferred`) stay `received`, untouched.
 */
async function applyRows<D extends RawDb>(
  tx: D,
  shop: Shop,
  log: Logger,
  rows: Claimed[],
  apply: RowApply<D>,
): Promise<{ results: Map<Claimed, ApplyResult & Extra>; items: number[]; route: boolean; deferred: Claimed[] }> {
  const sorted = rows.length > 1 ? [...rows].sort((a, b) => compareKeys(lockKey(a.topic, a.payload), lockKey(b.topic, b.payload))) : rows;
  const results = new Map<Claimed, ApplyResult & Extra>();
  const items = new Set<number>();
  const deferred: Claimed[] = [];
  let route = false;
  for (const r of sorted) {
    const ctx: ApplyContext<D> = { tx, shop, delivery: r.row, log: log.child({ shopId: shop.id, inboxId: r.row.id, topic: r.topic }) };
    const applied = await apply(ctx, r);
    if (applied === null) {
      deferred.push(r);
      continue;
    }
    if (applied.shopErased) return { results: new Map([[r, applied]]), items: [], route: false, deferred: [] };
    results.set(r, applied);
    route ||= applied.route === true;
    for (const id of applied.itemIds) items.add(id);
  }
  await recordRecomputeRequests(tx, shop.id, items);
  await markDoneMany(tx, shop.id, [...results].map(([r, applied]) => ({ id: r.row.id, note: applied.note ?? null })));
  return { results, items: [...items], route, deferred };
}

/** Of these items, those whose recompute request is still in the outbox. */
async function owedRecomputes(prisma: PrismaClient, shopId: number, itemIds: number[]): Promise<number[]> {
  if (itemIds.length === 0) return [];
  const rows = await prisma.$queryRaw<{ itemId: number }[]>`
    SELECT "itemId" FROM recompute_requests WHERE "shopId" = ${shopId} AND "itemId" = ANY(${itemIds}::int[])`;
  return rows.map((r) => r.itemId);
}

/**
 * Orders to move off a channel location: the shop's route job (one active and one waiting per
 * shop). Not owed like a recompute: if this enqueue is lost, the next push queues routing too.
 */
async function enqueueRoute(deps: ApplyDeps, shopId: number): Promise<void> {
  await deps.producer.enqueue("route", { shopId }).catch((e) => deps.log.warn("route not enqueued; the next push queues it", { shopId, error: e instanceof Error ? e.message : String(e) }));
}

async function enqueueRecomputes(deps: ApplyDeps, shopId: number, itemIds: number[]): Promise<void> {
  await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, itemIds, deps.log);
}
