import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { Db } from "./audit.server";

export function findSupplier(shopId: number, id: number, db: Db = prisma) {
  return db.supplier.findFirst({ where: { id, shopId } });
}

export function findSupplierByName(shopId: number, name: string, db: Db = prisma) {
  return db.supplier.findUnique({ where: { shopId_name: { shopId, name } } });
}

export function listSuppliers(shopId: number, db: Db = prisma) {
  return db.supplier.findMany({ where: { shopId }, orderBy: { name: "asc" } });
}

export function insertSupplier(shopId: number, data: Omit<Prisma.SupplierUncheckedCreateInput, "shopId">, db: Db = prisma) {
  return db.supplier.create({ data: { ...data, shopId } });
}

export async function updateSupplierRow(shopId: number, id: number, data: Prisma.SupplierUncheckedUpdateManyInput, db: Db = prisma): Promise<boolean> {
  const { count } = await db.supplier.updateMany({ where: { id, shopId }, data });
  return count === 1;
}

/** Items on open lines of this supplier's purchase orders (their inbound is discounted by it). */
export async function itemsSuppliedBy(shopId: number, supplierId: number, db: Db = prisma): Promise<number[]> {
  const lines = await db.purchaseOrderLine.findMany({
    where: { shopId, purchaseOrder: { shopId, supplierId, status: { in: ["open", "partially_received"] } } },
    select: { itemId: true },
    distinct: ["itemId"],
  });
  return lines.map((l) => l.itemId);
}
