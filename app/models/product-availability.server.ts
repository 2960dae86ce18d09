import type { RuleTargetKind } from "@prisma/client";
import type { Db } from "./audit.server";

/**
 * ATP/ATS per channel for one Shopify product's variants, as the admin block on Shopify's product
 * page shows them. Read from availability_snapshots; every query is scoped by the session's shop,
 * so another shop's product id finds nothing.
 */

export interface ChannelAvailability {
  key: string;
  name: string;
  atp: number;
  ats: number;
  /** The exposure rule that shaped ATS; null when the channel's own policy applied. */
  rule: { id: number; targetKind: RuleTargetKind; targetValue: string | null } | null;
  computedAt: string;
}

export interface VariantAvailability {
  /** Shopify GID, e.g. gid://shopify/ProductVariant/123. */
  id: string;
  sku: string | null;
  title: string | null;
  /** Empty until the engine has computed the variant (or when it is not tracked). */
  channels: ChannelAvailability[];
}

export interface ProductAvailability {
  product: { id: string; title: string };
  variants: VariantAvailability[];
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/(\d+)$/;

/**
 * The product id as the route receives it: Shopify's numeric id or its GID
 * (`gid://shopify/Product/123`, URL-encoded in a path). Throws naming the field.
 */
export function parseProductId(raw: string | undefined): bigint {
  const value = (raw ?? "").trim();
  const digits = /^\d+$/.test(value) ? value : PRODUCT_GID.exec(value)?.[1];
  if (!digits || BigInt(digits) === 0n || digits.length > 19) {
    throw new Error(`productId must be a Shopify product id (e.g. 123 or gid://shopify/Product/123), got "${value}"`);
  }
  return BigInt(digits);
}

export async function loadProductAvailability(db: Db, shopDomain: string, productShopifyId: bigint): Promise<ProductAvailability | null> {
  const product = await db.product.findFirst({
    where: { shopifyId: productShopifyId, deletedAt: null, shop: { domain: shopDomain } },
    select: { id: true, shopId: true, shopifyId: true, title: true },
  });
  if (!product) return null;
  const { shopId } = product;
  const variants = await db.variant.findMany({
    where: { shopId, productId: product.id, deletedAt: null },
    orderBy: { id: "asc" },
    select: {
      shopifyId: true,
      sku: true,
      title: true,
      inventoryItem: {
        select: {
          sku: true,
          availabilitySnapshots: {
            where: { shopId, channel: { archivedAt: null } },
            orderBy: [{ channel: { priority: "asc" } }, { channel: { key: "asc" } }],
            select: {
              atp: true,
              ats: true,
              computedAt: true,
              channel: { select: { key: true, name: true } },
              rule: { select: { id: true, targetKind: true, targetValue: true } },
            },
          },
        },
      },
    },
  });
  return {
    product: { id: `gid://shopify/Product/${product.shopifyId}`, title: product.title },
    variants: variants.map((v) => ({
      id: `gid://shopify/ProductVariant/${v.shopifyId}`,
      sku: v.sku ?? v.inventoryItem?.sku ?? null,
      title: v.title,
      channels: (v.inventoryItem?.availabilitySnapshots ?? []).map((s) => ({
        key: s.channel.key,
        name: s.channel.name,
        atp: s.atp,
        ats: s.ats,
        rule: s.rule,
        computedAt: s.computedAt.toISOString(),
      })),
    })),
  };
}
