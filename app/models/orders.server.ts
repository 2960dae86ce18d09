import type { Prisma } from "@prisma/client";
import type { ChannelOrderRules } from "../domain/classify";
import type { RawDb } from "../raw-db.server";
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
export async function lockOrder(tx: RawDb, shopId: number, shopifyId: bigint): Promise<(StoredOrder & { id: number }) | null> {
  // A row lock cannot cover an order not stored yet: two deliveries of a new order (a create and
  // its cancel, applied side by side) would both find nothing, and the later commit would
  // overwrite the newer state. The order's advisory lock serialises them whether or not it exists.
  await lockEntity(tx, "order", shopId, shopifyId);
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "orders" WHERE "shopId" = ${shopId} AND "shopifyId" = ${shopifyId} FOR UPDATE`;
  if (rows.length === 0) return null;
  // Read after the lock, in a statement of its own: it sees what the transaction we waited for committed.
  const [o] = await tx.$queryRaw<(Omit<Prisma.OrderGetPayload<object>, "lines"> & { lines: { shopifyId: string; sku: string | null; quantity: number; openQuantity: number; itemId: number | null; assignedLocationId: number | null; dueDate: string | null; preOrder: boolean }[] })[]>`
    SELECT o.*, coalesce((
      SELECT json_agg(json_build_object('shopifyId', l."shopifyId"::text, 'sku', l.sku, 'quantity', l.quantity, 'openQuantity', l."openQuantity",
               'itemId', l."itemId", 'assignedLocationId', l."assignedLocationId", 'dueDate', l."dueDate", 'preOrder', l."preOrder") ORDER BY l.id)
      FROM order_lines l WHERE l."orderId" = o.id AND l."shopId" = o."shopId"), '[]'::json) AS lines
    FROM orders o WHERE o.id = ${rows[0].id} AND o."shopId" = ${shopId}`;
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
      shopifyId: l.shopifyId,
      variantShopifyId: null,
      sku: l.sku,
      quantity: l.quantity,
      openQuantity: l.openQuantity,
      itemId: l.itemId,
      assignedLocationId: l.assignedLocationId,
      // json_build_object writes a timestamp(3) as its UTC wall time without a zone.
      dueDate: l.dueDate === null ? null : new Date(`${l.dueDate}Z`),
      preOrder: l.preOrder,
    })),
  };
}

/** Writes the order and its lines (insert or update); returns the order's row id. */
export async function saveOrder(tx: RawDb, shopId: number, o: StoredOrder): Promise<number> {
  const [order] = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO orders ("shopId", "shopifyId", name, "channelId", "sourceName", "appId", b2b, tags, "posLocationShopifyId", "cancelledAt", closed,
                        "shipBy", test, "preOrder", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt")
    VALUES (${shopId}, ${o.shopifyId}, ${o.name}, ${o.channelId}, ${o.sourceName}, ${o.appId}::bigint, ${o.b2b}, ${o.tags}::text[], ${o.posLocationShopifyId}::bigint,
            ${o.cancelledAt}::timestamp(3), ${o.closed}, ${o.shipBy}::timestamp(3), ${o.test}, ${o.preOrder}, ${o.createdAt}::timestamp(3), ${o.updatedAt}::timestamp(3), now())
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      name = EXCLUDED.name, "channelId" = EXCLUDED."channelId", "sourceName" = EXCLUDED."sourceName", "appId" = EXCLUDED."appId", b2b = EXCLUDED.b2b,
      tags = EXCLUDED.tags, "posLocationShopifyId" = EXCLUDED."posLocationShopifyId", "cancelledAt" = EXCLUDED."cancelledAt", closed = EXCLUDED.closed,
      "shipBy" = EXCLUDED."shipBy", test = EXCLUDED.test, "preOrder" = EXCLUDED."preOrder", "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt",
      "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()
    RETURNING id`;
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

export async function setLineLocations(tx: RawDb, shopId: number, assignments: { lineShopifyId: string; locationId: number }[]): Promise<void> {
  if (assignments.length === 0) return;
  await tx.$executeRaw`
    UPDATE order_lines l SET "assignedLocationId" = t."locationId", "updatedAt" = now()
    FROM unnest(${assignments.map((a) => BigInt(a.lineShopifyId))}::bigint[], ${assignments.map((a) => a.locationId)}::int[]) AS t("shopifyId", "locationId")
    WHERE l."shopId" = ${shopId} AND l."shopifyId" = t."shopifyId"`;
}

/** Whether the channel publishes its ATS to a channel location (its orders land there and are routed). */
export async function publishesToLocation(db: RawDb, shopId: number, channelId: number): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`
    SELECT 1 FROM channels
    WHERE id = ${channelId} AND "shopId" = ${shopId} AND "archivedAt" IS NULL AND "publishKind" = 'location' AND "publishLocationId" IS NOT NULL`;
  return rows.length > 0;
}

/** The shop's channels with their order rules, for classification. */
export async function loadChannelRules(db: RawDb, shopId: number): Promise<ChannelOrderRules[]> {
  const channels = await db.$queryRaw<Prisma.ChannelGetPayload<object>[]>`SELECT * FROM channels WHERE "shopId" = ${shopId} ORDER BY id`;
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
