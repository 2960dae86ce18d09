import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { Db } from "./audit.server";

export const OPEN_PO_STATUSES = ["open", "partially_received"] as const;

export const purchaseOrderInclude = {
  supplier: true,
  destinationLocation: { select: { id: true, shopifyId: true, name: true } },
  lines: {
    orderBy: { id: "asc" },
    include: {
      item: { select: { id: true, sku: true } },
      preorderAllocations: { select: { quantity: true, orderLineId: true, promiseDate: true } },
    },
  },
} satisfies Prisma.PurchaseOrderInclude;

export type PurchaseOrderRow = Prisma.PurchaseOrderGetPayload<{ include: typeof purchaseOrderInclude }>;

export function findPurchaseOrder(shopId: number, id: number, db: Db = prisma): Promise<PurchaseOrderRow | null> {
  return db.purchaseOrder.findFirst({ where: { id, shopId }, include: purchaseOrderInclude });
}

export function findPurchaseOrderByNumber(shopId: number, number: string, db: Db = prisma): Promise<PurchaseOrderRow | null> {
  return db.purchaseOrder.findUnique({ where: { shopId_number: { shopId, number } }, include: purchaseOrderInclude });
}

export function listPurchaseOrders(shopId: number, filter: { status?: Prisma.PurchaseOrderWhereInput["status"] } = {}, db: Db = prisma) {
  return db.purchaseOrder.findMany({
    where: { shopId, ...(filter.status ? { status: filter.status } : {}) },
    include: purchaseOrderInclude,
    orderBy: [{ eta: "asc" }, { id: "asc" }],
  });
}

export async function insertPurchaseOrder(
  shopId: number,
  data: Omit<Prisma.PurchaseOrderUncheckedCreateInput, "shopId" | "lines">,
  lines: { itemId: number; quantityOrdered: number; etaOverride: Date | null }[],
  db: Db = prisma,
): Promise<PurchaseOrderRow> {
  const po = await db.purchaseOrder.create({
    data: { ...data, shopId, lines: { create: lines.map((l) => ({ ...l, shopId })) } },
  });
  return (await findPurchaseOrder(shopId, po.id, db)) as PurchaseOrderRow;
}

export async function updatePurchaseOrderRow(shopId: number, id: number, data: Prisma.PurchaseOrderUncheckedUpdateManyInput, db: Db = prisma): Promise<boolean> {
  const { count } = await db.purchaseOrder.updateMany({ where: { id, shopId }, data });
  return count === 1;
}

export async function updatePurchaseOrderLineRow(
  shopId: number,
  purchaseOrderId: number,
  lineId: number,
  data: Prisma.PurchaseOrderLineUncheckedUpdateManyInput,
  db: Db = prisma,
): Promise<boolean> {
  const { count } = await db.purchaseOrderLine.updateMany({ where: { id: lineId, shopId, purchaseOrderId }, data });
  return count === 1;
}

/** Open PO lines (remaining > 0 is checked by the caller) of these items, with their order's ETA and supplier. */
export function openLinesForItems(shopId: number, itemIds: readonly number[], db: Db = prisma) {
  return db.purchaseOrderLine.findMany({
    where: { shopId, itemId: { in: [...itemIds] }, purchaseOrder: { shopId, status: { in: [...OPEN_PO_STATUSES] } } },
    include: { purchaseOrder: { select: { id: true, number: true, eta: true, supplierId: true, destinationLocationId: true, supplier: true } } },
    orderBy: { id: "asc" },
  });
}

/** Open pre-order lines (unfulfilled, order not cancelled) of these items, or of every item. */
export function openPreorderLines(shopId: number, itemIds: readonly number[] | null, db: Db = prisma) {
  return db.orderLine.findMany({
    where: {
      shopId,
      openQuantity: { gt: 0 },
      itemId: itemIds === null ? { not: null } : { in: [...itemIds] },
      OR: [{ preOrder: true }, { order: { preOrder: true } }],
      order: { shopId, cancelledAt: null, test: false },
    },
    include: {
      order: { select: { id: true, shopifyId: true, name: true, channelId: true, shopifyCreatedAt: true, createdAt: true } },
      preorderAlloc: true,
    },
    orderBy: { id: "asc" },
  });
}

/** Replaces the allocations of these pre-order lines. */
export async function replacePreorderAllocations(
  shopId: number,
  orderLineIds: readonly number[],
  rows: { orderLineId: number; purchaseOrderLineId: number; quantity: number; promiseDate: Date }[],
  db: Db = prisma,
): Promise<void> {
  await db.preorderAllocation.deleteMany({ where: { shopId, orderLineId: { in: [...orderLineIds] } } });
  if (rows.length > 0) await db.preorderAllocation.createMany({ data: rows.map((r) => ({ ...r, shopId })) });
}

/** Allocations left on lines that are no longer open pre-orders (cancelled, fulfilled). */
export async function deleteStaleAllocations(shopId: number, itemIds: readonly number[], keepOrderLineIds: readonly number[], db: Db = prisma) {
  const { count } = await db.preorderAllocation.deleteMany({
    where: { shopId, orderLine: { itemId: { in: [...itemIds] } }, orderLineId: { notIn: [...keepOrderLineIds] } },
  });
  return count;
}
