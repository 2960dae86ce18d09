import { ensureItem, ensureLocation } from "../models/catalog.server";
import { disconnectLevels, lockKnownLevel, upsertLevelGuarded } from "../models/inventory.server";
import type { RawDb } from "../raw-db.server";
import { eventTime, nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";
import type { InventoryLevelPayload } from "./apply-payloads.server";

/**
 * inventory_levels/update|connect|disconnect. The webhook carries `available` only; the other
 * quantity names come from the sync and reconciliation. A level older than the stored one is
 * ignored. A level equal to the one stored changes nothing and triggers no recompute: that is how
 * our own writes come back (the push records what it wrote before Shopify's echo arrives), so
 * pushes do not loop. Equality with what we last pushed is NOT the test: stock that returns to
 * the pushed value after a sale (an Amazon order moved off the channel location) is a real
 * change, and skipping it would leave Shopify showing the old number.
 */
export async function applyLevel(ctx: ApplyContext<RawDb>, p: InventoryLevelPayload): Promise<ApplyResult> {
  const { tx, shop } = ctx;
  // Usually all three are known: found and locked in one round trip instead of three.
  const known = p.available === null ? null : await lockKnownLevel(tx, shop.id, p.inventory_item_id, p.location_id, "available");
  const itemId = known?.itemId ?? (await ensureItem(tx, shop.id, p.inventory_item_id));
  const locationId = known?.locationId ?? (await ensureLocation(tx, shop.id, p.location_id));
  const at = eventTime(ctx.delivery, p.updated_at);
  if (p.available === null) return nothing("no available quantity in the payload");
  const level = { itemId, locationId, name: "available", quantity: p.available, updatedAt: at };
  const { wrote, previous } = await upsertLevelGuarded(tx, shop.id, level, known ?? undefined);
  if (!wrote) return nothing("stale: the stored level is newer");
  if (previous === p.available) return nothing("unchanged: equals the stored level (our own write coming back, or a repeat)");
  return { itemIds: [itemId] };
}

/** inventory_levels/disconnect: the item is no longer stocked there; nothing can sell from it. */
export async function applyDisconnect(ctx: ApplyContext<RawDb>, p: InventoryLevelPayload): Promise<ApplyResult> {
  const { tx, shop } = ctx;
  const itemId = await ensureItem(tx, shop.id, p.inventory_item_id);
  const locationId = await ensureLocation(tx, shop.id, p.location_id);
  const wrote = await disconnectLevels(tx, shop.id, itemId, locationId, eventTime(ctx.delivery, p.updated_at));
  return wrote ? { itemIds: [itemId] } : nothing("stale: the stored level is newer");
}
