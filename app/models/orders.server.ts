import type { Prisma } from "@prisma/client";
import type { ChannelOrderRules } from "../domain/classify";
import type { OrderLineState, OrderState } from "../domain/order-state";
import { lockEntity } from "./entity-lock.server";

/** Orders and their lines, scoped by shop. Shopify ids are bigint; line ids as strings in the domain. */

type Db = Prisma.TransactionClient;

export interface StoredLine extends OrderLineState {
  itemId: number | null;
  assignedLocationId: number | null;
  dueDate: Date | null;
  /** The line's own pre-order flag (line item property or selling plan). */
  preOrder: boolean;
}

export interface StoredOrder extends OrderState {
  shopifyId: bigint;
  name: string | null;
  channelId: number | null;
  sourceName: string | null;
  appId: bigint | null;
  b2b: boolean;
  tags: string[];
  posLocationShopifyId: bigint | null;
  closed: boolean;
  shipBy: Date | null;
  test: boolean;
  /** Every line is a pre-order (the order's tags say so). */
  preOrder: boolean;
  createdAt: Date | null;
  lines: StoredLine[];
}

/** Loads an order and locks its row until the transaction ends (concurrent deliveries of one order queue up). */
export async function lockOrder(tx: Db, shopId: number, shopifyId: bigint): Promise<(StoredOrder & { id: number }) | null> {
  // A row lock cannot cover an order not stored yet: two deliveries of a new order (a create and
  // its cancel, applied side by side) would both find nothing, and the later commit would
  // overwrite the newer state. The order's advisory lock serialises them whether or not it exists.
  await lockEntity(tx, "order", shopId, shopifyId);
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "orders" WHERE "shopId" = ${shopId} AND "shopifyId" = ${shopifyId} FOR UPDATE`;
  if (rows.length === 0) return null;
  const o = await tx.order.findFirstOrThrow({ where: { id: rows[0].id, shopId }, include: { lines: { orderBy: { id: "asc" } } } });
  return {
    id: o.id,
    shopifyId: o.shopifyId,
    name: o.name,
    channelId: o.channelId,
    sourceName: o.sourceName,
    appId: o.appId,
    b2b: o.b2b,
    tags: o.tags,
    posLocationShopifyId: o.posLocationShopifyId,
    closed: o.closed,
    shipBy: o.shipBy,
    test: o.test,
    preOrder: o.preOrder,
    createdAt: o.shopifyCreatedAt,
    updatedAt: o.shopifyUpdatedAt,
    cancelledAt: o.cancelledAt,
    lines: o.lines.map((l) => ({
      shopifyId: l.shopifyId.toString(),
      variantShopifyId: null,
      sku: l.sku,
      quantity: l.quantity,
      openQuantity: l.openQuantity,
      itemId: l.itemId,
      assignedLocationId: l.assignedLocationId,
      dueDate: l.dueDate,
      preOrder: l.preOrder,
    })),
  };
}

/** Writes the order and its lines (insert or update); returns the order's row id. */
export async function saveOrder(tx: Db, shopId: number, o: StoredOrder): Promise<number> {
  const header = {
    name: o.name,
    channelId: o.channelId,
    sourceName: o.sourceName,
    appId: o.appId,
    b2b: o.b2b,
    tags: o.tags,
    posLocationShopifyId: o.posLocationShopifyId,
    cancelledAt: o.cancelledAt,
    closed: o.closed,
    shipBy: o.shipBy,
    test: o.test,
    preOrder: o.preOrder,
    shopifyCreatedAt: o.createdAt,
    shopifyUpdatedAt: o.updatedAt,
  };
  const order = await tx.order.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId: o.shopifyId } },
    create: { shopId, shopifyId: o.shopifyId, ...header },
    update: header,
    select: { id: true },
  });
  if (o.lines.length > 0) {
    // All lines in one statement (timestamp(3) columns take UTC wall time without a zone).
    const ts = (d: Date | null) => (d === null ? null : d.toISOString().replace("Z", ""));
    const L = o.lines;
    await tx.$executeRaw`
      INSERT INTO order_lines ("shopId", "orderId", "shopifyId", "itemId", sku, quantity, "openQuantity", "assignedLocationId", "dueDate", "preOrder", "updatedAt")
      SELECT ${shopId}, ${order.id}, t."shopifyId", t."itemId", t.sku, t.quantity, t."openQuantity", t."assignedLocationId", t."dueDate", t."preOrder", now()
      FROM unnest(${L.map((l) => BigInt(l.shopifyId))}::bigint[], ${L.map((l) => l.itemId)}::int[], ${L.map((l) => l.sku)}::text[],
                  ${L.map((l) => l.quantity)}::int[], ${L.map((l) => l.openQuantity)}::int[], ${L.map((l) => l.assignedLocationId)}::int[],
                  ${L.map((l) => ts(l.dueDate))}::timestamp(3)[], ${L.map((l) => l.preOrder)}::boolean[])
        AS t("shopifyId", "itemId", sku, quantity, "openQuantity", "assignedLocationId", "dueDate", "preOrder")
      -- A line's item and location are only ever learnt, never unlearnt: routing places lines and a
      -- product links orphan lines without this order's lock, after this delivery read the order,
      -- so "unknown" here keeps what the row has now instead of writing back what we read.
      ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
        "orderId" = EXCLUDED."orderId", "itemId" = coalesce(EXCLUDED."itemId", order_lines."itemId"), sku = EXCLUDED.sku, quantity = EXCLUDED.quantity,
        "openQuantity" = EXCLUDED."openQuantity", "assignedLocationId" = coalesce(EXCLUDED."assignedLocationId", order_lines."assignedLocationId"),
        "dueDate" = EXCLUDED."dueDate", "preOrder" = EXCLUDED."preOrder", "updatedAt" = now()`;
  }
  return order.id;
}

/** Items whose reservations an order holds (for the follow-up recompute). */
export async function orderItemIds(db: Db, shopId: number, shopifyId: bigint): Promise<number[]> {
  const lines = await db.orderLine.findMany({ where: { shopId, order: { shopifyId } }, select: { itemId: true } });
  return [...new Set(lines.flatMap((l) => (l.itemId === null ? [] : [l.itemId])))];
}

export async function setLineLocations(tx: Db, shopId: number, assignments: { lineShopifyId: string; locationId: number }[]): Promise<void> {
  for (const a of assignments) {
    await tx.orderLine.updateMany({ where: { shopId, shopifyId: BigInt(a.lineShopifyId) }, data: { assignedLocationId: a.locationId } });
  }
}

/** Whether the channel publishes its ATS to a channel location (its orders land there and are routed). */
export async function publishesToLocation(db: Db, shopId: number, channelId: number): Promise<boolean> {
  const c = await db.channel.findFirst({ where: { id: channelId, shopId, archivedAt: null, publishKind: "location", publishLocationId: { not: null } }, select: { id: true } });
  return c !== null;
}

/** The shop's channels with their order rules, for classification. */
export async function loadChannelRules(db: Db, shopId: number): Promise<ChannelOrderRules[]> {
  const channels = await db.channel.findMany({ where: { shopId }, orderBy: { id: "asc" } });
  return channels.map((c) => ({
    id: c.id,
    key: c.key,
    priority: c.priority,
    sourceNames: c.matchSourceNames,
    appIds: c.matchAppIds.map(String),
    b2b: c.matchB2b,
    posLocationIds: c.matchPosLocationIds.map(String),
    orderTags: c.matchOrderTags,
    archived: c.archivedAt !== null,
  }));
}

/** What we hold about some orders (compliance export): ids, channel, quantities; no personal data. */
export function ordersForExport(db: Db, shopId: number, shopifyIds: bigint[]) {
  return db.order.findMany({
    where: { shopId, shopifyId: { in: shopifyIds } },
    select: {
      shopifyId: true,
      name: true,
      sourceName: true,
      b2b: true,
      tags: true,
      cancelledAt: true,
      shopifyCreatedAt: true,
      channel: { select: { key: true } },
      lines: { select: { shopifyId: true, sku: true, quantity: true, openQuantity: true } },
    },
    orderBy: { shopifyId: "asc" },
  });
}
