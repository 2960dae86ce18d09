import { classifyOrder } from "../domain/classify";
import { dayIn as dayOf } from "../lib/day";
import { classifyPreorders } from "../domain/preorder-rule";
import { applyLineDeltas, mergeOrder, type LineDelta, type MergeOutcome } from "../domain/order-state";
import { ensureLocation, resolveLineItems } from "../models/catalog.server";
import { lockOrder, loadChannelRules, publishesToLocation, saveOrder, setLineLocations, type StoredLine, type StoredOrder } from "../models/orders.server";
import type { RawDb } from "../raw-db.server";
import { nothing, type ApplyContext as AnyContext, type ApplyResult } from "./apply-context.server";

/** Orders are applied in lane batches: SQL only. */
type ApplyContext = AnyContext<RawDb>;
import type { FulfillmentPayload, OrderEditPayload, OrderPayload, RefundPayload } from "./apply-payloads.server";

/**
 * orders/*, refunds/create, fulfillments/create and orders/edited: the order's reservations.
 * Whole-order payloads merge by updated_at (domain/order-state.ts); the others are deltas applied
 * only when newer than what is stored. Decisions:
 * - open quantity = Shopify's fulfillable_quantity (0 once cancelled);
 * - due date = the ship-by date for B2B orders (note attribute `ship_by`), else the day the order
 *   was created in the shop's time zone;
 * - assigned location = `location_id` when Shopify gives one (POS sales); otherwise it stays what
 *   fulfillment_orders/moved or the sync recorded (an update without location never erases it);
 * - the channel is decided when the order is first seen and kept, so a later rule change does not
 *   move old orders between channels.
 */

const SHIP_BY_ATTRIBUTE = /^ship[ _-]?by$/i;

export function shipByOf(payload: OrderPayload): Date | null {
  const attr = payload.note_attributes.find((a) => SHIP_BY_ATTRIBUTE.test(a.name.trim()));
  const m = attr?.value != null ? String(attr.value).match(/^(\d{4}-\d{2}-\d{2})/) : null;
  if (!m) return null;
  const d = new Date(`${m[1]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The calendar day of `at` in the shop's time zone, as midnight UTC of that date. */
export function dayIn(at: Date, timeZone: string): Date {
  return new Date(`${dayOf(at, timeZone)}T00:00:00Z`);
}

function linesItemIds(lines: StoredLine[]): number[] {
  return lines.flatMap((l) => (l.itemId === null ? [] : [l.itemId]));
}

function affected(before: StoredOrder | null, after: StoredOrder): number[] {
  return [...new Set([...linesItemIds(before?.lines ?? []), ...linesItemIds(after.lines)])];
}

async function save(ctx: ApplyContext, before: StoredOrder | null, outcome: MergeOutcome<StoredOrder>): Promise<ApplyResult> {
  if (outcome.kind === "stale") return nothing("stale: the stored order is newer");
  if (outcome.kind === "unchanged") return nothing("unchanged");
  await saveOrder(ctx.tx, ctx.shop.id, outcome.state);
  return { itemIds: affected(before, outcome.state) };
}

export async function applyOrder(ctx: ApplyContext, p: OrderPayload): Promise<ApplyResult> {
  const { tx, shop } = ctx;
  const stored = await lockOrder(tx, shop.id, p.id);
  if (stored && stored.updatedAt > p.updated_at) return nothing("stale: the stored order is newer");

  const b2b = p.company !== null;
  const shipBy = shipByOf(p);
  const due = b2b && shipBy ? shipBy : dayIn(p.created_at, shop.timezone);
  const posLocationId = p.location_id === null ? null : await ensureLocation(tx, shop.id, p.location_id);
  const channelId =
    stored?.channelId ??
    classifyOrder(await loadChannelRules(tx, shop.id), {
      sourceName: p.source_name,
      appId: p.app_id === null ? null : p.app_id.toString(),
      b2b,
      posLocationId: p.location_id === null ? null : p.location_id.toString(),
      tags: p.tags,
    }).channelId;
  const itemIds = await resolveLineItems(
    tx,
    shop.id,
    p.line_items.map((l) => ({ variantShopifyId: l.variant_id, sku: l.sku })),
  );
  const storedLines = new Map(stored?.lines.map((l) => [l.shopifyId, l]));
  // REST line items carry no selling plan name, so only tags and line item properties apply here.
  const preorders = classifyPreorders(
    p.tags,
    p.line_items.map((l) => ({ properties: (l as { properties?: unknown }).properties })),
  );

  const incoming: StoredOrder = {
    shopifyId: p.id,
    name: p.name,
    channelId,
    sourceName: p.source_name,
    appId: p.app_id,
    b2b,
    tags: p.tags,
    posLocationShopifyId: p.location_id,
    closed: p.closed_at !== null,
    shipBy,
    test: p.test,
    preOrder: preorders.order,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
    cancelledAt: p.cancelled_at,
    lines: p.line_items.map((l, i) => {
      const before = storedLines.get(l.id.toString());
      return {
        shopifyId: l.id.toString(),
        variantShopifyId: l.variant_id?.toString() ?? null,
        sku: l.sku,
        quantity: l.quantity,
        openQuantity: l.fulfillable_quantity,
        itemId: itemIds[i] ?? before?.itemId ?? null,
        assignedLocationId: posLocationId ?? before?.assignedLocationId ?? null,
        dueDate: due,
        preOrder: preorders.lines[i],
      };
    }),
  };
  // Same updated_at with identical content is a duplicate view (orders/updated next to orders/cancelled).
  const outcome = mergeOrder<StoredOrder>(stored ? { ...stored, lines: stored.lines.map((l) => ({ ...l, variantShopifyId: incomingVariant(incoming, l) })) } : null, incoming);
  const result = await save(ctx, stored, outcome);
  if ((outcome.kind === "insert" || outcome.kind === "update") && toRoute(outcome.state) && (await publishesToLocation(tx, shop.id, outcome.state.channelId!))) result.route = true;
  return result;
}

/** An open order of a known channel with open lines whose facility is not known yet. */
function toRoute(o: StoredOrder): boolean {
  return o.channelId !== null && o.cancelledAt === null && !o.closed && !o.test && o.lines.some((l) => l.openQuantity > 0 && l.assignedLocationId === null);
}

/** Stored lines do not keep the variant id; compare on what the payload says for the same line. */
function incomingVariant(incoming: StoredOrder, line: StoredLine): string | null {
  return incoming.lines.find((l) => l.shopifyId === line.shopifyId)?.variantShopifyId ?? null;
}

async function applyDeltas(ctx: ApplyContext, orderId: bigint, at: Date, deltas: LineDelta[], what: string): Promise<ApplyResult> {
  const stored = await lockOrder(ctx.tx, ctx.shop.id, orderId);
  if (!stored) return nothing(`order ${orderId} not stored yet: its own order payload will carry the ${what}`);
  if (deltas.length === 0) return nothing(`no open quantity changes in this ${what}`);
  return save(ctx, stored, applyLineDeltas<StoredOrder>(stored, at, deltas));
}

/**
 * refunds/create: units refunded before they shipped leave the order. Shopify marks them
 * restock_type `cancel` (`legacy_restock` on refunds made before the split, counted the same way,
 * capped by what is open); `return` restocks shipped units and `no_restock` changes no stock, so
 * neither touches open quantity.
 */
export async function applyRefund(ctx: ApplyContext, p: RefundPayload): Promise<ApplyResult> {
  const deltas = p.refund_line_items
    .filter((r) => r.restock_type === "cancel" || r.restock_type === "legacy_restock")
    .map((r) => ({ lineShopifyId: r.line_item_id.toString(), reduceBy: r.quantity }));
  return applyDeltas(ctx, p.order_id, p.created_at, deltas, "refund");
}

/** fulfillments/create: shipped units are no longer reserved; a failed or cancelled fulfilment ships nothing. */
export async function applyFulfillment(ctx: ApplyContext, p: FulfillmentPayload): Promise<ApplyResult> {
  if (p.status !== null && p.status !== "success" && p.status !== "open" && p.status !== "pending") {
    return nothing(`fulfillment status ${p.status}: nothing shipped`);
  }
  const deltas = p.line_items.map((l) => ({ lineShopifyId: l.id.toString(), reduceBy: l.quantity }));
  const result = await applyDeltas(ctx, p.order_id, p.created_at, deltas, "fulfillment");
  if (p.location_id !== null && result.itemIds.length > 0) {
    // Units still open on these lines are at the location that shipped the rest, unless already known.
    const locationId = await ensureLocation(ctx.tx, ctx.shop.id, p.location_id);
    const stored = await lockOrder(ctx.tx, ctx.shop.id, p.order_id);
    const unassigned = new Set(stored?.lines.filter((l) => l.assignedLocationId === null).map((l) => l.shopifyId));
    await setLineLocations(
      ctx.tx,
      ctx.shop.id,
      deltas.filter((d) => unassigned.has(d.lineShopifyId)).map((d) => ({ lineShopifyId: d.lineShopifyId, locationId })),
    );
  }
  return result;
}

/**
 * orders/edited: removed units leave the order at once. Additions are left to the orders/updated
 * Shopify sends with every edit: this payload names added lines without their variant or new
 * quantity, so it cannot say what they reserve.
 */
export async function applyOrderEdit(ctx: ApplyContext, p: OrderEditPayload): Promise<ApplyResult> {
  const e = p.order_edit;
  const deltas = e.line_items.removals.map((r) => ({ lineShopifyId: r.id.toString(), reduceBy: Math.abs(r.delta) }));
  return applyDeltas(ctx, e.order_id, e.committed_at ?? e.created_at, deltas, "order edit");
}
