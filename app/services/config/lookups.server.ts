import type { Db } from "../../models/audit.server";
import type { FieldIssue } from "../../validation/common";

/**
 * Shop-scoped reference resolution shared by the config services: a name the user gave (SKU,
 * channel key, location id or name) becomes the app's row id, or an issue naming the field.
 */

export interface ItemRef {
  id: number;
  sku: string | null;
}

/** Items by SKU (case-sensitive, as Shopify stores it); deleted items are not found. */
export async function itemsBySku(shopId: number, skus: Iterable<string>, db: Db): Promise<Map<string, ItemRef[]>> {
  const list = [...new Set(skus)];
  const rows = list.length === 0 ? [] : await db.inventoryItem.findMany({ where: { shopId, deletedAt: null, sku: { in: list } }, select: { id: true, sku: true } });
  const out = new Map<string, ItemRef[]>();
  for (const r of rows) {
    const key = r.sku as string;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

export function resolveSku(bySku: Map<string, ItemRef[]>, sku: string, path: string, issues: FieldIssue[]): number | null {
  const found = bySku.get(sku) ?? [];
  if (found.length === 0) issues.push({ path, message: `unknown SKU "${sku}"` });
  else if (found.length > 1) issues.push({ path, message: `SKU "${sku}" names ${found.length} variants; use the item id` });
  else return found[0].id;
  return null;
}

export async function itemExists(shopId: number, itemId: number, db: Db): Promise<boolean> {
  return (await db.inventoryItem.count({ where: { shopId, id: itemId, deletedAt: null } })) === 1;
}

export async function channelKeyMap(shopId: number, db: Db): Promise<Map<string, number>> {
  const rows = await db.channel.findMany({ where: { shopId, archivedAt: null }, select: { id: true, key: true } });
  return new Map(rows.map((r) => [r.key, r.id]));
}

export interface LocationRef {
  id: number;
  shopifyId: bigint;
  name: string;
  role: "facility" | "channel";
}

export async function shopLocations(shopId: number, db: Db): Promise<LocationRef[]> {
  return db.location.findMany({ where: { shopId, deletedAt: null }, select: { id: true, shopifyId: true, name: true, role: true }, orderBy: { id: "asc" } });
}

/** A location named by Shopify id or exact name (what a CSV holds). */
export function resolveLocationText(locations: readonly LocationRef[], text: string, path: string, issues: FieldIssue[]): LocationRef | null {
  const byId = /^\d+$/.test(text) ? locations.find((l) => l.shopifyId === BigInt(text)) : undefined;
  const found = byId ?? locations.filter((l) => l.name === text);
  if (!Array.isArray(found)) return found;
  if (found.length === 1) return found[0];
  issues.push({ path, message: found.length === 0 ? `unknown location "${text}"` : `location name "${text}" is ambiguous; use its Shopify id` });
  return null;
}

/** Checks `id` is one of the shop's facility locations (not a channel location). */
export function checkFacility(locations: readonly LocationRef[], id: number | null | undefined, path: string, issues: FieldIssue[]): void {
  if (id === null || id === undefined) return;
  const loc = locations.find((l) => l.id === id);
  if (!loc) issues.push({ path, message: `location ${id} is not a location of this shop` });
  else if (loc.role !== "facility") issues.push({ path, message: `location "${loc.name}" is a channel location, not a facility` });
}

/** "Crew Tee Black – M"; a product's only variant ("Default Title") is the product itself. */
export function variantLabel(productTitle: string | null | undefined, variantTitle: string | null | undefined, sku: string | null): string {
  const v = variantTitle && variantTitle !== "Default Title" ? variantTitle : null;
  if (productTitle && v) return `${productTitle} – ${v}`;
  return productTitle ?? v ?? sku ?? "Variant without a title";
}

/** What a merchant calls each item: its product and variant title, and its SKU. */
export async function itemNames(shopId: number, itemIds: Iterable<number>, db: Db): Promise<Map<number, { title: string; sku: string | null }>> {
  const ids = [...new Set(itemIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.inventoryItem.findMany({
    where: { shopId, id: { in: ids } },
    select: { id: true, sku: true, variant: { select: { title: true, sku: true, product: { select: { title: true } } } } },
  });
  return new Map(rows.map((r) => {
    const sku = r.sku ?? r.variant?.sku ?? null;
    return [r.id, { title: variantLabel(r.variant?.product.title, r.variant?.title, sku), sku }];
  }));
}
