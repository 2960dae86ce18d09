import type { Prisma } from "@prisma/client";
import type { RawDb } from "../raw-db.server";

/** The recompute outbox (table recompute_requests): one row per (shop, item) whose numbers may have moved. */

type Db = Prisma.TransactionClient;

/**
 * Records (or refreshes) requests for these items of the shop, in the caller's transaction. Ids
 * that are not items of this shop are ignored. requestedAt moves strictly forward (at least 1 ms
 * past the value it replaces): a recompute that read one value then knows any other value is a
 * newer request, even one from a transaction that started before it read and committed after.
 */
export async function recordRecomputeRequests(db: RawDb, shopId: number, itemIds: Iterable<number>): Promise<number> {
  const ids = [...new Set(itemIds)].filter((id) => Number.isSafeInteger(id));
  if (ids.length === 0) return 0;
  // Sorted, so that two transactions requesting overlapping items lock their rows in one order.
  return db.$executeRaw`
    INSERT INTO recompute_requests ("shopId", "itemId", "requestedAt")
    SELECT i."shopId", i.id, clock_timestamp() AT TIME ZONE 'UTC'
    FROM inventory_items i
    WHERE i."shopId" = ${shopId} AND i.id = ANY(${ids}::int[])
    ORDER BY i.id
    ON CONFLICT ("shopId", "itemId") DO UPDATE
    SET "requestedAt" = GREATEST(EXCLUDED."requestedAt", recompute_requests."requestedAt" + interval '1 millisecond')`;
}

/** Every item of the shop that is not deleted (a change that may move all of them). */
export async function recordRecomputeRequestsForShop(db: Db, shopId: number): Promise<number[]> {
  const rows = await db.inventoryItem.findMany({ where: { shopId, deletedAt: null }, select: { id: true }, orderBy: { id: "asc" } });
  const ids = rows.map((r) => r.id);
  await recordRecomputeRequests(db, shopId, ids);
  return ids;
}

/** Deletes the item's request unless it was renewed after `seen` (the value read before recomputing). */
export async function settleRecomputeRequest(db: RawDb, shopId: number, itemId: number, seen: Date): Promise<boolean> {
  const count = await db.$executeRaw`
    DELETE FROM recompute_requests WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND "requestedAt" <= ${seen}`;
  return count > 0;
}

/** Requests of an installed shop older than `olderThan`, oldest first. */
export async function findStaleRecomputeRequests(db: Db, shopId: number, olderThan: Date, limit: number): Promise<Array<{ itemId: number; requestedAt: Date }>> {
  return db.recomputeRequest.findMany({
    where: { shopId, requestedAt: { lt: olderThan }, shop: { installState: "installed" } },
    select: { itemId: true, requestedAt: true },
    orderBy: { requestedAt: "asc" },
    take: limit,
  });
}
