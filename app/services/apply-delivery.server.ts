import type { Prisma, PrismaClient, Shop, WebhookInbox } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import type { Logger } from "../lib/logger";
import { claimWaiting, getDeliveryWithShop, lockDelivery, markDone, markDoneMany, markFailed, markRejected } from "../models/inbox.server";
import { findItemId } from "../models/catalog.server";
import { orderItemIds } from "../models/orders.server";
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
  locationActivation,
} from "./apply-catalog.server";
import { applyCustomerRedact, applyDataRequest, applyShopRedact } from "./apply-compliance.server";
import type { ApplyContext, ApplyResult } from "./apply-context.server";
import { applyFulfillmentOrderMoved, prefetchMoved, type MovedPrefetch } from "./apply-fulfillment-orders.server";
import { applyDisconnect, applyLevel } from "./apply-inventory.server";
import { enqueueRecomputeWith, enqueueRequested, recordRecomputeRequests } from "./recompute-outbox.server";
import { applyFulfillment, applyOrder, applyOrderEdit, applyRefund } from "./apply-orders.server";
import { AFTER_UNINSTALL_TOPICS, isTopic, parseTopicPayload, type PayloadOfTopic, type Topic } from "./apply-payloads.server";

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
}

type Extra = { sync?: { shopId: number; mode: "initial" | "full" } };

interface Handler<P> {
  /** Shopify reads done before the transaction (no network call while rows are locked). */
  prefetch?: (deps: ApplyDeps, shop: Shop, payload: P) => Promise<unknown>;
  apply: (ctx: ApplyContext, payload: P, prefetched: unknown) => Promise<ApplyResult & Extra>;
  /** Items to recompute again when a job runs for a row already done. */
  items?: (db: Prisma.TransactionClient, shopId: number, payload: P) => Promise<number[]>;
}

const orderItems = (db: Prisma.TransactionClient, shopId: number, p: { id: bigint }) => orderItemIds(db, shopId, p.id);
const levelItem = async (db: Prisma.TransactionClient, shopId: number, p: { inventory_item_id: bigint }) => {
  const id = await findItemId(db, shopId, p.inventory_item_id);
  return id === null ? [] : [id];
};
const order: Handler<PayloadOfTopic<"orders/create">> = { apply: applyOrder, items: orderItems };
const level: Handler<PayloadOfTopic<"inventory_levels/update">> = { apply: applyLevel, items: levelItem };

const HANDLERS: { [T in Topic]: Handler<PayloadOfTopic<T>> } = {
  "orders/create": order,
  "orders/updated": order,
  "orders/cancelled": order,
  "orders/fulfilled": order,
  "orders/partially_fulfilled": order,
  "orders/edited": { apply: applyOrderEdit, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_edit.order_id) },
  "refunds/create": { apply: applyRefund, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_id) },
  "fulfillments/create": { apply: applyFulfillment, items: (db, shopId, p) => orderItemIds(db, shopId, p.order_id) },
  "fulfillment_orders/moved": {
    prefetch: (deps, shop, p) => prefetchMoved(deps.prisma, shop.id, () => (deps.admin ?? ((s) => adminForShop(deps.prisma, s)))(shop.domain), p),
    apply: (ctx, p, prefetched) => applyFulfillmentOrderMoved(ctx, p, prefetched as MovedPrefetch),
  },
  "inventory_levels/update": level,
  "inventory_levels/connect": level,
  "inventory_levels/disconnect": { apply: applyDisconnect, items: levelItem },
  "inventory_items/create": { apply: applyInventoryItem },
  "inventory_items/update": { apply: applyInventoryItem },
  "inventory_items/delete": { apply: applyInventoryItemDelete },
  "products/update": { apply: applyProduct },
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

export type DeliveryOutcome =
  | { status: "applied"; topic: string; itemIds: number[]; note?: string; /** Other waiting deliveries applied in the same transaction. */ batched?: number }
  | { status: "skipped"; reason: "missing" | "done" | "rejected" | "busy"; itemIds: number[] }
  | { status: "dropped"; topic: string; reason: string }
  | { status: "rejected"; topic: string; reason: string };

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/**
 * The high-volume topics (no Shopify read before the transaction, no result beyond items): a job
 * applying one of them also applies up to BATCH_LIMIT other waiting deliveries of these topics of
 * the same shop in its transaction (claimed FOR UPDATE SKIP LOCKED), so a flash sale's deliveries
 * share one transaction, one outbox write and one `done` mark instead of each paying for its own.
 * Their own jobs then find them done. If anything in a batch fails, the job applies its own row
 * alone; the others stay waiting for their jobs.
 */
const BATCHED_TOPICS: readonly Topic[] = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/edited",
  "refunds/create",
  "fulfillments/create",
  "inventory_levels/update",
  "inventory_levels/connect",
  "inventory_levels/disconnect",
  "products/update",
];
export const BATCH_LIMIT = 20;

export function applyDelivery(deps: ApplyDeps, ref: { shopId: number; inboxId: number }): Promise<DeliveryOutcome> {
  return applyOnce(deps, ref, { batch: true });
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
  const batch = opts.batch && !dropped && BATCHED_TOPICS.includes(topic);
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
        return { itemIds: [], note: "dropped: shop uninstalled", dropped: true, batched: 0 };
      }
      const own: { row: WebhookInbox; topic: Topic; payload: unknown; prefetched: unknown } = { row: { ...row, status: locked.status }, topic, payload: parsed.data, prefetched };
      if (!batch) {
        const applied = await applyOne(tx, own);
        if (applied.shopErased) return { ...applied, dropped: false, batched: 0 };
        await recordRecomputeRequests(tx, ref.shopId, applied.itemIds);
        await markDone(tx, ref.shopId, ref.inboxId, applied.note ?? null);
        return { ...applied, dropped: false, batched: 0 };
      }
      const rows = [own];
      const others = await claimWaiting(tx, ref.shopId, ref.inboxId, BATCHED_TOPICS, BATCH_LIMIT);
      claimed = others.map((o) => o.id);
      for (const other of others) {
        const payload = parseTopicPayload(other.topic as Topic, other.payload);
        // Refused at ingest already; its own job records why.
        if (payload.ok) rows.push({ row: other, topic: other.topic as Topic, payload: payload.data, prefetched: undefined });
      }
      // One lock order for every batch (orders, then products, then levels, each by Shopify id),
      // so two batches never wait for each other in a cycle. Deliveries apply in any order.
      rows.sort((a, b) => compareKeys(lockKey(a.topic, a.payload), lockKey(b.topic, b.payload)));
      const items = new Set<number>();
      const done: { id: number; note: string | null }[] = [];
      let mine: ApplyResult & Extra = { itemIds: [] };
      for (const r of rows) {
        const applied = await applyOne(tx, r);
        for (const id of applied.itemIds) items.add(id);
        done.push({ id: r.row.id, note: applied.note ?? null });
        if (r === own) mine = applied;
      }
      await recordRecomputeRequests(tx, ref.shopId, items);
      await markDoneMany(tx, ref.shopId, done);
      return { ...mine, itemIds: [...items], dropped: false, batched: done.length - 1 };

      function applyOne(db: Prisma.TransactionClient, r: (typeof rows)[number]) {
        const ctx: ApplyContext = { tx: db, shop, delivery: r.row, log: log.child({ shopId: shop.id, inboxId: r.row.id, topic: r.topic }) };
        return (HANDLERS[r.topic] as Handler<unknown>).apply(ctx, r.payload, r.prefetched);
      }
    }, TX_OPTIONS);

    if (result === null) return { status: "skipped", reason: "done", itemIds: [] };
    if (result === "busy") return { status: "skipped", reason: "busy", itemIds: [] };
    if (result.dropped) return { status: "dropped", topic, reason: "shop uninstalled" };
    await enqueueRecomputes(deps, ref.shopId, result.itemIds);
    if (result.sync) await deps.producer.enqueue("sync", result.sync);
    return { status: "applied", topic, itemIds: result.itemIds, note: result.note, ...(result.batched > 0 ? { batched: result.batched } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (batch) {
      // Whatever failed (another row of the batch, a deadlock between two batches), nothing of
      // the batch was applied: apply each row alone, this job's own last (its failure is this
      // job's). The others' own jobs may have found them held and gone: they are not left waiting.
      log.warn("batched apply failed; applying its deliveries one by one", { shopId: ref.shopId, inboxId: ref.inboxId, topic, rows: claimed.length + 1, error: message });
      for (const inboxId of claimed) {
        await applyOnce(deps, { shopId: ref.shopId, inboxId }, { batch: false }).catch((e) =>
          log.warn("delivery of a failed batch not applied; it stays for its job or the sweeper", { shopId: ref.shopId, inboxId, error: e instanceof Error ? e.message : String(e) }),
        );
      }
      return applyOnce(deps, ref, { batch: false });
    }
    await markFailed(prisma, ref.shopId, ref.inboxId, message).catch((e) => log.error("could not mark delivery failed", { error: e }));
    throw error;
  }
}

type LockKey = [rank: number, a: bigint, b: bigint];

/** What a batched delivery locks first: its order, its product, or its level (item, location). */
function lockKey(topic: Topic, payload: unknown): LockKey {
  const p = payload as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === "bigint" ? v : BigInt(Number(v ?? 0)));
  if (topic.startsWith("orders/")) return [0, id(topic === "orders/edited" ? (p.order_edit as Record<string, unknown>).order_id : p.id), 0n];
  if (topic === "refunds/create" || topic === "fulfillments/create") return [0, id(p.order_id), 0n];
  if (topic === "products/update") return [1, id(p.id), 0n];
  return [2, id(p.inventory_item_id), id(p.location_id)];
}

function compareKeys(x: LockKey, y: LockKey): number {
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** Of these items, those whose recompute request is still in the outbox. */
async function owedRecomputes(prisma: PrismaClient, shopId: number, itemIds: number[]): Promise<number[]> {
  if (itemIds.length === 0) return [];
  const rows = await prisma.$queryRaw<{ itemId: number }[]>`
    SELECT "itemId" FROM recompute_requests WHERE "shopId" = ${shopId} AND "itemId" = ANY(${itemIds}::int[])`;
  return rows.map((r) => r.itemId);
}

async function enqueueRecomputes(deps: ApplyDeps, shopId: number, itemIds: number[]): Promise<void> {
  await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, itemIds, deps.log);
}
