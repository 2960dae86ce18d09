import { z } from "zod";

/**
 * zod schemas of the webhook bodies the app reads (Shopify's REST shapes,
 * https://shopify.dev/docs/api/webhooks). Only fields the app uses are checked; others pass
 * through untouched. A body that fails is recorded as `rejected` with the fields named, since
 * Shopify would only send it again unchanged.
 */

/** A Shopify numeric id: a JSON number or a digit string (ids outgrow float precision one day). */
export const shopifyId = z.union(
  [z.number().int().positive().transform((n) => BigInt(n)), z.string().regex(/^\d+$/).transform((s) => BigInt(s))],
  {
    errorMap: (_issue, ctx) => ({
      message: ctx.data === undefined ? "Required (a numeric Shopify id)" : `must be a numeric Shopify id, got ${JSON.stringify(ctx.data)}`,
    }),
  },
);

/** `gid://shopify/Type/123` → 123n. */
export function gidOf(type: string) {
  return z
    .string()
    .regex(new RegExp(`^gid://shopify/${type}/\\d+(\\?.*)?$`), `must be a gid://shopify/${type}/<id>`)
    .transform((s) => BigInt(s.replace(/^gid:\/\/shopify\/\w+\/(\d+).*$/, "$1")));
}

const timestamp = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 timestamp")
  .transform((s) => new Date(s));

const count = z.number().int().min(0);

const nullish = <T extends z.ZodTypeAny>(t: T) => t.nullish().transform((v) => v ?? null);

/** REST tags: one comma-separated string ("a, b"); arrays tolerated. */
const tags = z
  .union([z.string(), z.array(z.string())])
  .nullish()
  .transform((v) => (v == null ? [] : (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean)));

export const OrderLinePayload = z
  .object({
    id: shopifyId,
    variant_id: nullish(shopifyId),
    sku: nullish(z.string()),
    quantity: count,
    fulfillable_quantity: count,
  })
  .passthrough();

export const OrderPayload = z
  .object({
    id: shopifyId,
    name: nullish(z.string()),
    app_id: nullish(shopifyId),
    source_name: nullish(z.string()),
    created_at: timestamp,
    updated_at: timestamp,
    cancelled_at: nullish(timestamp),
    closed_at: nullish(timestamp),
    test: z.boolean().default(false),
    tags,
    location_id: nullish(shopifyId),
    company: nullish(z.object({ id: shopifyId }).passthrough()),
    note_attributes: z
      .array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullish() }).passthrough())
      .nullish()
      .transform((v) => v ?? []),
    line_items: z.array(OrderLinePayload),
  })
  .passthrough();
export type OrderPayload = z.infer<typeof OrderPayload>;

export const RefundPayload = z
  .object({
    id: shopifyId,
    order_id: shopifyId,
    created_at: timestamp,
    refund_line_items: z.array(
      z
        .object({
          line_item_id: shopifyId,
          quantity: count,
          restock_type: nullish(z.string()),
        })
        .passthrough(),
    ),
  })
  .passthrough();
export type RefundPayload = z.infer<typeof RefundPayload>;

export const FulfillmentPayload = z
  .object({
    id: shopifyId,
    order_id: shopifyId,
    location_id: nullish(shopifyId),
    created_at: timestamp,
    status: nullish(z.string()),
    line_items: z.array(z.object({ id: shopifyId, quantity: count }).passthrough()),
  })
  .passthrough();
export type FulfillmentPayload = z.infer<typeof FulfillmentPayload>;

/** orders/edited: the edit's line deltas (https://shopify.dev/docs/api/webhooks?reference=toml#list-of-topics-orders/edited). */
export const OrderEditPayload = z
  .object({
    order_edit: z
      .object({
        id: shopifyId,
        order_id: shopifyId,
        committed_at: nullish(timestamp),
        created_at: timestamp,
        line_items: z
          .object({
            additions: z.array(z.object({ id: shopifyId, delta: z.number().int() }).passthrough()).default([]),
            removals: z.array(z.object({ id: shopifyId, delta: z.number().int() }).passthrough()).default([]),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();
export type OrderEditPayload = z.infer<typeof OrderEditPayload>;

const fulfillmentOrderSummary = z.object({ id: gidOf("FulfillmentOrder"), status: nullish(z.string()), assigned_location_id: nullish(gidOf("Location")) }).passthrough();

export const FulfillmentOrderMovedPayload = z
  .object({
    original_fulfillment_order: fulfillmentOrderSummary,
    moved_fulfillment_order: fulfillmentOrderSummary,
    destination_location_id: gidOf("Location"),
    source_location: nullish(z.object({ id: gidOf("Location") }).passthrough()),
  })
  .passthrough();
export type FulfillmentOrderMovedPayload = z.infer<typeof FulfillmentOrderMovedPayload>;

export const InventoryLevelPayload = z
  .object({
    inventory_item_id: shopifyId,
    location_id: shopifyId,
    available: nullish(z.number().int()),
    updated_at: nullish(timestamp),
  })
  .passthrough();
export type InventoryLevelPayload = z.infer<typeof InventoryLevelPayload>;

export const InventoryItemPayload = z
  .object({
    id: shopifyId,
    sku: nullish(z.string()),
    tracked: nullish(z.boolean()),
    updated_at: nullish(timestamp),
  })
  .passthrough();
export type InventoryItemPayload = z.infer<typeof InventoryItemPayload>;

export const InventoryItemDeletePayload = z.object({ id: shopifyId }).passthrough();

export const ProductPayload = z
  .object({
    id: shopifyId,
    title: z.string(),
    vendor: nullish(z.string()),
    product_type: nullish(z.string()),
    status: nullish(z.string()),
    tags,
    updated_at: timestamp,
    variants: z
      .array(
        z
          .object({
            id: shopifyId,
            sku: nullish(z.string()),
            title: nullish(z.string()),
            inventory_item_id: nullish(shopifyId),
          })
          .passthrough(),
      )
      .default([]),
  })
  .passthrough();
export type ProductPayload = z.infer<typeof ProductPayload>;

export const LocationPayload = z
  .object({
    id: shopifyId,
    name: z.string().min(1),
    active: nullish(z.boolean()),
  })
  .passthrough();
export type LocationPayload = z.infer<typeof LocationPayload>;

export const LocationDeletePayload = z.object({ id: shopifyId }).passthrough();

export const BulkFinishPayload = z
  .object({
    admin_graphql_api_id: gidOf("BulkOperation"),
    status: z.string(),
    error_code: nullish(z.string()),
  })
  .passthrough();

export const AppUninstalledPayload = z.object({}).passthrough();
export const ScopesUpdatePayload = z
  .object({ current: z.array(z.string()), previous: z.array(z.string()).nullish() })
  .passthrough();

export const CustomersDataRequestPayload = z
  .object({
    shop_id: shopifyId,
    shop_domain: z.string(),
    customer: z.object({ id: shopifyId, email: nullish(z.string()), phone: nullish(z.string()) }).passthrough(),
    orders_requested: z.array(shopifyId).default([]),
    data_request: nullish(z.object({ id: shopifyId }).passthrough()),
  })
  .passthrough();
export type CustomersDataRequestPayload = z.infer<typeof CustomersDataRequestPayload>;

export const CustomersRedactPayload = z
  .object({
    shop_id: shopifyId,
    shop_domain: z.string(),
    customer: z.object({ id: shopifyId, email: nullish(z.string()), phone: nullish(z.string()) }).passthrough(),
    orders_to_redact: z.array(shopifyId).default([]),
  })
  .passthrough();
export type CustomersRedactPayload = z.infer<typeof CustomersRedactPayload>;

export const ShopRedactPayload = z.object({ shop_id: shopifyId, shop_domain: z.string() }).passthrough();

/** Every topic the app subscribes to (shopify.md) and the schema of its body. */
export const TOPIC_SCHEMAS = {
  "orders/create": OrderPayload,
  "orders/updated": OrderPayload,
  "orders/cancelled": OrderPayload,
  "orders/fulfilled": OrderPayload,
  "orders/partially_fulfilled": OrderPayload,
  "orders/edited": OrderEditPayload,
  "refunds/create": RefundPayload,
  "fulfillments/create": FulfillmentPayload,
  "fulfillment_orders/moved": FulfillmentOrderMovedPayload,
  "inventory_levels/update": InventoryLevelPayload,
  "inventory_levels/connect": InventoryLevelPayload,
  "inventory_levels/disconnect": InventoryLevelPayload,
  "inventory_items/create": InventoryItemPayload,
  "inventory_items/update": InventoryItemPayload,
  "inventory_items/delete": InventoryItemDeletePayload,
  "products/update": ProductPayload,
  "locations/create": LocationPayload,
  "locations/update": LocationPayload,
  "locations/activate": LocationPayload,
  "locations/deactivate": LocationPayload,
  "locations/delete": LocationDeletePayload,
  "bulk_operations/finish": BulkFinishPayload,
  "app/uninstalled": AppUninstalledPayload,
  "app/scopes_update": ScopesUpdatePayload,
  "customers/data_request": CustomersDataRequestPayload,
  "customers/redact": CustomersRedactPayload,
  "shop/redact": ShopRedactPayload,
} as const satisfies Record<string, z.ZodTypeAny>;

export type Topic = keyof typeof TOPIC_SCHEMAS;
export const TOPICS = Object.keys(TOPIC_SCHEMAS) as Topic[];
export type PayloadOfTopic<T extends Topic> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;

/** Topics still handled after app/uninstalled (compliance requests arrive up to 48 h later). */
export const AFTER_UNINSTALL_TOPICS: readonly Topic[] = ["app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"];

export function isTopic(topic: string): topic is Topic {
  return Object.prototype.hasOwnProperty.call(TOPIC_SCHEMAS, topic);
}

export type ParsedPayload<T extends Topic = Topic> = { ok: true; data: PayloadOfTopic<T> } | { ok: false; reason: string };

/** Validates a body against its topic's schema; the reason names every bad field. */
export function parseTopicPayload<T extends Topic>(topic: T, body: unknown): ParsedPayload<T> {
  const result = TOPIC_SCHEMAS[topic].safeParse(body);
  if (result.success) return { ok: true, data: result.data as PayloadOfTopic<T> };
  const issues = result.error.issues.map((i) => `${formatPath(i.path) || "(body)"}: ${i.message}`);
  return { ok: false, reason: `invalid ${topic} payload: ${issues.join("; ")}` };
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}
