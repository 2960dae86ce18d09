import type { AdminClient } from "../shopify/client";
import { fulfillmentOrderPlacement, type Placement } from "../shopify/operations/fulfillment-order-placement";
import { ensureLocation } from "../models/catalog.server";
import { lockOrder, setLineLocations } from "../models/orders.server";
import { nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";
import type { FulfillmentOrderMovedPayload } from "./apply-payloads.server";

/**
 * fulfillment_orders/moved names fulfillment orders and locations, not the order or its lines, so
 * the worker asks Shopify (before the transaction) where every line of that order is assigned now,
 * and stores that. A line split over several open fulfillment orders is assigned to the location
 * holding most of its remaining units (our schema keeps one location per line).
 */

const gidNumber = (gid: string) => BigInt(gid.replace(/^gid:\/\/shopify\/\w+\/(\d+).*$/, "$1"));

export async function fetchPlacement(admin: AdminClient, p: FulfillmentOrderMovedPayload): Promise<Placement | null> {
  return fulfillmentOrderPlacement(admin, `gid://shopify/FulfillmentOrder/${p.moved_fulfillment_order.id}`);
}

/** Line item id → location id (Shopify) with the most remaining units in open fulfillment orders. */
export function placementByLine(placement: Placement): Map<string, bigint> {
  const best = new Map<string, { location: bigint; remaining: number }>();
  for (const fo of placement.fulfillmentOrders) {
    if (!fo.locationGid || !["OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD"].includes(fo.status)) continue;
    for (const l of fo.lines) {
      if (l.remainingQuantity <= 0) continue;
      const line = gidNumber(l.lineItemGid).toString();
      const current = best.get(line);
      if (!current || l.remainingQuantity > current.remaining) best.set(line, { location: gidNumber(fo.locationGid), remaining: l.remainingQuantity });
    }
  }
  return new Map([...best].map(([line, v]) => [line, v.location]));
}

export async function applyFulfillmentOrderMoved(ctx: ApplyContext, _p: FulfillmentOrderMovedPayload, placement: Placement | null): Promise<ApplyResult> {
  if (!placement) return nothing("Shopify no longer knows the fulfillment order");
  const order = await lockOrder(ctx.tx, ctx.shop.id, gidNumber(placement.orderGid));
  if (!order) return nothing(`order ${gidNumber(placement.orderGid)} not stored yet: the sync or its order webhook will place it`);
  const wanted = placementByLine(placement);
  const assignments: { lineShopifyId: string; locationId: number }[] = [];
  const itemIds = new Set<number>();
  for (const line of order.lines) {
    const shopifyLocation = wanted.get(line.shopifyId);
    if (shopifyLocation === undefined) continue;
    const locationId = await ensureLocation(ctx.tx, ctx.shop.id, shopifyLocation);
    if (locationId === line.assignedLocationId) continue;
    assignments.push({ lineShopifyId: line.shopifyId, locationId });
    if (line.itemId !== null) itemIds.add(line.itemId);
  }
  await setLineLocations(ctx.tx, ctx.shop.id, assignments);
  return assignments.length ? { itemIds: [...itemIds] } : nothing("lines already at their locations");
}
