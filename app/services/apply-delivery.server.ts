import type { Prisma, PrismaClient, Shop } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import type { Logger } from "../lib/logger";
import { getDeliveryWithShop, lockDelivery, markDone, markFailed, markRejected } from "../models/inbox.server";
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
  | { status: "applied"; topic: string; itemIds: number[]; note?: string }
  | { status: "skipped"; reason: "missing" | "done" | "rejected"; itemIds: number[] }
  | { status: "dropped"; topic: string; reason: string }
  | { status: "rejected"; topic: string; reason: string };

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

export async function applyDelivery(deps: ApplyDeps, ref: { shopId: number; inboxId: number }): Promise<DeliveryOutcome> {
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
    const itemIds = handler.items ? await handler.items(prisma, ref.shopId, parsed.data) : [];
    await enqueueRecomputes(deps, ref.shopId, itemIds);
    return { status: "skipped", reason: "done", itemIds };
  }


  try {
    const dropped = shop.installState === "uninstalled" && !AFTER_UNINSTALL_TOPICS.includes(topic);
    const prefetched = !dropped && handler.prefetch ? await handler.prefetch(deps, shop, parsed.data) : undefined;

    const result = await prisma.$transaction(async (tx) => {
      const locked = await lockDelivery(tx, ref.shopId, ref.inboxId);
      if (!locked || locked.status === "done" || locked.status === "rejected") return null;
      if (dropped) {
        await markDone(tx, ref.shopId, ref.inboxId, "dropped: shop uninstalled");
        return { itemIds: [], note: "dropped: shop uninstalled", dropped: true };
      }
      const ctx: ApplyContext = { tx, shop, delivery: { ...row, status: locked.status }, log: log.child({ shopId: shop.id, inboxId: locked.id, topic }) };
      const applied = await handler.apply(ctx, parsed.data, prefetched);
      if (!applied.shopErased) {
        await recordRecomputeRequests(tx, ref.shopId, applied.itemIds);
        await markDone(tx, ref.shopId, ref.inboxId, applied.note ?? null);
      }
      return { ...applied, dropped: false };
    }, TX_OPTIONS);

    if (result === null) return { status: "skipped", reason: "done", itemIds: [] };
    if (result.dropped) return { status: "dropped", topic, reason: "shop uninstalled" };
    await enqueueRecomputes(deps, ref.shopId, result.itemIds);
    if (result.sync) await deps.producer.enqueue("sync", result.sync);
    return { status: "applied", topic, itemIds: result.itemIds, note: result.note };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await markFailed(prisma, ref.shopId, ref.inboxId, message).catch((e) => log.error("could not mark delivery failed", { error: e }));
    throw error;
  }
}

async function enqueueRecomputes(deps: ApplyDeps, shopId: number, itemIds: number[]): Promise<void> {
  await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, itemIds, deps.log);
}
