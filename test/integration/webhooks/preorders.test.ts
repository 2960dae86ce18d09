import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "../../shopify-double";
import { uniqueSuffix } from "../../support/factories";
import { installShop, openWebProducer, post, startDouble, storeFor } from "./harness";

const { default: prisma } = await import("../../../app/db.server");
const { getProducer } = await import("../../../app/jobs/producer.server");
const { createLogger } = await import("../../../app/lib/logger");
const { processors } = await import("../../../workers/processors");
const { evaluateItemNow, forgetShopNetwork } = await import("../../../app/services/availability.server");

/**
 * Pre-orders recognised from the order webhooks (domain/preorder-rule.ts): the double's checkout
 * payloads go through the real webhook routes and the worker's processor, and the engine then
 * counts a pre-order line once, as a parked pre-order, never also as a reservation.
 */

let double: ShopifyDouble;
let web: Awaited<ReturnType<typeof openWebProducer>>;
const log = createLogger("error");

beforeAll(async () => {
  web = await openWebProducer();
  double = await startDouble(null);
});

afterAll(async () => {
  await double?.close();
  await web?.close();
});

async function newShop() {
  const domain = `preorder-${uniqueSuffix()}.myshopify.com`;
  double.seedStore(storeFor(domain));
  const shop = await installShop(double, domain);
  const online = await prisma.channel.create({ data: { shopId: shop.id, key: "online", name: "Online Store", priority: 1, matchSourceNames: ["web"] } });
  return { domain, shop, online };
}

/** Places an order at the double and applies its webhooks; `edit` changes the payload first. */
async function place(domain: string, shopId: number, action: Parameters<ShopifyDouble["order"]>[0], edit?: (payload: Record<string, unknown>) => void) {
  const from = double.deliveries(domain).at(-1)?.seq ?? 0;
  expect(double.order({ ...action, shop: domain }).accepted).toBe(true);
  for (const d of double.deliveries(domain).filter((x) => x.seq > from)) {
    if (d.topic === "orders/create") edit?.(d.payload as Record<string, unknown>);
    expect((await post(domain, d.topic, d.payload, { webhookId: d.webhookId, triggeredAt: d.triggeredAt })).status, d.topic).toBe(200);
  }
  const rows = await prisma.webhookInbox.findMany({ where: { shopId, status: { in: ["received", "failed"] } }, orderBy: { id: "asc" } });
  for (const row of rows) await processors.webhooks!({ shopId, inboxId: row.id }, {} as never, { prisma, producer: getProducer(), log });
  return prisma.order.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: BigInt(action.id) } }, include: { lines: { orderBy: { shopifyId: "asc" } } } });
}

async function onlineAtp(shopId: number, itemId: number, channelId: number) {
  const ev = await evaluateItemNow(prisma, shopId, itemId);
  return ev.result!.atp[ev.net.channelIndex.get(String(channelId))!];
}

describe("pre-orders from order webhooks", () => {
  it("an order tagged Pre-Order is a pre-order; an untagged one is not", async () => {
    const { domain, shop } = await newShop();
    const pre = await place(domain, shop.id, { id: 7101, sourceName: "web", location: 101, tags: ["gift", "Pre-Order"], lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
    expect(pre.preOrder).toBe(true);
    const plain = await place(domain, shop.id, { id: 7102, sourceName: "web", location: 101, tags: ["gift"], lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
    expect(plain.preOrder).toBe(false);
    expect(plain.lines.map((l) => l.preOrder)).toEqual([false]);
  });

  it("a line whose _preorder property is truthy is a pre-order line; its sibling is not", async () => {
    const { domain, shop } = await newShop();
    const o = await place(domain, shop.id, { id: 7201, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }, { sku: "TEE-BLK-L", qty: 1 }] }, (payload) => {
      const lines = payload.line_items as Record<string, unknown>[];
      lines[0].properties = [{ name: "_preorder", value: "true" }];
      lines[1].properties = [{ name: "_preorder", value: "false" }];
    });
    expect(o.preOrder).toBe(false);
    expect(o.lines.map((l) => [l.sku, l.preOrder])).toEqual([
      ["TEE-BLK-M", true],
      ["TEE-BLK-L", false],
    ]);
  });

  it("the engine counts a pre-order's units once, as a parked pre-order, not also as a reservation", async () => {
    const { domain, shop, online } = await newShop();
    // The first sale brings the item and its warehouse level in through the webhooks.
    await place(domain, shop.id, { id: 7300, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
    const item = await prisma.inventoryItem.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 9001n } } });
    const warehouse = await prisma.location.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId: shop.id, shopifyId: 101n } } });
    await prisma.channelFacility.create({ data: { shopId: shop.id, channelId: online.id, locationId: warehouse.id, position: 0 } });
    forgetShopNetwork(shop.id);
    const before = await onlineAtp(shop.id, item.id, online.id);
    expect(before).toBeGreaterThan(10);
    await place(domain, shop.id, { id: 7301, sourceName: "web", location: 101, lines: [{ sku: "TEE-BLK-M", qty: 3 }] });
    const afterOrder = await onlineAtp(shop.id, item.id, online.id);
    expect(afterOrder).toBe(before - 3);
    await place(domain, shop.id, { id: 7302, sourceName: "web", location: 101, tags: ["preorder"], lines: [{ sku: "TEE-BLK-M", qty: 4 }] });
    // Shopify committed the 4 units at the warehouse too; they must not come off a second time.
    expect(await onlineAtp(shop.id, item.id, online.id)).toBe(afterOrder - 4);
  });
});
