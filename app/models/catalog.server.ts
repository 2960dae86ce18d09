import { Prisma } from "@prisma/client";
import type { RawDb } from "../raw-db.server";
import { lockEntity } from "./entity-lock.server";

/**
 * Locations, products, variants and inventory items, always scoped by shop. Webhooks arrive in
 * any order, so a level or order line may name an item or location we have not seen yet: those are
 * created as minimal rows (`ensure*`) that the catalogue webhooks and the sync fill in later.
 */

type Db = Prisma.TransactionClient;

/** The location's row id, creating a placeholder ("Location <id>", a facility) if unknown. */
export async function ensureLocation(db: RawDb, shopId: number, shopifyId: bigint): Promise<number> {
  // One round trip for the usual case (known, or new). Zero rows only when another transaction
  // inserted it concurrently (our statement's snapshot predates its commit): read it again.
  const rows = await db.$queryRaw<{ id: number }[]>`
    WITH ins AS (
      INSERT INTO "locations" ("shopId", "shopifyId", "name", "updatedAt")
      VALUES (${shopId}, ${shopifyId}, ${`Location ${shopifyId}`}, now())
      ON CONFLICT ("shopId", "shopifyId") DO NOTHING
      RETURNING id)
    SELECT id FROM ins UNION ALL SELECT id FROM "locations" WHERE "shopId" = ${shopId} AND "shopifyId" = ${shopifyId} LIMIT 1`;
  return rows[0]?.id ?? committedId(db, "locations", shopId, shopifyId);
}

/** The row a concurrent transaction inserted after our statement's snapshot: a new statement sees it. */
async function committedId(db: RawDb, table: "locations" | "inventory_items", shopId: number, shopifyId: bigint): Promise<number> {
  const rows = await db.$queryRaw<{ id: number }[]>`SELECT id FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shopId} AND "shopifyId" = ${shopifyId}`;
  if (!rows[0]) throw new Error(`${table}: no row for Shopify id ${shopifyId} in shop ${shopId}`);
  return rows[0].id;
}

export async function findLocationId(db: Db, shopId: number, shopifyId: bigint): Promise<number | null> {
  const row = await db.location.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { id: true } });
  return row?.id ?? null;
}

export async function upsertLocation(db: Db, shopId: number, loc: { shopifyId: bigint; name: string; isActive?: boolean | null }) {
  const data = { name: loc.name, ...(loc.isActive == null ? {} : { isActive: loc.isActive }), deletedAt: null };
  return db.location.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId: loc.shopifyId } },
    create: { shopId, shopifyId: loc.shopifyId, ...data },
    update: data,
  });
}

export async function setLocationActive(db: Db, shopId: number, shopifyId: bigint, isActive: boolean) {
  await ensureLocation(db, shopId, shopifyId);
  return db.location.update({ where: { shopId_shopifyId: { shopId, shopifyId } }, data: { isActive } });
}

/** A deleted location keeps its row (history points at it) but sells nothing. */
export async function markLocationDeleted(db: Db, shopId: number, shopifyId: bigint, at: Date) {
  await db.location.updateMany({ where: { shopId, shopifyId }, data: { deletedAt: at, isActive: false } });
  const row = await db.location.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { id: true } });
  return row?.id ?? null;
}

/** The item's row id, creating a bare item (no variant yet) if unknown. */
export async function ensureItem(db: RawDb, shopId: number, shopifyId: bigint): Promise<number> {
  // As ensureLocation: one round trip unless a concurrent insert hides the row from our snapshot.
  const rows = await db.$queryRaw<{ id: number }[]>`
    WITH ins AS (
      INSERT INTO "inventory_items" ("shopId", "shopifyId", "updatedAt")
      VALUES (${shopId}, ${shopifyId}, now())
      ON CONFLICT ("shopId", "shopifyId") DO NOTHING
      RETURNING id)
    SELECT id FROM ins UNION ALL SELECT id FROM "inventory_items" WHERE "shopId" = ${shopId} AND "shopifyId" = ${shopifyId} LIMIT 1`;
  return rows[0]?.id ?? committedId(db, "inventory_items", shopId, shopifyId);
}

export async function findItemId(db: Db, shopId: number, shopifyId: bigint): Promise<number | null> {
  const row = await db.inventoryItem.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId } }, select: { id: true } });
  return row?.id ?? null;
}

export async function upsertInventoryItem(db: Db, shopId: number, item: { shopifyId: bigint; sku: string | null; tracked: boolean | null }) {
  const id = await ensureItem(db, shopId, item.shopifyId);
  return db.inventoryItem.update({
    where: { id },
    data: { deletedAt: null, ...(item.sku != null ? { sku: item.sku } : {}), ...(item.tracked != null ? { tracked: item.tracked } : {}) },
  });
}

export async function markItemDeleted(db: Db, shopId: number, shopifyId: bigint, at: Date): Promise<number | null> {
  await db.inventoryItem.updateMany({ where: { shopId, shopifyId }, data: { deletedAt: at } });
  return findItemId(db, shopId, shopifyId);
}

/**
 * Resolves order lines to inventory items: by variant (the variant's item), then by SKU.
 * Returns item row ids keyed by the input index; null when the catalogue does not know it yet.
 */
export async function resolveLineItems(db: RawDb, shopId: number, lines: { variantShopifyId: bigint | null; sku: string | null }[]): Promise<(number | null)[]> {
  const variantIds = [...new Set(lines.flatMap((l) => (l.variantShopifyId === null ? [] : [l.variantShopifyId])))];
  const skus = [...new Set(lines.flatMap((l) => (l.sku ? [l.sku] : [])))];
  if (variantIds.length === 0 && skus.length === 0) return lines.map(() => null);
  // Both lookups in one round trip: each variant's item, and the live items of each SKU (lowest id first).
  const rows = await db.$queryRaw<{ variantShopifyId: bigint | null; sku: string | null; id: number }[]>`
    SELECT v."shopifyId" AS "variantShopifyId", NULL::text AS sku, i.id
    FROM variants v JOIN inventory_items i ON i."variantId" = v.id AND i."shopId" = v."shopId"
    WHERE v."shopId" = ${shopId} AND v."shopifyId" = ANY(${variantIds}::bigint[])
    UNION ALL
    SELECT NULL, i.sku, i.id FROM inventory_items i
    WHERE i."shopId" = ${shopId} AND i.sku = ANY(${skus}::text[]) AND i."deletedAt" IS NULL
    ORDER BY 3`;
  const byVariant = new Map(rows.flatMap((r) => (r.variantShopifyId !== null ? [[r.variantShopifyId, r.id] as const] : [])));
  const bySku = new Map<string, number>();
  for (const r of rows) if (r.sku !== null && !bySku.has(r.sku)) bySku.set(r.sku, r.id);
  return lines.map((l) => (l.variantShopifyId !== null ? byVariant.get(l.variantShopifyId) : undefined) ?? (l.sku ? bySku.get(l.sku) : undefined) ?? null);
}

export interface ProductInput {
  shopifyId: bigint;
  title: string;
  vendor: string | null;
  productType: string | null;
  status: string | null;
  tags: string[];
  updatedAt: Date;
  variants: { shopifyId: bigint; sku: string | null; title: string | null; inventoryItemShopifyId: bigint | null }[];
}

export type ProductUpsert = { applied: false } | { applied: true; itemIds: number[]; changedItemIds: number[]; unchanged?: boolean };

/**
 * products/update: product, variants and their items, guarded by the product's updated_at.
 * `changedItemIds` are the items whose availability inputs changed (vendor, tags, type, status,
 * SKU, a variant added or removed): only those need a recompute, so the products/update Shopify
 * sends after every stock change costs nothing.
 */
export async function upsertProduct(db: Db, shopId: number, p: ProductInput): Promise<ProductUpsert> {
  const same = await unchangedProduct(db, shopId, p);
  if (same) return same;
  // Two updates of one product applied side by side: the older must see the newer, not overwrite it.
  await lockEntity(db, "product", shopId, p.shopifyId);
  const existing = await db.product.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: p.shopifyId } },
    include: { variants: { include: { inventoryItem: { select: { id: true, sku: true, shopifyId: true } } } } },
  });
  if (existing?.shopifyUpdatedAt && existing.shopifyUpdatedAt > p.updatedAt) return { applied: false };
  const header = {
    title: p.title,
    vendor: p.vendor,
    productType: p.productType,
    status: p.status,
    tags: p.tags,
    shopifyUpdatedAt: p.updatedAt,
    deletedAt: null,
  };
  const headerChanged =
    !existing ||
    existing.vendor !== p.vendor ||
    existing.productType !== p.productType ||
    existing.status !== p.status ||
    existing.tags.join("\u0000") !== p.tags.join("\u0000");
  const unchanged = existing !== null && !headerChanged && existing.title === p.title && existing.deletedAt === null;
  // Shopify sends products/update after every stock change: when nothing we keep changed, only
  // the timestamp moves (one short statement, so hot products do not queue on their row).
  const product = unchanged
    ? existing
    : existing
      ? await db.product.update({ where: { id: existing.id }, data: header })
      : await db.product.create({ data: { shopId, shopifyId: p.shopifyId, ...header } });
  if (unchanged) await touchProduct(db, shopId, existing.id, p.updatedAt);

  const itemIds: number[] = [];
  const changed = new Set<number>();
  const seen = new Set<bigint>();
  for (const v of p.variants) {
    seen.add(v.shopifyId);
    const before = existing?.variants.find((x) => x.shopifyId === v.shopifyId);
    // Shopify sends products/update after every stock change: leave untouched variants alone.
    if (
      before &&
      before.deletedAt === null &&
      before.sku === v.sku &&
      before.title === v.title &&
      before.inventoryItem &&
      before.inventoryItem.shopifyId === v.inventoryItemShopifyId &&
      (v.sku === null || before.inventoryItem.sku === v.sku)
    ) {
      itemIds.push(before.inventoryItem.id);
      if (headerChanged) changed.add(before.inventoryItem.id);
      continue;
    }
    const variant = await db.variant.upsert({
      where: { shopId_shopifyId: { shopId, shopifyId: v.shopifyId } },
      create: { shopId, productId: product.id, shopifyId: v.shopifyId, sku: v.sku, title: v.title },
      update: { productId: product.id, sku: v.sku, title: v.title, deletedAt: null },
    });
    if (v.inventoryItemShopifyId === null) continue;
    const itemId = await ensureItem(db, shopId, v.inventoryItemShopifyId);
    // variantId is unique: release it from any other item first (an item replaced on the variant).
    await db.inventoryItem.updateMany({ where: { shopId, variantId: variant.id, NOT: { id: itemId } }, data: { variantId: null } });
    await db.inventoryItem.update({ where: { id: itemId }, data: { variantId: variant.id, ...(v.sku ? { sku: v.sku } : {}) } });
    itemIds.push(itemId);
    if (headerChanged || !before || before.sku !== v.sku || before.inventoryItem?.id !== itemId || before.deletedAt !== null) changed.add(itemId);
  }
  for (const gone of existing?.variants.filter((v) => !seen.has(v.shopifyId) && v.deletedAt === null) ?? []) {
    await db.variant.update({ where: { id: gone.id }, data: { deletedAt: p.updatedAt } });
    if (gone.inventoryItem) changed.add(gone.inventoryItem.id);
  }
  return { applied: true, itemIds, changedItemIds: [...changed] };
}

/**
 * The products/update Shopify sends after every stock change, in one statement: when nothing we
 * keep differs (header, and exactly the same live variants with the same items), only the
 * timestamp moves, without the product's lock (a timestamp that only moves forward needs none).
 * Null when something differs or the product is new: the full upsert decides.
 */
export async function unchangedProduct(db: RawDb, shopId: number, p: ProductInput): Promise<ProductUpsert | null> {
  const v = p.variants;
  const rows = await db.$queryRaw<{ id: number; stale: boolean; same: boolean; itemIds: number[] }[]>`
    WITH p AS (
      SELECT * FROM products WHERE "shopId" = ${shopId} AND "shopifyId" = ${p.shopifyId}),
    incoming AS (
      SELECT * FROM unnest(${v.map((x) => x.shopifyId)}::bigint[], ${v.map((x) => x.sku)}::text[], ${v.map((x) => x.title)}::text[],
                           ${v.map((x) => x.inventoryItemShopifyId)}::bigint[]) AS t("shopifyId", sku, title, "itemShopifyId")),
    matched AS (
      SELECT i.id FROM incoming t
      JOIN p ON true
      JOIN variants va ON va."shopId" = ${shopId} AND va."shopifyId" = t."shopifyId" AND va."productId" = p.id AND va."deletedAt" IS NULL
        AND va.sku IS NOT DISTINCT FROM t.sku AND va.title IS NOT DISTINCT FROM t.title
      JOIN inventory_items i ON i."shopId" = ${shopId} AND i."variantId" = va.id AND i."shopifyId" = t."itemShopifyId"
        AND (t.sku IS NULL OR i.sku = t.sku))
    SELECT p.id,
      coalesce(p."shopifyUpdatedAt" > ${p.updatedAt}, false) AS stale,
      (p."deletedAt" IS NULL AND p.title = ${p.title} AND p.vendor IS NOT DISTINCT FROM ${p.vendor}
        AND p."productType" IS NOT DISTINCT FROM ${p.productType} AND p.status IS NOT DISTINCT FROM ${p.status} AND p.tags = ${p.tags}::text[]
        AND (SELECT count(*) FROM matched) = ${v.length}
        AND (SELECT count(*) FROM variants va WHERE va."shopId" = ${shopId} AND va."productId" = p.id AND va."deletedAt" IS NULL) = ${v.length}) AS same,
      coalesce((SELECT array_agg(id ORDER BY id) FROM matched), '{}') AS "itemIds"
    FROM p`;
  const r = rows[0];
  if (!r) return null;
  if (r.stale) return { applied: false };
  if (!r.same) return null;
  await touchProduct(db, shopId, r.id, p.updatedAt);
  return { applied: true, itemIds: r.itemIds, changedItemIds: [], unchanged: true };
}

/** Only the product's timestamp moves (forward only, so it needs no lock). */
async function touchProduct(db: RawDb, shopId: number, productId: number, updatedAt: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE products SET "shopifyUpdatedAt" = ${updatedAt}, "updatedAt" = now()
    WHERE id = ${productId} AND "shopId" = ${shopId} AND ("shopifyUpdatedAt" IS NULL OR "shopifyUpdatedAt" < ${updatedAt})`;
}

/** Order lines stored before their item was known: link them by SKU now that it is. */
export async function linkOrphanLines(db: Db, shopId: number, items: { id: number; sku: string | null }[]): Promise<number[]> {
  const withSku = items.filter((i): i is { id: number; sku: string } => Boolean(i.sku));
  if (withSku.length === 0) return [];
  const rows = await db.$queryRaw<{ itemId: number }[]>`
    UPDATE order_lines l SET "itemId" = t.id, "updatedAt" = now()
    FROM unnest(${withSku.map((i) => i.id)}::int[], ${withSku.map((i) => i.sku)}::text[]) AS t(id, sku)
    WHERE l."shopId" = ${shopId} AND l."itemId" IS NULL AND l.sku = t.sku
    RETURNING l."itemId"`;
  return [...new Set(rows.map((r) => r.itemId))];
}
