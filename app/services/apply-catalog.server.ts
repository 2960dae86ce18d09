import {
  linkOrphanLines,
  markItemDeleted,
  markLocationDeleted,
  setLocationActive,
  unchangedProduct,
  upsertInventoryItem,
  upsertLocation,
  upsertProduct,
  type ProductInput,
} from "../models/catalog.server";
import type { RawDb } from "../raw-db.server";
import { itemIdsAtLocation } from "../models/inventory.server";
import { eventTime, nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";
import type { InventoryItemPayload, LocationPayload, ProductPayload } from "./apply-payloads.server";

/** products/update, inventory_items/*, locations/*: catalogue and location rows. */

const productInput = (p: ProductPayload): ProductInput => ({
  shopifyId: p.id,
  title: p.title,
  vendor: p.vendor,
  productType: p.product_type,
  status: p.status,
  tags: p.tags,
  updatedAt: p.updated_at,
  variants: p.variants.map((v) => ({ shopifyId: v.id, sku: v.sku, title: v.title, inventoryItemShopifyId: v.inventory_item_id })),
});

const UNCHANGED = "no availability input changed";
const STALE = "stale: the stored product is newer";

export async function applyProduct(ctx: ApplyContext, p: ProductPayload): Promise<ApplyResult> {
  const res = await upsertProduct(ctx.tx, ctx.shop.id, productInput(p));
  if (!res.applied) return nothing(STALE);
  // Same variants, same items, same SKUs: no order line can newly match one of them.
  if (res.unchanged) return nothing(UNCHANGED);
  const skus = new Map(p.variants.map((v) => [v.inventory_item_id?.toString(), v.sku]));
  const items = await ctx.tx.inventoryItem.findMany({ where: { shopId: ctx.shop.id, id: { in: res.itemIds } }, select: { id: true, shopifyId: true } });
  const linked = await linkOrphanLines(ctx.tx, ctx.shop.id, items.map((i) => ({ id: i.id, sku: skus.get(i.shopifyId.toString()) ?? null })));
  const itemIds = [...new Set([...res.changedItemIds, ...linked])];
  return itemIds.length ? { itemIds } : nothing(UNCHANGED);
}

/**
 * products/update in a lane's batch: the update Shopify sends after every stock change, where
 * nothing we keep changed (or an older one), in SQL only. Null when the product did change (a
 * merchant's edit, rare in a sale): applyProduct applies that one on its own.
 */
export async function applyProductIfUnchanged(ctx: ApplyContext<RawDb>, p: ProductPayload): Promise<ApplyResult | null> {
  const res = await unchangedProduct(ctx.tx, ctx.shop.id, productInput(p));
  if (res === null) return null;
  return nothing(res.applied ? UNCHANGED : STALE);
}

export async function applyInventoryItem(ctx: ApplyContext, p: InventoryItemPayload): Promise<ApplyResult> {
  const before = await ctx.tx.inventoryItem.findUnique({ where: { shopId_shopifyId: { shopId: ctx.shop.id, shopifyId: p.id } } });
  const item = await upsertInventoryItem(ctx.tx, ctx.shop.id, { shopifyId: p.id, sku: p.sku, tracked: p.tracked });
  const linked = await linkOrphanLines(ctx.tx, ctx.shop.id, [{ id: item.id, sku: item.sku }]);
  const changed = !before || before.sku !== item.sku || before.tracked !== item.tracked || before.deletedAt !== null || linked.length > 0;
  return changed ? { itemIds: [item.id] } : nothing("unchanged");
}

export async function applyInventoryItemDelete(ctx: ApplyContext, p: { id: bigint }): Promise<ApplyResult> {
  const itemId = await markItemDeleted(ctx.tx, ctx.shop.id, p.id, eventTime(ctx.delivery));
  return itemId === null ? nothing("unknown inventory item") : { itemIds: [itemId] };
}

/** locations/create|update: name and active flag. Items stocked there are recomputed when the flag changes. */
export async function applyLocation(ctx: ApplyContext, p: LocationPayload): Promise<ApplyResult> {
  const before = await ctx.tx.location.findUnique({ where: { shopId_shopifyId: { shopId: ctx.shop.id, shopifyId: p.id } } });
  const loc = await upsertLocation(ctx.tx, ctx.shop.id, { shopifyId: p.id, name: p.name, isActive: p.active });
  if (before && before.isActive === loc.isActive && before.deletedAt === null) return nothing("no availability input changed");
  return { itemIds: await itemIdsAtLocation(ctx.tx, ctx.shop.id, loc.id) };
}

export function locationActivation(isActive: boolean) {
  return async (ctx: ApplyContext, p: LocationPayload): Promise<ApplyResult> => {
    const loc = await setLocationActive(ctx.tx, ctx.shop.id, p.id, isActive);
    return { itemIds: await itemIdsAtLocation(ctx.tx, ctx.shop.id, loc.id) };
  };
}

export async function applyLocationDelete(ctx: ApplyContext, p: { id: bigint }): Promise<ApplyResult> {
  const locationId = await markLocationDeleted(ctx.tx, ctx.shop.id, p.id, eventTime(ctx.delivery));
  return locationId === null ? nothing("unknown location") : { itemIds: await itemIdsAtLocation(ctx.tx, ctx.shop.id, locationId) };
}
