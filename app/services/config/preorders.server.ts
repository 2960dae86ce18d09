import { reallocatePreorders, parseDay, formatDay, type PoLine, type Preorder, type PreorderPlacement } from "../../domain/index";
import { deleteStaleAllocations, openLinesForItems, openPreorderLines, replacePreorderAllocations } from "../../models/purchase-orders.server";
import { dateFromDb, dateToDb, NotFoundError } from "../../validation/common";
import { asOfFor, runChange, type ConfigContext } from "./context.server";

export interface PlacedPreorder {
  orderLineId: number;
  orderId: number;
  orderName: string | null;
  itemId: number;
  quantity: number;
  purchaseOrderLineId: number;
  purchaseOrderNumber: string;
  promiseDate: string;
}

export interface ParkedPreorder {
  orderLineId: number;
  orderId: number;
  orderName: string | null;
  itemId: number;
  quantity: number;
}

export interface MovedPreorder {
  orderLineId: number;
  orderName: string | null;
  from: { purchaseOrderLineId: number | null; promiseDate: string | null };
  to: { purchaseOrderLineId: number | null; promiseDate: string | null };
}

export interface AllocationReport {
  asOf: string;
  placed: PlacedPreorder[];
  parked: ParkedPreorder[];
  /** Pre-orders whose line or promise date changed against the stored allocation. */
  moved: MovedPreorder[];
}

const toId = (s: string | null) => (s === null ? null : Number(s));

/**
 * Allocates parked and placed pre-orders to open purchase-order lines with the engine's pure
 * first fit (oldest pre-order first, earliest ETA first, never split) and stores the result with
 * promise dates (ETA + supplier delay + the shop's handling days).
 *
 * With a purchase order: the items on that order are re-allocated across all their open lines
 * (a pre-order may belong on an earlier PO); without: every item that has pre-orders.
 */
export async function allocatePreorders(shopId: number, purchaseOrderId: number | null | undefined, ctx: ConfigContext): Promise<AllocationReport> {
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    let itemIds: number[];
    if (purchaseOrderId !== undefined && purchaseOrderId !== null) {
      const po = await tx.purchaseOrder.findFirst({ where: { id: purchaseOrderId, shopId }, select: { lines: { select: { itemId: true } } } });
      if (!po) throw new NotFoundError("purchase order", purchaseOrderId);
      itemIds = [...new Set(po.lines.map((l) => l.itemId))];
    } else {
      const lines = await openPreorderLines(shopId, null, tx);
      const allocated = await tx.preorderAllocation.findMany({ where: { shopId }, select: { orderLine: { select: { itemId: true } } } });
      itemIds = [...new Set([...lines.map((l) => l.itemId as number), ...allocated.map((a) => a.orderLine.itemId).filter((i): i is number => i !== null)])];
    }
    const asOf = await asOfFor(shopId, change.ctx, tx);
    const report: AllocationReport = { asOf, placed: [], parked: [], moved: [] };
    if (itemIds.length === 0) return report;

    const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: { handlingDays: true } });
    const asOfDay = parseDay(asOf);
    const poLines = await openLinesForItems(shopId, itemIds, tx);
    const preLines = await openPreorderLines(shopId, itemIds, tx);
    const poNumber = new Map(poLines.map((l) => [l.id, l.purchaseOrder.number]));

    const rows: { orderLineId: number; purchaseOrderLineId: number; quantity: number; promiseDate: Date }[] = [];
    for (const itemId of itemIds) {
      const lines: PoLine[] = [];
      for (const l of poLines) {
        if (l.itemId !== itemId) continue;
        const eta = dateFromDb(l.etaOverride ?? l.purchaseOrder.eta);
        const remaining = l.quantityOrdered - l.quantityReceived;
        if (eta === null || remaining <= 0) continue;
        lines.push({ id: String(l.id), qty: remaining, eta: parseDay(eta), delayDays: l.purchaseOrder.supplier?.delayDays ?? 0 });
      }
      const mine = preLines.filter((p) => p.itemId === itemId);
      const preorders: Preorder[] = mine.map((p) => ({
        id: String(p.id),
        qty: p.openQuantity,
        placedAt: parseDay(dateFromDb(p.order.shopifyCreatedAt ?? p.order.createdAt)),
      }));
      const previous: PreorderPlacement[] = mine
        .filter((p) => p.preorderAlloc)
        .map((p) => ({ id: String(p.id), inbound: String(p.preorderAlloc!.purchaseOrderLineId), promiseDay: parseDay(dateFromDb(p.preorderAlloc!.promiseDate)) }));
      const result = reallocatePreorders(lines, preorders, previous, asOfDay, shop.handlingDays);
      const byId = new Map(mine.map((p) => [String(p.id), p]));
      for (const placement of result.placements) {
        const p = byId.get(placement.id)!;
        const base = { orderLineId: p.id, orderId: p.order.id, orderName: p.order.name, itemId, quantity: p.openQuantity };
        if (placement.inbound === null) {
          report.parked.push(base);
        } else {
          const promiseDate = formatDay(placement.promiseDay as number);
          const purchaseOrderLineId = Number(placement.inbound);
          rows.push({ orderLineId: p.id, purchaseOrderLineId, quantity: p.openQuantity, promiseDate: dateToDb(promiseDate) });
          report.placed.push({ ...base, purchaseOrderLineId, purchaseOrderNumber: poNumber.get(purchaseOrderLineId) as string, promiseDate });
        }
      }
      for (const m of result.moved) {
        report.moved.push({
          orderLineId: Number(m.id),
          orderName: byId.get(m.id)?.order.name ?? null,
          from: { purchaseOrderLineId: toId(m.from.inbound), promiseDate: m.from.promiseDay === null ? null : formatDay(m.from.promiseDay) },
          to: { purchaseOrderLineId: toId(m.to.inbound), promiseDate: m.to.promiseDay === null ? null : formatDay(m.to.promiseDay) },
        });
      }
    }
    await replacePreorderAllocations(shopId, preLines.map((p) => p.id), rows, tx);
    const stale = await deleteStaleAllocations(shopId, itemIds, preLines.map((p) => p.id), tx);
    await change.audit({
      action: "allocate",
      entity: "preorder_allocation",
      entityId: purchaseOrderId ?? null,
      after: { placed: report.placed.length, parked: report.parked.length, moved: report.moved, staleRemoved: stale },
    });
    change.recompute(itemIds);
    return report;
  });
}
