import { z } from "zod";

/** STORE.json as replay-format.md describes it. Ids are Shopify's numeric ids. */
const positiveId = z.number().int().positive();

const LocationSchema = z.object({
  id: positiveId,
  name: z.string().min(1),
  fulfillsOnlineOrders: z.boolean().default(true),
  isActive: z.boolean().default(true),
  isFulfillmentService: z.boolean().default(false),
});

const VariantSchema = z.object({
  id: positiveId,
  inventoryItemId: positiveId,
  sku: z.string().min(1),
  title: z.string().min(1).optional(),
  price: z.string().regex(/^\d+(\.\d{1,2})?$/, "a decimal string such as \"19.99\"").optional(),
  onHand: z.record(z.string().regex(/^\d+$/, "location ids are numeric"), z.number().int().min(0)).default({}),
});

const ProductSchema = z.object({
  id: positiveId,
  title: z.string().min(1),
  vendor: z.string().default(""),
  productType: z.string().default(""),
  tags: z.array(z.string()).default([]),
  collections: z.array(z.string().min(1)).default([]),
  variants: z.array(VariantSchema).min(1),
});

export const StoreSchema = z
  .object({
    shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "a shop domain such as demo-apparel.myshopify.com"),
    name: z.string().min(1).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).default("USD"),
    locations: z.array(LocationSchema).min(1),
    products: z.array(ProductSchema),
    // The app's configuration travels in the same file; Shopify never sees it.
    app: z.unknown().optional(),
  })
  .superRefine((store, ctx) => {
    const locIds = new Set<number>();
    store.locations.forEach((l, i) => {
      if (locIds.has(l.id)) ctx.addIssue({ code: "custom", path: ["locations", i, "id"], message: `duplicate location id ${l.id}` });
      locIds.add(l.id);
    });
    const seen = { product: new Set<number>(), variant: new Set<number>(), item: new Set<number>(), sku: new Set<string>() };
    store.products.forEach((p, pi) => {
      if (seen.product.has(p.id)) ctx.addIssue({ code: "custom", path: ["products", pi, "id"], message: `duplicate product id ${p.id}` });
      seen.product.add(p.id);
      p.variants.forEach((v, vi) => {
        const at = ["products", pi, "variants", vi];
        if (seen.variant.has(v.id)) ctx.addIssue({ code: "custom", path: [...at, "id"], message: `duplicate variant id ${v.id}` });
        if (seen.item.has(v.inventoryItemId))
          ctx.addIssue({ code: "custom", path: [...at, "inventoryItemId"], message: `duplicate inventoryItemId ${v.inventoryItemId}` });
        if (seen.sku.has(v.sku)) ctx.addIssue({ code: "custom", path: [...at, "sku"], message: `duplicate sku ${v.sku} (skus must be unique)` });
        seen.variant.add(v.id);
        seen.item.add(v.inventoryItemId);
        seen.sku.add(v.sku);
        for (const loc of Object.keys(v.onHand)) {
          if (!locIds.has(Number(loc))) ctx.addIssue({ code: "custom", path: [...at, "onHand", loc], message: `unknown location id ${loc}` });
        }
      });
    });
  });

export type StoreInput = z.input<typeof StoreSchema>;
export type Store = z.output<typeof StoreSchema>;

export class InputError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "InputError";
  }
}

export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** Parses with zod and throws an InputError whose message names every field at fault. */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  throw new InputError(`${what}: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`, issues);
}

export function parseStore(value: unknown): Store {
  return parseOrThrow(StoreSchema, value, "invalid STORE.json");
}

export const OrderActionSchema = z.object({
  id: positiveId,
  sourceName: z.string().min(1).default("web"),
  location: positiveId,
  lines: z.array(z.object({ sku: z.string().min(1), qty: z.number().int().positive() })).min(1),
  b2b: z.boolean().default(false),
  shipBy: z.string().regex(/^\d{4}-\d{2}-\d{2}/, "an ISO date such as 2026-12-08").optional(),
  tags: z.array(z.string()).default([]),
  appId: positiveId.optional(),
  test: z.boolean().default(false),
  shop: z.string().optional(),
});
export type OrderAction = z.input<typeof OrderActionSchema>;
