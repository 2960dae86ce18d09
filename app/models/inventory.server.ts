import type { Prisma } from "@prisma/client";
import type { RawDb } from "../raw-db.server";

/** Inventory levels per (item, location, quantity name), scoped by shop, guarded by Shopify's updated_at. */

type Db = Prisma.TransactionClient;

/**
 * Writes a level unless the stored one is newer (Shopify's updated_at). Equal timestamps apply:
 * the later arrival wins, the best available when Shopify's clock cannot tell them apart.
 * Returns whether the row was written.
 */
export async function upsertLevelGuarded(
  db: RawDb,
  shopId: number,
  level: { itemId: number; locationId: number; name: string; quantity: number; updatedAt: Date },
  /** The row's quantity, already read and locked by the caller (lockKnownLevel). */
  locked?: { quantity: number },
): Promise<{ wrote: boolean; previous: number | null }> {
  // Lock and read the row as it is first (a CTE would not do: its FOR UPDATE skips the row the
  // same statement updates), so `previous` is what the write replaced even under concurrency.
  const before = locked
    ? [locked]
    : await db.$queryRaw<{ quantity: number }[]>`
    SELECT "quantity" FROM "inventory_levels"
    WHERE "shopId" = ${shopId} AND "itemId" = ${level.itemId} AND "locationId" = ${level.locationId} AND "name" = ${level.name}
    FOR UPDATE`;
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "inventory_levels" ("shopId", "itemId", "locationId", "name", "quantity", "shopifyUpdatedAt", "updatedAt")
    VALUES (${shopId}, ${level.itemId}, ${level.locationId}, ${level.name}, ${level.quantity}, ${level.updatedAt}, now())
    ON CONFLICT ("shopId", "itemId", "locationId", "name") DO UPDATE
      SET "quantity" = EXCLUDED."quantity", "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()
      WHERE "inventory_levels"."shopifyUpdatedAt" IS NULL OR "inventory_levels"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"
    RETURNING "id"`;
  return { wrote: rows.length > 0, previous: before[0]?.quantity ?? null };
}

/**
 * The usual inventory_levels/update: the item, the location and the level are known. Locks the
 * level and returns the ids and the quantity it holds, in one round trip; null when any of the
 * three is not stored yet (the caller then creates what is missing).
 */
export async function lockKnownLevel(
  db: RawDb,
  shopId: number,
  itemShopifyId: bigint,
  locationShopifyId: bigint,
  name: string,
): Promise<{ itemId: number; locationId: number; quantity: number } | null> {
  const rows = await db.$queryRaw<{ itemId: number; locationId: number; quantity: number }[]>`
    SELECT v."itemId", v."locationId", v.quantity FROM "inventory_levels" v
    JOIN "inventory_items" i ON i.id = v."itemId" AND i."shopId" = ${shopId} AND i."shopifyId" = ${itemShopifyId}
    JOIN "locations" l ON l.id = v."locationId" AND l."shopId" = ${shopId} AND l."shopifyId" = ${locationShopifyId}
    WHERE v."shopId" = ${shopId} AND v.name = ${name}
    FOR UPDATE OF v`;
  return rows[0] ?? null;
}

/**
 * inventory_levels/disconnect: the item is no longer stocked at the location. Every quantity
 * there becomes 0 (the rows stay, so their timestamps keep guarding against older updates).
 */
export async function disconnectLevels(db: RawDb, shopId: number, itemId: number, locationId: number, at: Date): Promise<boolean> {
  const { wrote } = await upsertLevelGuarded(db, shopId, { itemId, locationId, name: "available", quantity: 0, updatedAt: at });
  if (!wrote) return false;
  await db.$executeRaw`
    UPDATE inventory_levels SET quantity = 0, "shopifyUpdatedAt" = ${at}, "updatedAt" = now()
    WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND "locationId" = ${locationId}
      AND ("shopifyUpdatedAt" IS NULL OR "shopifyUpdatedAt" <= ${at})`;
  return true;
}

export function getLevel(db: Db, shopId: number, itemId: number, locationId: number, name: string) {
  return db.inventoryLevel.findUnique({ where: { shopId_itemId_locationId_name: { shopId, itemId, locationId, name } } });
}

/** Items with any level at a location (recomputed when the location's status changes). */
export async function itemIdsAtLocation(db: Db, shopId: number, locationId: number): Promise<number[]> {
  const rows = await db.inventoryLevel.findMany({ where: { shopId, locationId }, select: { itemId: true }, distinct: ["itemId"] });
  return rows.map((r) => r.itemId);
}
