// Row factories for integration tests. Every test creates its own shop(s) with createShop() and
// scopes everything by that shop id, so tests never see each other's rows.
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import prisma from "../../app/db.server";

let sequence = 0;
/** Unique across test files and runs sharing a database. */
export function uniqueSuffix(): string {
  sequence += 1;
  return `${Date.now().toString(36)}${sequence.toString(36)}${randomBytes(3).toString("hex")}`;
}

let lastShopifyId = BigInt(Date.now()) * 1000n;
/** A fresh numeric Shopify id (unique within this process). */
export function nextShopifyId(): bigint {
  lastShopifyId += 1n;
  return lastShopifyId;
}

export function createShop(overrides: Partial<Prisma.ShopCreateInput> = {}) {
  return prisma.shop.create({
    data: { domain: `test-${uniqueSuffix()}.myshopify.com`, ...overrides },
  });
}

export function createLocation(shopId: number, overrides: Partial<Prisma.LocationUncheckedCreateInput> = {}) {
  return prisma.location.create({
    data: { shopId, shopifyId: nextShopifyId(), name: `Location ${uniqueSuffix()}`, ...overrides },
  });
}

export interface ChannelInput extends Partial<Omit<Prisma.ChannelUncheckedCreateInput, "facilities">> {
  /** Location ids of the facility group, in order. */
  facilities?: number[];
}

export async function createChannel(shopId: number, input: ChannelInput = {}) {
  const { facilities = [], ...overrides } = input;
  const key = overrides.key ?? `ch-${uniqueSuffix()}`;
  return prisma.channel.create({
    data: {
      shopId,
      key,
      name: key,
      ...overrides,
      facilities: {
        create: facilities.map((locationId, position) => ({ shopId, locationId, position })),
      },
    },
    include: { facilities: { orderBy: { position: "asc" } } },
  });
}

export interface ItemInput {
  sku?: string;
  title?: string;
  vendor?: string;
  tags?: string[];
  collections?: string[];
}

/** A product with one variant and its inventory item (the unit everything is computed for). */
export async function createItem(shopId: number, input: ItemInput = {}) {
  const sku = input.sku ?? `SKU-${uniqueSuffix()}`;
  const product = await prisma.product.create({
    data: {
      shopId,
      shopifyId: nextShopifyId(),
      title: input.title ?? `Product ${sku}`,
      vendor: input.vendor ?? null,
      tags: input.tags ?? [],
      collections: input.collections ?? [],
    },
  });
  const variant = await prisma.variant.create({
    data: { shopId, productId: product.id, shopifyId: nextShopifyId(), sku, title: sku },
  });
  const item = await prisma.inventoryItem.create({
    data: { shopId, shopifyId: nextShopifyId(), variantId: variant.id, sku },
  });
  return { product, variant, item };
}

export function setLevel(shopId: number, itemId: number, locationId: number, name: string, quantity: number) {
  return prisma.inventoryLevel.upsert({
    where: { shopId_itemId_locationId_name: { shopId, itemId, locationId, name } },
    create: { shopId, itemId, locationId, name, quantity, shopifyUpdatedAt: new Date() },
    update: { quantity, shopifyUpdatedAt: new Date() },
  });
}

export interface OrderInput extends Partial<Omit<Prisma.OrderUncheckedCreateInput, "lines">> {
  lines: Array<{ itemId: number; quantity: number; openQuantity?: number; assignedLocationId?: number; dueDate?: Date }>;
}

export function createOrder(shopId: number, input: OrderInput) {
  const { lines, ...overrides } = input;
  return prisma.order.create({
    data: {
      shopId,
      shopifyId: nextShopifyId(),
      name: `#${uniqueSuffix()}`,
      shopifyCreatedAt: new Date(),
      shopifyUpdatedAt: new Date(),
      ...overrides,
      lines: {
        create: lines.map((line) => ({
          shopId,
          shopifyId: nextShopifyId(),
          itemId: line.itemId,
          quantity: line.quantity,
          openQuantity: line.openQuantity ?? line.quantity,
          assignedLocationId: line.assignedLocationId ?? null,
          dueDate: line.dueDate ?? null,
        })),
      },
    },
    include: { lines: true },
  });
}

export function createSupplier(shopId: number, overrides: Partial<Prisma.SupplierUncheckedCreateInput> = {}) {
  return prisma.supplier.create({ data: { shopId, name: `Supplier ${uniqueSuffix()}`, ...overrides } });
}

export interface PurchaseOrderInput extends Partial<Omit<Prisma.PurchaseOrderUncheckedCreateInput, "lines">> {
  destinationLocationId: number;
  lines: Array<{ itemId: number; quantityOrdered: number; quantityReceived?: number; etaOverride?: Date }>;
}

export function createPurchaseOrder(shopId: number, input: PurchaseOrderInput) {
  const { lines, ...overrides } = input;
  return prisma.purchaseOrder.create({
    data: {
      shopId,
      number: `PO-${uniqueSuffix()}`,
      ...overrides,
      lines: { create: lines.map((line) => ({ shopId, ...line })) },
    },
    include: { lines: true },
  });
}

/**
 * A shop with at least one row in every shop-scoped table: a facility and a channel location,
 * a ring-fenced channel, an item with levels, an order, a holdback, a PO with a pre-order
 * allocated to it, a rule, a pool with its carve, snapshots, history, a pushed quantity, a push
 * job, an audit event, an inbox delivery and a drift record.
 */
export async function seedShopGraph(shopId: number) {
  const facility = await createLocation(shopId, { name: "Warehouse" });
  const channelLocation = await createLocation(shopId, { name: "Amazon (channel)", role: "channel", fulfillsOnlineOrders: false });
  const channel = await createChannel(shopId, {
    key: "amazon",
    mode: "ringfenced",
    percent: 30,
    facilities: [facility.id],
    publishLocationId: channelLocation.id,
    matchSourceNames: ["amazon"],
  });
  const { product, variant, item } = await createItem(shopId, { sku: `TEE-${uniqueSuffix()}`, vendor: "Acme", tags: ["core"] });
  await setLevel(shopId, item.id, facility.id, "on_hand", 40);
  await setLevel(shopId, item.id, facility.id, "available", 38);
  const order = await createOrder(shopId, {
    channelId: channel.id,
    sourceName: "amazon",
    lines: [{ itemId: item.id, quantity: 2, assignedLocationId: facility.id }],
  });
  const preorder = await createOrder(shopId, { channelId: channel.id, preOrder: true, lines: [{ itemId: item.id, quantity: 1 }] });
  const holdback = await prisma.holdback.create({
    data: { shopId, itemId: item.id, channelId: channel.id, locationId: facility.id, quantity: 5, note: "size run" },
  });
  const supplier = await createSupplier(shopId, { onTimeRate: 0.7, delayDays: 7 });
  const purchaseOrder = await createPurchaseOrder(shopId, {
    supplierId: supplier.id,
    destinationLocationId: facility.id,
    eta: new Date("2026-12-04T00:00:00Z"),
    lines: [{ itemId: item.id, quantityOrdered: 100 }],
  });
  const allocation = await prisma.preorderAllocation.create({
    data: {
      shopId,
      orderLineId: preorder.lines[0].id,
      purchaseOrderLineId: purchaseOrder.lines[0].id,
      quantity: 1,
      promiseDate: new Date("2026-12-11T00:00:00Z"),
    },
  });
  const rule = await prisma.exposureRule.create({
    data: { shopId, channelId: channel.id, targetKind: "vendor", targetValue: "Acme", percent: 70, cap: 40 },
  });
  const pool = await prisma.ringfencePool.create({
    data: { shopId, itemId: item.id, channelId: channel.id, quantity: 9, entitlement: 11, freeSupplyAtRebalance: 33, rebalancedAt: new Date() },
  });
  const carve = await prisma.poolCarve.create({ data: { shopId, poolId: pool.id, locationId: facility.id, quantity: 9 } });
  const snapshot = await prisma.availabilitySnapshot.create({
    data: { shopId, itemId: item.id, channelId: channel.id, atp: 33, ats: 9, ruleId: rule.id, breakdown: { onHand: 40 }, computedAt: new Date() },
  });
  const history = await prisma.atsHistoryPoint.create({
    data: { shopId, itemId: item.id, channelId: channel.id, atp: 33, ats: 9, at: new Date() },
  });
  const pushJob = await prisma.pushJob.create({
    data: {
      shopId,
      idempotencyKey: `key-${uniqueSuffix()}`,
      quantityName: "available",
      reason: "correction",
      actor: "test",
      cause: "seed",
      entries: { create: [{ shopId, itemId: item.id, locationId: channelLocation.id, channelId: channel.id, before: 10, after: 9, ats: 9 }] },
    },
  });
  const pushed = await prisma.pushedQuantity.create({
    data: { shopId, itemId: item.id, locationId: channelLocation.id, name: "available", quantity: 9, lastAts: 9, pushedAt: new Date(), pushJobId: pushJob.id },
  });
  const audit = await prisma.auditEvent.create({
    data: { shopId, actor: "test", action: "create", entity: "Holdback", entityId: String(holdback.id), after: { quantity: 5 } },
  });
  const delivery = await prisma.webhookInbox.create({
    data: { shopId, webhookId: `wh-${uniqueSuffix()}`, topic: "ORDERS_CREATE", payload: { id: Number(order.shopifyId) } },
  });
  const drift = await prisma.reconciliationDrift.create({
    data: { shopId, itemId: item.id, locationId: facility.id, name: "available", expected: 38, actual: 37 },
  });
  const recomputeRequest = await prisma.recomputeRequest.create({ data: { shopId, itemId: item.id } });
  const routedMove = await prisma.routedMove.create({
    data: { shopId, fulfillmentOrderShopifyId: 1n, orderShopifyId: order.shopifyId, sourceShopifyId: channelLocation.shopifyId, destinationShopifyId: facility.shopifyId },
  });
  return {
    facility, channelLocation, channel, product, variant, item, order, preorder, holdback, supplier,
    purchaseOrder, allocation, rule, pool, carve, snapshot, history, pushJob, pushed, audit, delivery, drift,
    recomputeRequest, routedMove,
  };
}

/** Empties every application table (keeps the migration history). Prefer per-test shops. */
export async function truncateAll(): Promise<void> {
  const tables = await prisma.$queryRaw<Array<{ tablename: string }>>`
    SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map((t) => `"public"."${t.tablename}"`).join(", ");
  await prisma.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}
