import type { Prisma, PrismaClient } from "@prisma/client";
import type { RawDb } from "../raw-db.server";

/**
 * Moves the app makes itself (routeChannelOrders), recorded just before the move with the order
 * lines it carries, so the fulfillment_orders/moved webhook each one causes is recognised,
 * however early it arrives, and applied without asking Shopify where the order's lines are.
 * Shopify ids for matching a payload, our order line ids for the assignment. Every query is
 * scoped by shop.
 */

type Db = Prisma.TransactionClient | PrismaClient;

export interface OwnMove {
  fulfillmentOrderShopifyId: bigint;
  orderShopifyId: bigint;
  sourceShopifyId: bigint;
  destinationShopifyId: bigint;
  /** Our order lines the fulfillment order carries. */
  lineIds: number[];
}

export interface RecordedMove extends OwnMove {
  id: number;
}

/** Late webhooks come within days (8 retries over 4 hours; some a day late): a week covers them. */
export const OWN_MOVE_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Records a move about to be made. A fulfillment order we move again (the merchant sent it back
 * to the channel location) replaces its row. Returns the row id.
 */
export async function recordOwnMove(db: Db, shopId: number, move: OwnMove, at = new Date()): Promise<number> {
  const { fulfillmentOrderShopifyId, ...rest } = move;
  const row = await db.routedMove.upsert({
    where: { shopId_fulfillmentOrderShopifyId: { shopId, fulfillmentOrderShopifyId } },
    create: { shopId, fulfillmentOrderShopifyId, ...rest, movedAt: at },
    update: { ...rest, movedAt: at },
    select: { id: true },
  });
  return row.id;
}

/**
 * After the move: Shopify may have moved the lines as a new fulfillment order (the original was
 * partly fulfilled), and that is the id its webhook names. A row its webhook already consumed
 * stays gone.
 */
export async function confirmOwnMove(db: Db, shopId: number, id: number, movedFulfillmentOrderShopifyId: bigint): Promise<void> {
  await db.routedMove.deleteMany({ where: { shopId, fulfillmentOrderShopifyId: movedFulfillmentOrderShopifyId, NOT: { id } } });
  await db.routedMove.updateMany({ where: { shopId, id }, data: { fulfillmentOrderShopifyId: movedFulfillmentOrderShopifyId } });
}

/** Shopify refused the move: no webhook will come for it. */
export async function dropOwnMove(db: Db, shopId: number, id: number): Promise<void> {
  await db.routedMove.deleteMany({ where: { shopId, id } });
}

/** The recorded move matching a fulfillment_orders/moved payload exactly, if any. */
export async function findOwnMove(
  db: Db,
  shopId: number,
  m: { fulfillmentOrderShopifyId: bigint; sourceShopifyId: bigint; destinationShopifyId: bigint },
): Promise<RecordedMove | null> {
  return db.routedMove.findFirst({
    where: {
      shopId,
      fulfillmentOrderShopifyId: m.fulfillmentOrderShopifyId,
      sourceShopifyId: m.sourceShopifyId,
      destinationShopifyId: m.destinationShopifyId,
    },
    select: { id: true, fulfillmentOrderShopifyId: true, orderShopifyId: true, sourceShopifyId: true, destinationShopifyId: true, lineIds: true },
  });
}

/** A matched move answers one webhook only. Returns false when another delivery took it first. */
export async function consumeOwnMove(db: Db, shopId: number, id: number): Promise<boolean> {
  const { count } = await db.routedMove.deleteMany({ where: { shopId, id } });
  return count > 0;
}

/** Drops moves whose webhook never came. */
export async function pruneOwnMoves(db: Db, shopId: number, now = new Date()): Promise<number> {
  const { count } = await db.routedMove.deleteMany({ where: { shopId, movedAt: { lt: new Date(now.getTime() - OWN_MOVE_RETENTION_MS) } } });
  return count;
}

/** An open line routing may have to move (linesToRoute). */
export interface RoutableLine {
  id: number;
  itemId: number | null;
  openQuantity: number;
  order: { id: number; shopifyId: bigint };
  item: { shopifyId: bigint } | null;
}

/**
 * A channel's open lines that may sit on its channel location: those assigned there, and those
 * of its orders whose location we do not know yet (orders/* payloads carry none for online
 * orders). Each of the two is a range of the (shop, location, open quantity) index, and each line
 * reaches its order by primary key (the LIMIT keeps the planner from turning that lookup into a
 * scan of the channel's orders per line, which it chose on tables grown since their last
 * analyze: 77 ms a run in a flash sale). A run costs the open lines, not the order history.
 */
export async function linesToRoute(db: RawDb, shopId: number, channelLocationId: number, channelId: number): Promise<RoutableLine[]> {
  const rows = await db.$queryRaw<{ id: number; itemId: number | null; openQuantity: number; orderId: number; orderShopifyId: bigint; itemShopifyId: bigint | null }[]>`
    SELECT l.id, l."itemId", l."openQuantity", o.id AS "orderId", o."shopifyId" AS "orderShopifyId", i."shopifyId" AS "itemShopifyId"
    FROM order_lines l
    CROSS JOIN LATERAL (SELECT o.id, o."shopifyId", o."channelId", o."cancelledAt" FROM orders o WHERE o.id = l."orderId" AND o."shopId" = l."shopId" LIMIT 1) o
    LEFT JOIN inventory_items i ON i.id = l."itemId" AND i."shopId" = l."shopId"
    WHERE l."shopId" = ${shopId} AND l."openQuantity" > 0 AND o."cancelledAt" IS NULL
      AND (l."assignedLocationId" = ${channelLocationId} OR (l."assignedLocationId" IS NULL AND o."channelId" = ${channelId}))
    ORDER BY l.id`;
  return rows.map((r) => ({
    id: r.id,
    itemId: r.itemId,
    openQuantity: r.openQuantity,
    order: { id: r.orderId, shopifyId: r.orderShopifyId },
    item: r.itemShopifyId === null ? null : { shopifyId: r.itemShopifyId },
  }));
}
