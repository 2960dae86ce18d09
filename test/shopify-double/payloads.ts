import {
  gid,
  type BulkOperationRec,
  type FulfillmentOrderRec,
  type FulfillmentRec,
  type LevelRec,
  type OrderRec,
  type ShopState,
} from "./shop-state";

/**
 * Webhook bodies in the REST shape Shopify sends (snake_case, numeric ids plus
 * admin_graphql_api_id). Fields follow the REST Order / InventoryLevel / Fulfillment resources
 * and the webhook reference at https://shopify.dev/docs/api/webhooks.
 */

export const iso = (ms: number) => new Date(ms).toISOString();

/** app_id Shopify reports for its own channels; other sources carry the selling app's id. */
export const SHOPIFY_CHANNEL_APP_IDS: Record<string, number> = { web: 580111, pos: 129785, shopify_draft_order: 1354745 };

export function orderAppId(sourceName: string, appId: number | undefined): number | null {
  return appId ?? SHOPIFY_CHANNEL_APP_IDS[sourceName] ?? null;
}

/** B2B buyers are one company (and company location) per shop in the double. */
export const B2B_COMPANY_ID = 1;
export const B2B_COMPANY_LOCATION_ID = 1;

function fulfillmentStatus(order: OrderRec): "fulfilled" | "partial" | null {
  const open = order.lines.reduce((s, l) => s + l.quantity - l.cancelled, 0);
  const done = order.lines.reduce((s, l) => s + l.fulfilled, 0);
  if (done === 0) return null;
  return done >= open ? "fulfilled" : "partial";
}

export function orderPayload(shop: ShopState, order: OrderRec): Record<string, unknown> {
  const status = fulfillmentStatus(order);
  return {
    id: order.id,
    admin_graphql_api_id: gid("Order", order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    app_id: order.appId,
    source_name: order.sourceName,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    processed_at: iso(order.createdAt),
    cancelled_at: order.cancelledAt === null ? null : iso(order.cancelledAt),
    cancel_reason: order.cancelledAt === null ? null : "other",
    closed_at: order.closedAt === null ? null : iso(order.closedAt),
    test: order.test,
    // REST carries tags as one comma-separated string.
    tags: order.tags.join(", "),
    // Shopify sets location_id only for orders placed at a physical location (POS); online
    // orders get their facility from fulfillment orders.
    location_id: order.sourceName === "pos" ? order.locationId : null,
    currency: shop.currency,
    financial_status: "paid",
    fulfillment_status: status,
    note: order.shipBy ? `Ship by ${order.shipBy}` : null,
    note_attributes: order.shipBy ? [{ name: "ship_by", value: order.shipBy }] : [],
    company: order.b2b ? { id: B2B_COMPANY_ID, location_id: B2B_COMPANY_LOCATION_ID } : null,
    line_items: order.lines.map((l) => {
      const open = l.quantity - l.cancelled - l.fulfilled;
      return {
        id: l.id,
        admin_graphql_api_id: gid("LineItem", l.id),
        variant_id: l.variantId,
        product_id: l.productId,
        sku: l.sku,
        name: l.title,
        title: l.title,
        quantity: l.quantity,
        current_quantity: l.quantity - l.cancelled,
        fulfillable_quantity: order.cancelledAt === null ? open : 0,
        fulfillment_status: l.fulfilled === 0 ? null : open === 0 ? "fulfilled" : "partial",
        requires_shipping: true,
        gift_card: false,
      };
    }),
    fulfillments: order.fulfillmentIds.map((id) => fulfillmentPayload(shop, shop.fulfillments.get(id)!)),
  };
}

export function fulfillmentPayload(shop: ShopState, f: FulfillmentRec): Record<string, unknown> {
  const order = shop.orders.get(f.orderId)!;
  return {
    id: f.id,
    admin_graphql_api_id: gid("Fulfillment", f.id),
    order_id: f.orderId,
    name: f.name,
    status: "success",
    service: "manual",
    location_id: f.locationId,
    created_at: iso(f.createdAt),
    updated_at: iso(f.createdAt),
    tracking_company: null,
    tracking_number: null,
    shipment_status: null,
    line_items: f.lines.map((fl) => {
      const l = order.lines.find((x) => x.id === fl.lineItemId)!;
      return { id: l.id, variant_id: l.variantId, sku: l.sku, quantity: fl.quantity, fulfillment_status: "fulfilled" };
    }),
  };
}

export function inventoryLevelPayload(level: LevelRec): Record<string, unknown> {
  return {
    inventory_item_id: level.itemId,
    location_id: level.locationId,
    available: level.q.available,
    updated_at: iso(level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.itemId}`,
  };
}

export function productPayload(shop: ShopState, productId: number): Record<string, unknown> {
  const p = shop.products.get(productId)!;
  return {
    id: p.id,
    admin_graphql_api_id: gid("Product", p.id),
    title: p.title,
    vendor: p.vendor,
    product_type: p.productType,
    tags: p.tags.join(", "),
    status: "active",
    updated_at: iso(p.updatedAt),
    variants: p.variantIds.map((vid) => {
      const v = shop.variants.get(vid)!;
      const qty = shop.levelsOfItem(v.itemId).reduce((s, l) => s + l.q.available, 0);
      return {
        id: v.id,
        admin_graphql_api_id: gid("ProductVariant", v.id),
        product_id: p.id,
        sku: v.sku,
        title: v.title,
        inventory_item_id: v.itemId,
        inventory_quantity: qty,
        updated_at: iso(v.updatedAt),
      };
    }),
  };
}

function foSummary(fo: FulfillmentOrderRec) {
  return { id: gid("FulfillmentOrder", fo.id), status: fo.status.toLowerCase(), assigned_location_id: gid("Location", fo.locationId) };
}

/** fulfillment_orders/moved (source_location added in 2023-04: shopify.dev/changelog/added-source_location-field-to-fulfillmentordersmove-webhook-payload). */
export function fulfillmentOrderMovedPayload(
  original: FulfillmentOrderRec,
  moved: FulfillmentOrderRec,
  sourceLocationId: number,
  requested: { id: number; quantity: number }[] | null,
): Record<string, unknown> {
  return {
    original_fulfillment_order: foSummary(original),
    moved_fulfillment_order: foSummary(moved),
    destination_location_id: gid("Location", moved.locationId),
    fulfillment_order_line_items_requested: requested?.map((r) => ({ id: gid("FulfillmentOrderLineItem", r.id), quantity: r.quantity })) ?? null,
    source_location: { id: gid("Location", sourceLocationId) },
  };
}

export function bulkFinishPayload(op: BulkOperationRec): Record<string, unknown> {
  return {
    admin_graphql_api_id: gid("BulkOperation", op.id),
    completed_at: op.completedAt === null ? null : iso(op.completedAt),
    created_at: iso(op.createdAt),
    error_code: op.errorCode?.toLowerCase() ?? null,
    status: op.status.toLowerCase(),
    type: "query",
  };
}
