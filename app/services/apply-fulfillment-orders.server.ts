import type { Prisma, PrismaClient } from "@prisma/client";
import type { AdminClient } from "../shopify/client";
import { fulfillmentOrderPlacement, type Placement } from "../shopify/operations/fulfillment-order-placement";
import { ensureLocation } from "../models/catalog.server";
import { lockOrder, setLineLocations } from "../models/orders.server";
import { consumeOwnMove, findOwnMove, type RecordedMove } from "../models/routing.server";
import { nothing, type ApplyContext, type ApplyResult } from "./apply-context.server";
import type { FulfillmentOrderMovedPayload } from "./apply-payloads.server";

/**
 * fulfillment_orders/moved names fulfillment orders and locations, not the order or its lines.
 * A move the app makes itself is recorded just before it is made (routeChannelOrders), with the
 * lines it carries, and is recognised here by its moved fulfillment order, source and
 * destination: applied from that record, no Shopify call. For any other move (the merchant's)
 * the worker asks Shopify (before the transaction) where every line of that order is assigned
 * now, and stores that. A line split over several open fulfillment orders is assigned to the
 * location holding most of its remaining units (our schema keeps one location per line).
 */

const gidNumber = (gid: string) => BigInt(gid.replace(/^gid:\/\/shopify\/\w+\/(\d+).*$/, "$1"));

export type MovedPrefetch = { kind: "own"; move: RecordedMove } | { kind: "placement"; placement: Placement | null };

export async function fetchPlacement(admin: AdminClient, p: FulfillmentOrderMovedPayload): Promise<Placement | null> {
  return fulfillmentOrderPlacement(admin, `gid://shopify/FulfillmentOrder/${p.moved_fulfillment_order.id}`);
}

/** Our own move if the payload matches one we recorded (no Shopify call), else Shopify's placement. */
export async function prefetchMoved(
  db: PrismaClient | Prisma.TransactionClient,
  shopId: number,
  admin: () => AdminClient,
  p: FulfillmentOrderMovedPayload,
): Promise<MovedPrefetch> {
  // Payloads from before 2023-04 carry no source_location: those always ask.
  if (p.source_location) {
    const own = await findOwnMove(db, shopId, {
      fulfillmentOrderShopifyId: p.moved_fulfillment_order.id,
      sourceShopifyId: p.source_location.id,
      destinationShopifyId: p.destination_location_id,
    });
    if (own) return { kind: "own", move: own };
  }
  return { kind: "placement", placement: await fetchPlacement(admin(), p) };
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

export async function applyFulfillmentOrderMoved(ctx: ApplyContext, _p: FulfillmentOrderMovedPayload, prefetched: MovedPrefetch): Promise<ApplyResult> {
  if (prefetched.kind === "own") return applyOwnMove(ctx, prefetched.move);
  const placement = prefetched.placement;
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

/**
 * Our own move: its lines go to the destination unless they are somewhere else already (routing
 * assigned them, or a newer move applied first: deliveries are unordered). No recompute from here:
 * routing requests it once it has re-read the levels the move changed, and the move's
 * inventory_levels/update webhooks request it too. One webhook per record.
 */
async function applyOwnMove(ctx: ApplyContext, move: RecordedMove): Promise<ApplyResult> {
  await consumeOwnMove(ctx.tx, ctx.shop.id, move.id);
  const order = await lockOrder(ctx.tx, ctx.shop.id, move.orderShopifyId);
  if (!order) return nothing(`our own move of order ${move.orderShopifyId}, which is no longer stored`);
  const source = await ensureLocation(ctx.tx, ctx.shop.id, move.sourceShopifyId);
  const destination = await ensureLocation(ctx.tx, ctx.shop.id, move.destinationShopifyId);
  const { count } = await ctx.tx.orderLine.updateMany({
    where: { shopId: ctx.shop.id, orderId: order.id, id: { in: move.lineIds }, OR: [{ assignedLocationId: null }, { assignedLocationId: source }] },
    data: { assignedLocationId: destination },
  });
  if (count === 0) return nothing(`our own move (order ${move.orderShopifyId}): lines already assigned by routing`);
  return nothing(`our own move (order ${move.orderShopifyId}): ${count} line(s) assigned ahead of routing`);
}
