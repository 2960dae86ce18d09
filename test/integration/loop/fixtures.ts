import prisma from "../../../app/db.server";
import { syncShop } from "../../../app/services/sync.server";
import { refreshLevelsFromShopify } from "../../../app/services/push.server";
import type { Bench } from "./harness";

/** Sync a bench shop and add a marketplace channel published to channel location 901. */
export async function syncWithAmazon(bench: Bench, shop: string, opts: { percent?: number } = {}) {
  const shopId = bench.shops.get(shop)!;
  await syncShop({ prisma, adminFor: (d) => bench.adminFor(d), pollMs: 10 }, shopId, "initial");
  const loc = async (shopifyId: number) => prisma.location.findFirstOrThrow({ where: { shopId, shopifyId: BigInt(shopifyId) } });
  const [l101, l102, l901] = await Promise.all([loc(101), loc(102), loc(901)]);
  await prisma.location.update({ where: { id: l901.id }, data: { role: "channel" } });
  const amazon = await prisma.channel.create({
    data: {
      shopId,
      key: "amazon",
      name: "Amazon",
      priority: 2,
      percent: opts.percent ?? 50,
      publishKind: "location",
      publishLocationId: l901.id,
      matchSourceNames: ["amazon"],
      facilities: { create: [{ shopId, locationId: l101.id, position: 0 }] },
    },
  });
  const web = await prisma.channel.findFirstOrThrow({ where: { shopId, key: "online-store" } });
  return { shopId, l101, l102, l901, amazon, web };
}

export async function itemOf(shopId: number, sku: string) {
  return prisma.inventoryItem.findFirstOrThrow({ where: { shopId, sku } });
}

/** What the webhook side would record for an order Shopify took (orders/create + routing). */
export async function mirrorOrder(shopId: number, o: { shopifyId: number; channelId: number; itemId: number; qty: number; locationId: number | null; sourceName: string }) {
  const now = new Date();
  return prisma.order.create({
    data: {
      shopId,
      shopifyId: BigInt(o.shopifyId),
      channelId: o.channelId,
      sourceName: o.sourceName,
      shopifyCreatedAt: now,
      shopifyUpdatedAt: now,
      lines: { create: [{ shopId, shopifyId: BigInt(o.shopifyId * 10 + 1), itemId: o.itemId, quantity: o.qty, openQuantity: o.qty, assignedLocationId: o.locationId }] },
    },
  });
}

/** What inventory_levels/update webhooks would record: Shopify's quantities for the items. */
export async function mirrorLevels(bench: Bench, shop: string, itemIds: number[]) {
  const shopId = bench.shops.get(shop)!;
  const items = await prisma.inventoryItem.findMany({ where: { shopId, id: { in: itemIds } } });
  await refreshLevelsFromShopify(prisma, shopId, bench.adminFor(shop), new Map(items.map((i) => [`gid://shopify/InventoryItem/${i.shopifyId}`, i.id])));
}
