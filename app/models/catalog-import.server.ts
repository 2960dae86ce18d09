import type { Db } from "./audit.server";

/**
 * Bulk upserts for the initial/full sync: one statement per table per chunk instead of one per
 * row (a 100,000-variant shop is 300,000 rows). Rows are passed as one JSON parameter. Every
 * statement is scoped by shopId; a row Shopify still returns is undeleted.
 */

export interface ProductRow {
  shopifyId: bigint;
  title: string;
  vendor: string | null;
  productType: string | null;
  status: string | null;
  tags: string[];
  collections: string[];
  updatedAt: string | null;
}

export interface VariantRow {
  shopifyId: bigint;
  productShopifyId: bigint;
  title: string | null;
  sku: string | null;
}

export interface ItemRow {
  shopifyId: bigint;
  variantShopifyId: bigint;
  sku: string | null;
  tracked: boolean;
}

const json = (rows: unknown[]) => JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** Returns our ids by Shopify id. Duplicate Shopify ids in `rows` are merged (last wins). */
export async function upsertProducts(db: Db, shopId: number, rows: ProductRow[]): Promise<Map<bigint, number>> {
  const unique = [...new Map(rows.map((r) => [r.shopifyId, r])).values()];
  if (unique.length === 0) return new Map();
  const out = await db.$queryRaw<{ id: number; shopifyId: bigint }[]>`
    INSERT INTO "products" ("shopId", "shopifyId", "title", "vendor", "productType", "status", "tags", "collections", "shopifyUpdatedAt", "updatedAt")
    SELECT ${shopId}, (r->>'shopifyId')::bigint, r->>'title', r->>'vendor', r->>'productType', r->>'status',
           ARRAY(SELECT jsonb_array_elements_text(r->'tags')), ARRAY(SELECT jsonb_array_elements_text(r->'collections')), replace(r->>'updatedAt', 'Z', '')::timestamp(3), now()
    FROM jsonb_array_elements(${json(unique)}::jsonb) AS r
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      "title" = EXCLUDED."title", "vendor" = EXCLUDED."vendor", "productType" = EXCLUDED."productType", "status" = EXCLUDED."status",
      "tags" = EXCLUDED."tags", "collections" = EXCLUDED."collections", "shopifyUpdatedAt" = coalesce(EXCLUDED."shopifyUpdatedAt", "products"."shopifyUpdatedAt"),
      "deletedAt" = NULL, "updatedAt" = now()
    RETURNING "id", "shopifyId"`;
  return new Map(out.map((r) => [BigInt(r.shopifyId), r.id]));
}

export async function upsertVariants(db: Db, shopId: number, rows: VariantRow[], productIds: Map<bigint, number>): Promise<Map<bigint, number>> {
  const unique = [...new Map(rows.map((r) => [r.shopifyId, { ...r, productId: productIds.get(r.productShopifyId) }])).values()].filter(
    (r) => r.productId !== undefined,
  );
  if (unique.length === 0) return new Map();
  const out = await db.$queryRaw<{ id: number; shopifyId: bigint }[]>`
    INSERT INTO "variants" ("shopId", "productId", "shopifyId", "title", "sku", "updatedAt")
    SELECT ${shopId}, (r->>'productId')::int, (r->>'shopifyId')::bigint, r->>'title', r->>'sku', now()
    FROM jsonb_array_elements(${json(unique)}::jsonb) AS r
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      "productId" = EXCLUDED."productId", "title" = EXCLUDED."title", "sku" = EXCLUDED."sku", "deletedAt" = NULL, "updatedAt" = now()
    RETURNING "id", "shopifyId"`;
  return new Map(out.map((r) => [BigInt(r.shopifyId), r.id]));
}

export async function upsertItems(db: Db, shopId: number, rows: ItemRow[], variantIds: Map<bigint, number>): Promise<Map<bigint, number>> {
  const unique = [...new Map(rows.map((r) => [r.shopifyId, { ...r, variantId: variantIds.get(r.variantShopifyId) ?? null }])).values()];
  if (unique.length === 0) return new Map();
  // variantId is unique: free it from any other item of this shop first (a variant re-linked in Shopify).
  await db.$executeRaw`
    UPDATE "inventory_items" SET "variantId" = NULL, "updatedAt" = now()
    WHERE "shopId" = ${shopId} AND "variantId" = ANY(${unique.map((r) => r.variantId).filter((v): v is number => v !== null)}::int[])
      AND NOT ("shopifyId" = ANY(${unique.map((r) => r.shopifyId.toString())}::bigint[]))`;
  const out = await db.$queryRaw<{ id: number; shopifyId: bigint }[]>`
    INSERT INTO "inventory_items" ("shopId", "shopifyId", "variantId", "sku", "tracked", "updatedAt")
    SELECT ${shopId}, (r->>'shopifyId')::bigint, (r->>'variantId')::int, r->>'sku', (r->>'tracked')::boolean, now()
    FROM jsonb_array_elements(${json(unique)}::jsonb) AS r
    ON CONFLICT ("shopId", "shopifyId") DO UPDATE SET
      "variantId" = EXCLUDED."variantId", "sku" = EXCLUDED."sku", "tracked" = EXCLUDED."tracked", "deletedAt" = NULL, "updatedAt" = now()
    RETURNING "id", "shopifyId"`;
  return new Map(out.map((r) => [BigInt(r.shopifyId), r.id]));
}
