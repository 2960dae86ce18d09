import { allocatePreorders, type AllocationReport } from "../../app/services/config/preorders.server";
import { LOCATIONS } from "./demo-store";
import type { Stack } from "./stack";

/**
 * The demo's pre-orders on PO-1001: web orders for the Denim Jacket drop, placed through the
 * double's checkout like any order, then flagged as pre-orders and allocated to the purchase order
 * with the same service as the PO page's "Allocate pre-orders".
 *
 * Why the flag is set here: webhook ingestion does not mark pre-orders yet (no Shopify field says
 * "pre-order"; a tag convention is still to be decided), so the demo flags its own orders by id
 * once they have arrived through the real webhook path.
 */
export const PREORDERS = [
  { id: 90_001, sku: "JKT-IND-M", qty: 1 },
  { id: 90_002, sku: "JKT-IND-S", qty: 1 },
  { id: 90_003, sku: "JKT-IND-M", qty: 2 },
  { id: 90_004, sku: "JKT-IND-L", qty: 1 },
] as const;

export async function seedPreorders(stack: Stack, shop: string, shopId: number): Promise<AllocationReport> {
  const accepted: bigint[] = [];
  for (const p of PREORDERS) {
    const res = stack.double.order({ id: p.id, shop, sourceName: "web", location: LOCATIONS.warehouse, tags: ["pre-order"], lines: [{ sku: p.sku, qty: p.qty }] });
    if (res.accepted) accepted.push(BigInt(p.id));
  }
  await stack.waitIdle({ shops: [shop] });
  const { count } = await stack.prisma.order.updateMany({ where: { shopId, shopifyId: { in: accepted } }, data: { preOrder: true } });
  if (count !== accepted.length) throw new Error(`pre-orders: ${accepted.length} orders placed but ${count} arrived in the app`);
  const po = await stack.prisma.purchaseOrder.findUniqueOrThrow({ where: { shopId_number: { shopId, number: "PO-1001" } }, select: { id: true } });
  const report = await allocatePreorders(shopId, po.id, {
    actor: "demo",
    db: stack.prisma,
    enqueueRecompute: async (id, itemIds) => {
      for (const itemId of itemIds) await stack.producer.enqueue("recompute", { shopId: id, itemId });
    },
  });
  await stack.waitIdle({ shops: [shop] });
  return report;
}
