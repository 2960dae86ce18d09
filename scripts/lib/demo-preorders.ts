import { allocatePreorders, type AllocationReport } from "../../app/services/config/preorders.server";
import { LOCATIONS } from "./demo-store";
import type { Stack } from "./stack";

/**
 * The demo's pre-orders on PO-1001: web orders for the Denim Jacket drop, placed through the
 * double's checkout with the `pre-order` tag, so webhook ingestion marks them as pre-orders
 * (app/domain/preorder-rule.ts), then allocated to the purchase order with the same service as
 * the PO page's "Allocate pre-orders".
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
  const count = await stack.prisma.order.count({ where: { shopId, shopifyId: { in: accepted }, preOrder: true } });
  if (count !== accepted.length) throw new Error(`pre-orders: ${accepted.length} orders placed but ${count} arrived in the app as pre-orders`);
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
