import type { Prisma } from "@prisma/client";
import { linePromiseDay, parseDay, formatDay } from "../../domain/index";
import type { Db } from "../../models/audit.server";
import {
  findPurchaseOrder,
  insertPurchaseOrder,
  listPurchaseOrders as listPoRows,
  updatePurchaseOrderLineRow,
  updatePurchaseOrderRow,
  type PurchaseOrderRow,
} from "../../models/purchase-orders.server";
import { dateFromDb, dateToDb, NotFoundError, parseOrThrow, ValidationError, zodIssues, type FieldIssue } from "../../validation/common";
import { PO_CSV_COLUMNS, poCsvRowSchema, purchaseOrderCreateSchema, purchaseOrderUpdateSchema, receiveSchema } from "../../validation/purchasing";
import { asOfFor, dbOf, runChange, type ConfigContext } from "./context.server";
import { readImportTable, refuseIfBadRows, rowIssue } from "./csv-import.server";
import { checkFacility, itemExists, itemsBySku, resolveLocationText, resolveSku, shopLocations } from "./lookups.server";
import { allocatePreorders, type AllocationReport } from "./preorders.server";

export interface PurchaseOrderLineView {
  id: number;
  itemId: number;
  sku: string | null;
  quantityOrdered: number;
  quantityReceived: number;
  remaining: number;
  /** Pre-order units allocated to the line. */
  allocated: number;
  /** remaining − allocated: what may still be sold as pre-order against the line. */
  poAtp: number;
  eta: string | null;
  /** ETA (or today when overdue) + supplier delay + handling days. */
  promiseDate: string | null;
}

export interface PurchaseOrderView {
  id: number;
  number: string;
  status: string;
  eta: string | null;
  supplier: { id: number; name: string; onTimeRate: number; delayDays: number } | null;
  destination: { id: number; shopifyId: string; name: string };
  lines: PurchaseOrderLineView[];
}

export function purchaseOrderView(po: PurchaseOrderRow, asOf: string, handlingDays: number): PurchaseOrderView {
  const asOfDay = parseDay(asOf);
  const open = po.status === "open" || po.status === "partially_received";
  return {
    id: po.id,
    number: po.number,
    status: po.status,
    eta: dateFromDb(po.eta),
    supplier: po.supplier ? { id: po.supplier.id, name: po.supplier.name, onTimeRate: po.supplier.onTimeRate, delayDays: po.supplier.delayDays } : null,
    destination: { id: po.destinationLocation.id, shopifyId: po.destinationLocation.shopifyId.toString(), name: po.destinationLocation.name },
    lines: po.lines.map((l) => {
      const remaining = open ? Math.max(0, l.quantityOrdered - l.quantityReceived) : 0;
      const allocated = l.preorderAllocations.reduce((s, a) => s + a.quantity, 0);
      const eta = dateFromDb(l.etaOverride ?? po.eta);
      const promise =
        eta === null ? null : formatDay(linePromiseDay({ id: String(l.id), qty: remaining, eta: parseDay(eta), delayDays: po.supplier?.delayDays ?? 0 }, asOfDay, handlingDays));
      return {
        id: l.id,
        itemId: l.itemId,
        sku: l.item.sku,
        quantityOrdered: l.quantityOrdered,
        quantityReceived: l.quantityReceived,
        remaining,
        allocated,
        poAtp: Math.max(0, remaining - allocated),
        eta,
        promiseDate: promise,
      };
    }),
  };
}

async function viewOf(shopId: number, id: number, ctx: Pick<ConfigContext, "asOf">, db: Db): Promise<PurchaseOrderView> {
  const row = await findPurchaseOrder(shopId, id, db);
  if (!row) throw new NotFoundError("purchase order", id);
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { handlingDays: true } });
  return purchaseOrderView(row, await asOfFor(shopId, ctx, db), shop.handlingDays);
}

async function checkSupplier(shopId: number, supplierId: number | null | undefined, db: Db, issues: FieldIssue[]) {
  if (supplierId === null || supplierId === undefined) return;
  if (!(await db.supplier.findFirst({ where: { id: supplierId, shopId }, select: { id: true } })))
    issues.push({ path: "supplierId", message: `supplier ${supplierId} is not a supplier of this shop` });
}

export interface PurchaseOrderChangeResult {
  purchaseOrder: PurchaseOrderView;
  /** The automatic re-run of pre-order allocation for the order's items. */
  allocation: AllocationReport;
}

export async function createPurchaseOrder(shopId: number, input: unknown, ctx: ConfigContext): Promise<PurchaseOrderChangeResult> {
  const data = parseOrThrow(purchaseOrderCreateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const issues: FieldIssue[] = [];
    if (await tx.purchaseOrder.findUnique({ where: { shopId_number: { shopId, number: data.number } }, select: { id: true } }))
      issues.push({ path: "number", message: `purchase order "${data.number}" already exists` });
    await checkSupplier(shopId, data.supplierId, tx, issues);
    const locations = await shopLocations(shopId, tx);
    checkFacility(locations, data.destinationLocationId, "destinationLocationId", issues);
    const bySku = await itemsBySku(shopId, data.lines.flatMap((l) => (l.sku !== undefined && l.itemId === undefined ? [l.sku] : [])), tx);
    const lines: { itemId: number; quantityOrdered: number; etaOverride: Date | null }[] = [];
    for (const [i, l] of data.lines.entries()) {
      let itemId: number | null = null;
      if (l.itemId !== undefined) {
        if (await itemExists(shopId, l.itemId, tx)) itemId = l.itemId;
        else issues.push({ path: `lines[${i}].itemId`, message: `item ${l.itemId} is not an item of this shop` });
      } else itemId = resolveSku(bySku, l.sku as string, `lines[${i}].sku`, issues);
      if (itemId !== null) lines.push({ itemId, quantityOrdered: l.quantity, etaOverride: dateToDb(l.eta) });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    const row = await insertPurchaseOrder(
      shopId,
      { number: data.number, supplierId: data.supplierId ?? null, destinationLocationId: data.destinationLocationId, status: data.status, eta: dateToDb(data.eta) },
      lines,
      tx,
    );
    await change.audit({ action: "create", entity: "purchase_order", entityId: row.id, after: await viewOf(shopId, row.id, change.ctx, tx) });
    change.recompute(lines.map((l) => l.itemId));
    const allocation = await allocatePreorders(shopId, row.id, change.ctx);
    return { purchaseOrder: await viewOf(shopId, row.id, change.ctx, tx), allocation };
  });
}

/** Edits dates, supplier, status and line quantities; re-runs pre-order allocation when any of them moved. */
export async function updatePurchaseOrder(shopId: number, purchaseOrderId: number, input: unknown, ctx: ConfigContext): Promise<PurchaseOrderChangeResult> {
  const data = parseOrThrow(purchaseOrderUpdateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const before = await findPurchaseOrder(shopId, purchaseOrderId, tx);
    if (!before) throw new NotFoundError("purchase order", purchaseOrderId);
    const issues: FieldIssue[] = [];
    if (before.status === "received" || before.status === "cancelled") issues.push({ path: "status", message: `a ${before.status} purchase order cannot be edited` });
    await checkSupplier(shopId, data.supplierId, tx, issues);
    for (const [i, l] of (data.lines ?? []).entries()) {
      const line = before.lines.find((x) => x.id === l.id);
      if (!line) issues.push({ path: `lines[${i}].id`, message: `line ${l.id} is not a line of purchase order ${before.number}` });
      else if (l.quantity !== undefined && l.quantity < line.quantityReceived)
        issues.push({ path: `lines[${i}].quantity`, message: `must be at least the ${line.quantityReceived} already received` });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    const beforeView = await viewOf(shopId, purchaseOrderId, change.ctx, tx);
    await updatePurchaseOrderRow(
      shopId,
      purchaseOrderId,
      {
        ...(data.eta !== undefined ? { eta: dateToDb(data.eta) } : {}),
        ...(data.supplierId !== undefined ? { supplierId: data.supplierId } : {}),
        ...(data.status !== undefined ? { status: data.status } : {}),
      },
      tx,
    );
    for (const l of data.lines ?? []) {
      await updatePurchaseOrderLineRow(
        shopId,
        purchaseOrderId,
        l.id,
        { ...(l.quantity !== undefined ? { quantityOrdered: l.quantity } : {}), ...(l.eta !== undefined ? { etaOverride: dateToDb(l.eta) } : {}) },
        tx,
      );
    }
    const afterView = await viewOf(shopId, purchaseOrderId, change.ctx, tx);
    await change.audit({ action: "update", entity: "purchase_order", entityId: purchaseOrderId, before: beforeView, after: afterView });
    change.recompute(before.lines.map((l) => l.itemId));
    const allocation = await allocatePreorders(shopId, purchaseOrderId, change.ctx);
    return { purchaseOrder: await viewOf(shopId, purchaseOrderId, change.ctx, tx), allocation };
  });
}

/**
 * Records units received against lines. The on-hand increase itself happens in Shopify (the
 * merchant or a receiving app adjusts it and a webhook brings it here); this only lowers what is
 * still inbound. Allocations stay on their lines: those units are now on the shelf.
 */
export async function receivePurchaseOrder(shopId: number, purchaseOrderId: number, input: unknown, ctx: ConfigContext): Promise<PurchaseOrderView> {
  const receipts = parseOrThrow(receiveSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const before = await findPurchaseOrder(shopId, purchaseOrderId, tx);
    if (!before) throw new NotFoundError("purchase order", purchaseOrderId);
    const issues: FieldIssue[] = [];
    if (before.status !== "open" && before.status !== "partially_received")
      issues.push({ path: "status", message: `a ${before.status} purchase order cannot be received` });
    const received = new Map(before.lines.map((l) => [l.id, l.quantityReceived]));
    receipts.forEach((r, i) => {
      const line = before.lines.find((l) => l.id === r.lineId);
      if (!line) return issues.push({ path: `[${i}].lineId`, message: `line ${r.lineId} is not a line of purchase order ${before.number}` });
      const now = (received.get(line.id) as number) + r.quantity;
      if (now > line.quantityOrdered)
        issues.push({ path: `[${i}].quantity`, message: `receives more than the ${line.quantityOrdered - (received.get(line.id) as number)} still open on the line` });
      else received.set(line.id, now);
    });
    if (issues.length > 0) throw new ValidationError(issues);
    const beforeView = await viewOf(shopId, purchaseOrderId, change.ctx, tx);
    for (const [lineId, qty] of received) await updatePurchaseOrderLineRow(shopId, purchaseOrderId, lineId, { quantityReceived: qty }, tx);
    const complete = before.lines.every((l) => (received.get(l.id) as number) >= l.quantityOrdered);
    await updatePurchaseOrderRow(shopId, purchaseOrderId, { status: complete ? "received" : "partially_received" }, tx);
    const afterView = await viewOf(shopId, purchaseOrderId, change.ctx, tx);
    await change.audit({ action: "receive", entity: "purchase_order", entityId: purchaseOrderId, before: beforeView, after: afterView, note: JSON.stringify(receipts) });
    change.recompute(before.lines.map((l) => l.itemId));
    return afterView;
  });
}

export async function getPurchaseOrder(shopId: number, purchaseOrderId: number, ctx: Pick<ConfigContext, "db" | "asOf"> = {}): Promise<PurchaseOrderView> {
  return viewOf(shopId, purchaseOrderId, ctx, dbOf(ctx));
}

export async function listPurchaseOrders(
  shopId: number,
  filter: { status?: Prisma.PurchaseOrderWhereInput["status"] } = {},
  ctx: Pick<ConfigContext, "db" | "asOf"> = {},
): Promise<PurchaseOrderView[]> {
  const db = dbOf(ctx);
  const rows = await listPoRows(shopId, filter, db);
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { handlingDays: true } });
  const asOf = await asOfFor(shopId, ctx, db);
  return rows.map((r) => purchaseOrderView(r, asOf, shop.handlingDays));
}

/**
 * Imports purchase orders from CSV (one row per line; rows sharing `po_number` form one order and
 * must agree on supplier, location and eta). All or nothing, like the holdback import.
 */
export async function importPurchaseOrdersCsv(shopId: number, text: string, ctx: ConfigContext): Promise<{ created: PurchaseOrderView[]; allocation: AllocationReport[] }> {
  const table = readImportTable(text, PO_CSV_COLUMNS);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const issues: FieldIssue[] = [];
    const rows = table.records.flatMap((r) => {
      const res = poCsvRowSchema.safeParse(r.values);
      if (res.success) return [{ row: r.row, v: res.data }];
      for (const i of zodIssues(res.error)) issues.push(rowIssue(r.row, i.path || "row", i.message));
      return [];
    });
    const locations = await shopLocations(shopId, tx);
    const suppliers = new Map((await tx.supplier.findMany({ where: { shopId } })).map((s) => [s.name, s.id]));
    const bySku = await itemsBySku(shopId, rows.map((r) => r.v.sku), tx);
    const existing = new Set(
      (await tx.purchaseOrder.findMany({ where: { shopId, number: { in: rows.map((r) => r.v.po_number) } }, select: { number: true } })).map((p) => p.number),
    );
    const orders = new Map<string, { first: number; supplierId: number | null; locationId: number; eta: string; lines: { itemId: number; quantity: number; eta: string | null }[] }>();
    for (const { row, v } of rows) {
      const sub: FieldIssue[] = [];
      if (existing.has(v.po_number)) sub.push({ path: "po_number", message: `purchase order "${v.po_number}" already exists` });
      let supplierId: number | null = null;
      if (v.supplier !== "") {
        const id = suppliers.get(v.supplier);
        if (id === undefined) sub.push({ path: "supplier", message: `unknown supplier "${v.supplier}"` });
        else supplierId = id;
      }
      const loc = resolveLocationText(locations, v.location, "location", sub);
      if (loc) checkFacility(locations, loc.id, "location", sub);
      const itemId = resolveSku(bySku, v.sku, "sku", sub);
      const order = orders.get(v.po_number);
      if (order && sub.length === 0) {
        if (order.supplierId !== supplierId) sub.push({ path: "supplier", message: `differs from row ${order.first} of the same po_number` });
        if (loc && order.locationId !== loc.id) sub.push({ path: "location", message: `differs from row ${order.first} of the same po_number` });
        if (order.eta !== v.eta) sub.push({ path: "eta", message: `differs from row ${order.first} of the same po_number (use line_eta for a line's own date)` });
      }
      for (const s of sub) issues.push(rowIssue(row, s.path, s.message));
      if (sub.length > 0 || !loc || itemId === null) continue;
      const line = { itemId, quantity: v.quantity, eta: v.line_eta ?? null };
      if (order) order.lines.push(line);
      else orders.set(v.po_number, { first: row, supplierId, locationId: loc.id, eta: v.eta, lines: [line] });
    }
    refuseIfBadRows(issues);
    const created: PurchaseOrderView[] = [];
    const allocation: AllocationReport[] = [];
    for (const [number, o] of orders) {
      const res = await createPurchaseOrder(
        shopId,
        { number, supplierId: o.supplierId, destinationLocationId: o.locationId, eta: o.eta, lines: o.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, eta: l.eta })) },
        change.ctx,
      );
      created.push(res.purchaseOrder);
      allocation.push(res.allocation);
    }
    await change.audit({ action: "import", entity: "purchase_order", after: { count: created.length, numbers: created.map((c) => c.number) }, note: `CSV import of ${created.length} purchase order(s)` });
    return { created, allocation };
  });
}
