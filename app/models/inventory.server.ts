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

/** Units fulfillment orders moved to a location took from its `available`, per item. */
export interface MovedUnits {
  itemId: number;
  locationId: number;
  units: number;
  /** The earliest and the latest of those moves, on Shopify's clock (the moved fulfillment orders' updatedAt). */
  first: Date;
  last: Date;
}

/**
 * A fulfillment order moved to a facility takes its units from the facility's `available` (they
 * are committed there now). Our copy follows by arithmetic instead of a Shopify read where the
 * stored level is older than the moves (Shopify's updated_at before the first of them): the units
 * are taken off and the timestamp kept, so Shopify's own reading, the inventory_levels/update the
 * move causes, still replaces it when it arrives. A level stored after the last move already
 * reflects it (its webhook came first): left as it is. One stored at a time within the moves
 * cannot be told apart (Shopify's timestamps have whole seconds), and a level we do not have
 * cannot be taken from: both are returned, for the caller to read. Call inside a transaction: the
 * rows are locked in the order a lane batch takes them (item, then location, by Shopify id).
 */
export async function takeMovedUnits(db: Db, shopId: number, moved: MovedUnits[]): Promise<MovedUnits[]> {
  if (moved.length === 0) return [];
  const rows = await db.$queryRaw<{ id: number; itemId: number; locationId: number; at: Date | null }[]>`
    SELECT v.id, v."itemId", v."locationId", v."shopifyUpdatedAt" AS at
    FROM inventory_levels v
    JOIN inventory_items i ON i.id = v."itemId" AND i."shopId" = ${shopId}
    JOIN locations l ON l.id = v."locationId" AND l."shopId" = ${shopId}
    JOIN unnest(${moved.map((m) => m.itemId)}::int[], ${moved.map((m) => m.locationId)}::int[]) AS t("itemId", "locationId")
      ON t."itemId" = v."itemId" AND t."locationId" = v."locationId"
    WHERE v."shopId" = ${shopId} AND v.name = 'available'
    ORDER BY i."shopifyId", l."shopifyId"
    FOR UPDATE OF v`;
  const stored = new Map(rows.map((r) => [`${r.itemId} ${r.locationId}`, r]));
  const unsure: MovedUnits[] = [];
  const updates: { id: number; units: number }[] = [];
  for (const m of moved) {
    const row = stored.get(`${m.itemId} ${m.locationId}`);
    if (!row) unsure.push(m);
    else if (row.at === null || row.at.getTime() < m.first.getTime()) updates.push({ id: row.id, units: m.units });
    else if (row.at.getTime() <= m.last.getTime()) unsure.push(m);
  }
  if (updates.length > 0) {
    await db.$executeRaw`
      UPDATE inventory_levels v SET quantity = v.quantity - t.units, "updatedAt" = now()
      FROM unnest(${updates.map((u) => u.id)}::int[], ${updates.map((u) => u.units)}::int[]) AS t(id, units)
      WHERE v.id = t.id AND v."shopId" = ${shopId}`;
  }
  return unsure;
}
