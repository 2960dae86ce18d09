import type { PrismaClient } from "@prisma/client";
import { dateFromDb } from "../../validation/common";

/**
 * The product inventory view: per variant, where the stock is, who has claimed it, what is coming,
 * and ATP / ATS per channel with the reason the workers recorded, what was last written to Shopify
 * and how ATS moved. Reads only; every query is filtered by the shop id.
 */

export interface RuleSummary {
  id: number;
  text: string;
}

export interface ChannelNumbers {
  channelId: number;
  channel: string;
  mode: "shared" | "ringfenced";
  atp: number;
  ats: number;
  rule: RuleSummary | null;
  breakdown: Record<string, unknown>;
  computedAt: string;
}

export interface VariantInventory {
  itemId: number;
  title: string;
  sku: string | null;
  tracked: boolean;
  facilities: { locationId: number; name: string; onHand: number; available: number; committed: number }[];
  openOrders: { channelId: number | null; channel: string; orders: number; units: number; preOrderUnits: number }[];
  holdbacks: { id: number; channel: string; location: string; quantity: number; from: string | null; until: string | null; note: string | null }[];
  inbound: { date: string | null; quantity: number; purchaseOrderId: number; purchaseOrder: string; supplier: string | null; destination: string }[];
  availability: ChannelNumbers[];
  pushed: { location: string; name: string; quantity: number; lastAts: number | null; pushedAt: string }[];
  history: { channelId: number; channel: string; points: { at: string; ats: number; atp: number }[] }[];
}

export interface ProductInventory {
  product: { id: number; shopifyId: string; title: string; vendor: string | null };
  variants: VariantInventory[];
}

const HISTORY_DAYS = 30;

/** A rule in words; `product` names the product page it is shown on, so its own id reads "this product". */
export function describeRule(
  r: { targetKind: string; targetValue: string | null; percent: number | null; cap: number | null; zeroBelow: number | null; safetyStock: number | null; liveFrom: Date | null; liveUntil: Date | null },
  product?: { shopifyId: string; title: string },
): string {
  const target =
    r.targetKind === "all"
      ? "every item"
      : r.targetKind === "product" && product && r.targetValue === product.shopifyId
        ? `this product (${product.title})`
        : r.targetKind === "variant"
          ? `SKU "${r.targetValue}"`
          : `${r.targetKind} "${r.targetValue}"`;
  const parts = [
    r.percent !== null ? `${r.percent}%` : null,
    r.cap !== null ? `cap ${r.cap}` : null,
    r.zeroBelow !== null ? `0 at or below ${r.zeroBelow}` : null,
    r.safetyStock !== null ? `safety stock ${r.safetyStock}` : null,
    r.liveFrom || r.liveUntil ? `live ${dateFromDb(r.liveFrom) ?? "…"} to ${dateFromDb(r.liveUntil) ?? "…"}` : null,
  ].filter(Boolean);
  return `Rule on ${target}: ${parts.join(", ")}`;
}

/** Null when the shop has no such product (another shop's product is not found either). */
export async function loadProductInventory(prisma: PrismaClient, shopId: number, productShopifyId: bigint, now = new Date()): Promise<ProductInventory | null> {
  const product = await prisma.product.findFirst({ where: { shopId, shopifyId: productShopifyId } });
  if (!product) return null;
  const variants = await prisma.variant.findMany({
    where: { shopId, productId: product.id, deletedAt: null },
    include: { inventoryItem: true },
    orderBy: { id: "asc" },
  });
  const items = variants.flatMap((v) => (v.inventoryItem && v.inventoryItem.shopId === shopId ? [{ variant: v, item: v.inventoryItem }] : []));
  const itemIds = items.map((i) => i.item.id);
  const since = new Date(now.getTime() - HISTORY_DAYS * 24 * 60 * 60 * 1000);

  const [locations, channels, levels, lines, holdbacks, poLines, snapshots, pushed, history] = await Promise.all([
    prisma.location.findMany({ where: { shopId, deletedAt: null }, select: { id: true, name: true, role: true }, orderBy: { name: "asc" } }),
    prisma.channel.findMany({ where: { shopId, archivedAt: null }, select: { id: true, key: true, name: true, mode: true }, orderBy: [{ priority: "asc" }, { key: "asc" }] }),
    prisma.inventoryLevel.findMany({ where: { shopId, itemId: { in: itemIds } } }),
    prisma.orderLine.findMany({
      where: { shopId, itemId: { in: itemIds }, openQuantity: { gt: 0 }, order: { cancelledAt: null, closed: false, test: false } },
      select: { itemId: true, orderId: true, openQuantity: true, preOrder: true, order: { select: { channelId: true, preOrder: true } } },
    }),
    prisma.holdback.findMany({ where: { shopId, itemId: { in: itemIds } }, include: { channel: { select: { name: true } }, location: { select: { name: true } } }, orderBy: { id: "asc" } }),
    prisma.purchaseOrderLine.findMany({
      where: { shopId, itemId: { in: itemIds }, purchaseOrder: { status: { in: ["open", "partially_received"] } } },
      include: { purchaseOrder: { select: { id: true, number: true, eta: true, supplier: { select: { name: true } }, destinationLocation: { select: { name: true } } } } },
    }),
    prisma.availabilitySnapshot.findMany({ where: { shopId, itemId: { in: itemIds } }, include: { rule: true } }),
    prisma.pushedQuantity.findMany({ where: { shopId, itemId: { in: itemIds } }, include: { location: { select: { name: true } } }, orderBy: { pushedAt: "desc" } }),
    prisma.atsHistoryPoint.findMany({ where: { shopId, itemId: { in: itemIds }, at: { gte: since } }, orderBy: { at: "asc" } }),
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const facilities = locations.filter((l) => l.role === "facility");

  return {
    product: { id: product.id, shopifyId: product.shopifyId.toString(), title: product.title, vendor: product.vendor },
    variants: items.map(({ variant, item }) => {
      const mine = <T extends { itemId: number | null }>(rows: T[]) => rows.filter((r) => r.itemId === item.id);
      const lvl = (locationId: number, name: string) => levels.find((l) => l.itemId === item.id && l.locationId === locationId && l.name === name)?.quantity;
      const orders = new Map<number | null, { orders: Set<number>; units: number; preOrderUnits: number }>();
      for (const l of mine(lines)) {
        const key = l.order.channelId;
        const o = orders.get(key) ?? { orders: new Set<number>(), units: 0, preOrderUnits: 0 };
        o.orders.add(l.orderId);
        if (l.preOrder || l.order.preOrder) o.preOrderUnits += l.openQuantity;
        else o.units += l.openQuantity;
        orders.set(key, o);
      }
      const snaps = mine(snapshots);
      return {
        itemId: item.id,
        title: variant.title ?? variant.sku ?? "Default",
        sku: item.sku ?? variant.sku,
        tracked: item.tracked,
        facilities: facilities
          .map((f) => {
            const available = lvl(f.id, "available") ?? 0;
            const committed = lvl(f.id, "committed") ?? 0;
            return { locationId: f.id, name: f.name, onHand: lvl(f.id, "on_hand") ?? available + committed + (lvl(f.id, "reserved") ?? 0), available, committed };
          })
          .filter((f) => levels.some((l) => l.itemId === item.id && l.locationId === f.locationId)),
        openOrders: [...orders].map(([channelId, o]) => ({
          channelId,
          channel: channelId === null ? "No channel matched" : (channelName.get(channelId) ?? "Archived channel"),
          orders: o.orders.size,
          units: o.units,
          preOrderUnits: o.preOrderUnits,
        })),
        holdbacks: mine(holdbacks).map((h) => ({
          id: h.id,
          channel: h.channel?.name ?? "Every channel",
          location: h.location?.name ?? "Any facility",
          quantity: h.quantity,
          from: dateFromDb(h.from),
          until: dateFromDb(h.until),
          note: h.note,
        })),
        inbound: mine(poLines)
          .map((l) => ({
            date: dateFromDb(l.etaOverride ?? l.purchaseOrder.eta),
            quantity: Math.max(0, l.quantityOrdered - l.quantityReceived),
            purchaseOrderId: l.purchaseOrder.id,
            purchaseOrder: l.purchaseOrder.number,
            supplier: l.purchaseOrder.supplier?.name ?? null,
            destination: l.purchaseOrder.destinationLocation.name,
          }))
          .filter((l) => l.quantity > 0)
          .sort((a, b) => (a.date ?? "9999").localeCompare(b.date ?? "9999")),
        availability: channels.flatMap((c) => {
          const s = snaps.find((x) => x.channelId === c.id);
          if (!s) return [];
          const breakdown = s.breakdown && typeof s.breakdown === "object" && !Array.isArray(s.breakdown) ? (s.breakdown as Record<string, unknown>) : {};
          return [
            {
              channelId: c.id,
              channel: c.name,
              mode: c.mode,
              atp: s.atp,
              ats: s.ats,
              rule: s.rule ? { id: s.rule.id, text: describeRule(s.rule, { shopifyId: product.shopifyId.toString(), title: product.title }) } : null,
              breakdown,
              computedAt: s.computedAt.toISOString(),
            },
          ];
        }),
        pushed: mine(pushed).map((p) => ({ location: p.location.name, name: p.name, quantity: p.quantity, lastAts: p.lastAts, pushedAt: p.pushedAt.toISOString() })),
        history: channels.map((c) => ({
          channelId: c.id,
          channel: c.name,
          points: history.filter((h) => h.itemId === item.id && h.channelId === c.id).map((h) => ({ at: h.at.toISOString(), ats: h.ats, atp: h.atp })),
        })),
      };
    }),
  };
}

export interface ProductListRow {
  shopifyId: string;
  title: string;
  vendor: string | null;
  variants: number;
  skus: string[];
}

/** Products matching a title, vendor or SKU search (first 50). */
export async function searchProducts(prisma: PrismaClient, shopId: number, query: string): Promise<ProductListRow[]> {
  const q = query.trim();
  const rows = await prisma.product.findMany({
    where: {
      shopId,
      deletedAt: null,
      ...(q
        ? {
            OR: [
              { title: { contains: q, mode: "insensitive" } },
              { vendor: { contains: q, mode: "insensitive" } },
              { variants: { some: { shopId, sku: { contains: q, mode: "insensitive" } } } },
            ],
          }
        : {}),
    },
    include: { variants: { where: { shopId, deletedAt: null }, select: { sku: true } } },
    orderBy: { title: "asc" },
    take: 50,
  });
  return rows.map((p) => ({
    shopifyId: p.shopifyId.toString(),
    title: p.title,
    vendor: p.vendor,
    variants: p.variants.length,
    skus: p.variants.map((v) => v.sku).filter((s): s is string => Boolean(s)).slice(0, 6),
  }));
}
