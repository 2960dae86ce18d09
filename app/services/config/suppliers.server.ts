import { Prisma } from "@prisma/client";
import { findSupplier, insertSupplier, itemsSuppliedBy, listSuppliers as listSupplierRows, updateSupplierRow } from "../../models/suppliers.server";
import { NotFoundError, parseOrThrow, ValidationError } from "../../validation/common";
import { supplierCreateSchema, supplierUpdateSchema } from "../../validation/purchasing";
import { dbOf, runChange, type ConfigContext } from "./context.server";
import { allocatePreorders } from "./preorders.server";

export interface SupplierView {
  id: number;
  name: string;
  onTimeRate: number;
  delayDays: number;
}

const view = (s: { id: number; name: string; onTimeRate: number; delayDays: number }): SupplierView => ({
  id: s.id,
  name: s.name,
  onTimeRate: s.onTimeRate,
  delayDays: s.delayDays,
});

function duplicateName(error: unknown, name: string | undefined): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new ValidationError([{ path: "name", message: `a supplier named "${name}" already exists` }]);
  }
  throw error;
}

export async function createSupplier(shopId: number, input: unknown, ctx: ConfigContext): Promise<SupplierView> {
  const data = parseOrThrow(supplierCreateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    if (await change.tx.supplier.findUnique({ where: { shopId_name: { shopId, name: data.name } } })) {
      throw new ValidationError([{ path: "name", message: `a supplier named "${data.name}" already exists` }]);
    }
    const row = await insertSupplier(shopId, data, change.tx).catch((e) => duplicateName(e, data.name));
    await change.audit({ action: "create", entity: "supplier", entityId: row.id, after: view(row) });
    return view(row);
  });
}

/** A new on-time rate or delay re-discounts every open PO line of the supplier. */
export async function updateSupplier(shopId: number, supplierId: number, input: unknown, ctx: ConfigContext): Promise<SupplierView> {
  const data = parseOrThrow(supplierUpdateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const before = await findSupplier(shopId, supplierId, change.tx);
    if (!before) throw new NotFoundError("supplier", supplierId);
    if (data.name !== undefined && data.name !== before.name && (await change.tx.supplier.findUnique({ where: { shopId_name: { shopId, name: data.name } } }))) {
      throw new ValidationError([{ path: "name", message: `a supplier named "${data.name}" already exists` }]);
    }
    await updateSupplierRow(shopId, supplierId, data, change.tx);
    const after = (await findSupplier(shopId, supplierId, change.tx)) as NonNullable<typeof before>;
    await change.audit({ action: "update", entity: "supplier", entityId: supplierId, before: view(before), after: view(after) });
    if (after.onTimeRate !== before.onTimeRate || after.delayDays !== before.delayDays) {
      change.recompute(await itemsSuppliedBy(shopId, supplierId, change.tx));
    }
    if (after.delayDays !== before.delayDays) {
      // Promise dates include the supplier's delay, so they move with it.
      const pos = await change.tx.purchaseOrder.findMany({ where: { shopId, supplierId, status: { in: ["open", "partially_received"] } }, select: { id: true } });
      for (const po of pos) await allocatePreorders(shopId, po.id, change.ctx);
    }
    return view(after);
  });
}

export async function getSupplier(shopId: number, supplierId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<SupplierView> {
  const row = await findSupplier(shopId, supplierId, dbOf(ctx));
  if (!row) throw new NotFoundError("supplier", supplierId);
  return view(row);
}

export async function listSuppliers(shopId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<SupplierView[]> {
  return (await listSupplierRows(shopId, dbOf(ctx))).map(view);
}
