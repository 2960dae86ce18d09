import type { PrismaClient } from "@prisma/client";

export interface ShopOverview {
  domain: string;
  installedAt: string;
  sync: {
    status: "pending" | "running" | "done" | "failed";
    imported: number;
    total: number | null;
    finishedAt: string | null;
    error: string | null;
  };
  counts: {
    facilities: number;
    channelLocations: number;
    channels: number;
    products: number;
    variants: number;
    trackedItems: number;
    openPurchaseOrders: number;
    activeHoldbacks: number;
  };
  lastPushAt: string | null;
}

/**
 * What the home page shows for one shop, every query filtered by that shop's id. Returns null
 * when Ringfence holds nothing for the shop yet (no Shop row: installed but not synced).
 * Dates are ISO strings: the result goes to the browser as JSON.
 */
export async function loadShopOverview(
  prisma: PrismaClient,
  domain: string,
  now: Date = new Date(),
): Promise<ShopOverview | null> {
  const shop = await prisma.shop.findUnique({ where: { domain } });
  if (!shop) return null;
  const shopId = shop.id;

  const [facilities, channelLocations, channels, products, variants, trackedItems, openPurchaseOrders, activeHoldbacks, lastPush] =
    await Promise.all([
      prisma.location.count({ where: { shopId, role: "facility", deletedAt: null, isActive: true } }),
      prisma.location.count({ where: { shopId, role: "channel", deletedAt: null } }),
      prisma.channel.count({ where: { shopId, archivedAt: null } }),
      prisma.product.count({ where: { shopId, deletedAt: null } }),
      prisma.variant.count({ where: { shopId, deletedAt: null } }),
      prisma.inventoryItem.count({ where: { shopId, deletedAt: null, tracked: true } }),
      prisma.purchaseOrder.count({ where: { shopId, status: { in: ["open", "partially_received"] } } }),
      prisma.holdback.count({ where: { shopId, OR: [{ until: null }, { until: { gt: now } }] } }),
      prisma.pushJob.findFirst({
        where: { shopId, status: "succeeded", completedAt: { not: null } },
        orderBy: { completedAt: "desc" },
        select: { completedAt: true },
      }),
    ]);

  return {
    domain: shop.domain,
    installedAt: shop.installedAt.toISOString(),
    sync: {
      status: shop.syncStatus,
      imported: shop.syncObjectsImported,
      total: shop.syncObjectsTotal,
      finishedAt: shop.syncFinishedAt?.toISOString() ?? null,
      error: shop.syncError,
    },
    counts: { facilities, channelLocations, channels, products, variants, trackedItems, openPurchaseOrders, activeHoldbacks },
    lastPushAt: lastPush?.completedAt?.toISOString() ?? null,
  };
}
