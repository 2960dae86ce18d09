// Everything the admin block does besides drawing: which URL to read, what each answer means, and
// the rows the block shows. Plain TypeScript, so it is tested without Shopify (model.test.ts).
import type {
  ChannelAvailability,
  ProductAvailability,
  VariantAvailability,
} from "../../../app/models/product-availability.server";

export type { ProductAvailability };

/** At or below this ATS (and above 0) a channel gets the "Low stock" badge. */
export const DEFAULT_LOW_STOCK_AT = 5;

export type BadgeTone = "critical" | "warning";

export interface ChannelRow {
  channelKey: string;
  channelName: string;
  ats: number;
  atp: number;
  /** "Rule: variant TEE-S" when an exposure rule shaped ATS, else null (the channel's policy). */
  ruleLabel: string | null;
  badge: { tone: BadgeTone; label: string } | null;
}

export interface VariantSection {
  variantId: string;
  /** Variant title, or its SKU for Shopify's "Default Title" single variant. */
  label: string;
  sku: string | null;
  /** Empty until Ringfence has computed the variant. */
  rows: ChannelRow[];
}

export type AvailabilityErrorKind = "no-product" | "unauthorized" | "not-found" | "server" | "network" | "invalid-response";

export class AvailabilityError extends Error {
  constructor(
    readonly kind: AvailabilityErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AvailabilityError";
  }
}

export type BlockState =
  | { state: "ready"; title: string; sections: VariantSection[]; summary: string; computedAt: string | null }
  | { state: "error"; kind: AvailabilityErrorKind; tone: "info" | "warning" | "critical"; message: string };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/(\d+)$/;

/**
 * The app route for a product (`shopify.data.selected[0].id` is its GID). Relative on purpose:
 * an admin extension's fetch() resolves relative URLs against the app's `application_url` and adds
 * `Authorization: Bearer <ID token>` for the app's domain by itself
 * (https://shopify.dev/docs/api/admin-extensions/latest/network-features#app-authentication).
 */
export function availabilityPath(productGid: string): string {
  const id = PRODUCT_GID.exec(productGid)?.[1];
  if (!id) throw new AvailabilityError("no-product", `selected product id must be gid://shopify/Product/<number>, got "${productGid}"`);
  return `/api/products/${id}/availability`;
}

export async function fetchAvailability(productGid: string, fetchImpl: Fetch): Promise<ProductAvailability> {
  const path = availabilityPath(productGid);
  let response: Response;
  try {
    response = await fetchImpl(path, { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new AvailabilityError("network", `could not reach Ringfence: ${(error as Error).message}`);
  }
  const body = await response.text();
  if (!response.ok) {
    const detail = errorDetail(body);
    if (response.status === 401) {
      throw new AvailabilityError("unauthorized", "Ringfence could not verify this admin session; reload the page.", 401);
    }
    if (response.status === 404) {
      throw new AvailabilityError("not-found", "Ringfence has not imported this product yet; it appears after the next sync.", 404);
    }
    throw new AvailabilityError("server", `Ringfence answered ${response.status}${detail ? `: ${detail}` : ""}`, response.status);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AvailabilityError("invalid-response", `Ringfence answered ${response.status} with a body that is not JSON`);
  }
  return parseAvailability(json);
}

function errorDetail(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === "string" ? parsed.error : null;
  } catch {
    return null;
  }
}

/** Checks the answer's shape field by field; a mismatch names the field. */
export function parseAvailability(json: unknown): ProductAvailability {
  const root = record(json, "response");
  const product = record(root.product, "product");
  const variants = list(root.variants, "variants").map((v, i): VariantAvailability => {
    const at = `variants[${i}]`;
    const variant = record(v, at);
    return {
      id: text(variant.id, `${at}.id`),
      sku: nullableText(variant.sku, `${at}.sku`),
      title: nullableText(variant.title, `${at}.title`),
      channels: list(variant.channels, `${at}.channels`).map((c, j): ChannelAvailability => {
        const cat = `${at}.channels[${j}]`;
        const channel = record(c, cat);
        const rule = channel.rule === null ? null : record(channel.rule, `${cat}.rule`);
        return {
          key: text(channel.key, `${cat}.key`),
          name: text(channel.name, `${cat}.name`),
          atp: integer(channel.atp, `${cat}.atp`),
          ats: integer(channel.ats, `${cat}.ats`),
          rule: rule && {
            id: integer(rule.id, `${cat}.rule.id`),
            targetKind: text(rule.targetKind, `${cat}.rule.targetKind`) as NonNullable<ChannelAvailability["rule"]>["targetKind"],
            targetValue: nullableText(rule.targetValue, `${cat}.rule.targetValue`),
          },
          computedAt: text(channel.computedAt, `${cat}.computedAt`),
        };
      }),
    };
  });
  return { product: { id: text(product.id, "product.id"), title: text(product.title, "product.title") }, variants };
}

function invalid(field: string, expected: string, value: unknown): never {
  throw new AvailabilityError("invalid-response", `unexpected answer from Ringfence: ${field} must be ${expected}, got ${JSON.stringify(value) ?? "undefined"}`);
}
function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(field, "an object", value);
  return value as Record<string, unknown>;
}
function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) invalid(field, "an array", value);
  return value as unknown[];
}
function text(value: unknown, field: string): string {
  if (typeof value !== "string") invalid(field, "a string", value);
  return value as string;
}
function nullableText(value: unknown, field: string): string | null {
  return value === null ? null : text(value, field);
}
function integer(value: unknown, field: string): number {
  if (!Number.isInteger(value)) invalid(field, "an integer", value);
  return value as number;
}

export function stockBadge(ats: number, lowStockAt = DEFAULT_LOW_STOCK_AT): ChannelRow["badge"] {
  if (ats <= 0) return { tone: "critical", label: "Out of stock" };
  if (ats <= lowStockAt) return { tone: "warning", label: "Low stock" };
  return null;
}

function ruleLabel(rule: ChannelAvailability["rule"]): string | null {
  if (!rule) return null;
  return rule.targetValue ? `Rule: ${rule.targetKind} ${rule.targetValue}` : `Rule: ${rule.targetKind}`;
}

export function toSections(data: ProductAvailability, lowStockAt = DEFAULT_LOW_STOCK_AT): VariantSection[] {
  return data.variants.map((v) => ({
    variantId: v.id,
    label: v.title && v.title !== "Default Title" ? v.title : (v.sku ?? v.id.replace(/^gid:\/\/shopify\/ProductVariant\//, "Variant ")),
    sku: v.sku,
    rows: v.channels.map((c) => ({
      channelKey: c.key,
      channelName: c.name,
      ats: c.ats,
      atp: c.atp,
      ruleLabel: ruleLabel(c.rule),
      badge: stockBadge(c.ats, lowStockAt),
    })),
  }));
}

/** The one line the admin shows when the block is collapsed. */
export function summarize(sections: VariantSection[]): string {
  const rows = sections.flatMap((s) => s.rows);
  if (rows.length === 0) return "Not computed yet";
  const out = rows.filter((r) => r.badge?.tone === "critical").length;
  const low = rows.filter((r) => r.badge?.tone === "warning").length;
  const parts = [];
  if (out > 0) parts.push(`${out} out of stock`);
  if (low > 0) parts.push(`${low} low`);
  if (parts.length === 0) parts.push(`${rows.length} in stock`);
  return parts.join(", ");
}

/** The newest snapshot time across the product, ISO 8601, or null before any. */
export function latestComputedAt(data: ProductAvailability): string | null {
  let latest: string | null = null;
  for (const v of data.variants) for (const c of v.channels) if (latest === null || Date.parse(c.computedAt) > Date.parse(latest)) latest = c.computedAt;
  return latest;
}

const ERROR_TONE: Record<AvailabilityErrorKind, "info" | "warning" | "critical"> = {
  "no-product": "info",
  "not-found": "info",
  unauthorized: "warning",
  network: "critical",
  server: "critical",
  "invalid-response": "critical",
};

/** What the block shows for the product the admin has open (`shopify.data.selected`). */
export async function loadBlockState(
  selected: ReadonlyArray<{ id: string }>,
  fetchImpl: Fetch,
  lowStockAt = DEFAULT_LOW_STOCK_AT,
): Promise<BlockState> {
  try {
    const productGid = selected[0]?.id;
    if (!productGid) throw new AvailabilityError("no-product", "Open a product to see its availability per channel.");
    const data = await fetchAvailability(productGid, fetchImpl);
    const sections = toSections(data, lowStockAt);
    return { state: "ready", title: data.product.title, sections, summary: summarize(sections), computedAt: latestComputedAt(data) };
  } catch (error) {
    if (!(error instanceof AvailabilityError)) throw error;
    return { state: "error", kind: error.kind, tone: ERROR_TONE[error.kind], message: error.message };
  }
}
