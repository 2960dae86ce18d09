import type { PrismaClient } from "@prisma/client";
import { evaluateItemNow, recomputeItem, shopNetwork } from "../availability.server";
import { asOfFor, clockOf, dbOf, runChange, type ConfigContext } from "./context.server";

export interface RebalanceRow {
  itemId: number;
  sku: string | null;
  channelId: number;
  channel: string;
  poolBefore: number;
  poolAfter: number;
  atsBefore: number;
  atsAfter: number;
}

export interface RebalancePreview {
  asOf: string;
  /** Only the (item, ring-fenced channel) pairs whose pool or ATS would change. */
  rows: RebalanceRow[];
}

async function itemsOf(db: PrismaClient, shopId: number, itemIds: readonly number[] | undefined) {
  return db.inventoryItem.findMany({
    where: { shopId, deletedAt: null, ...(itemIds ? { id: { in: [...itemIds] } } : {}) },
    select: { id: true, sku: true },
    orderBy: { id: "asc" },
  });
}

/**
 * Each ring-fenced pool as the workers carry it now against a fresh split of today's free supply,
 * both from the recompute path itself (evaluateItemNow), so the preview is what Rebalance will do.
 */
async function compare(db: PrismaClient, shopId: number, itemIds: readonly number[] | undefined, now: Date): Promise<RebalanceRow[]> {
  const sn = await shopNetwork(db, shopId);
  const rows: RebalanceRow[] = [];
  for (const item of await itemsOf(db, shopId, itemIds)) {
    const ev = await evaluateItemNow(db, shopId, item.id, { now });
    if (!ev.result || !ev.fresh) continue;
    for (const c of ev.net.ringfenced) {
      const row = {
        itemId: item.id,
        sku: item.sku,
        channelId: Number(ev.net.channelIds[c]),
        channel: sn.cfg.channels.find((x) => x.id === Number(ev.net.channelIds[c]))?.key ?? ev.net.channelIds[c],
        poolBefore: ev.result.pool[c],
        poolAfter: ev.fresh.pool[c],
        atsBefore: ev.result.ats[c],
        atsAfter: ev.fresh.ats[c],
      };
      if (row.poolBefore !== row.poolAfter || row.atsBefore !== row.atsAfter) rows.push(row);
    }
  }
  return rows;
}

/** What "Rebalance" would do: each ring-fenced pool now and after re-applying the intended split. */
export async function previewRebalance(
  shopId: number,
  opts: { itemIds?: readonly number[] } = {},
  ctx: Pick<ConfigContext, "db" | "asOf" | "now"> = {},
): Promise<RebalancePreview> {
  const db = dbOf(ctx);
  const asOf = await asOfFor(shopId, ctx, db);
  return { asOf, rows: await compare(db, shopId, opts.itemIds, clockOf(ctx)) };
}

/**
 * Re-applies the intended split to today's stock. Each item goes through the recompute path with
 * `rebalance` (pools stored with the rebalance snapshot E_c / F_T and their carves, snapshots and
 * pending pushes written in that item's transaction); then the audit event, and a recompute job
 * per item so the worker queues the Shopify writes.
 */
export async function rebalance(shopId: number, opts: { itemIds?: readonly number[] } = {}, ctx: ConfigContext): Promise<RebalancePreview> {
  const db = dbOf(ctx);
  const asOf = await asOfFor(shopId, ctx, db);
  const now = clockOf(ctx);
  const rows = await compare(db, shopId, opts.itemIds, now);
  const items = await itemsOf(db, shopId, opts.itemIds);
  let rebalanced = 0;
  for (const item of items) {
    const r = await recomputeItem({ prisma: db }, shopId, item.id, { now, rebalance: true, enqueuePush: false, cause: `rebalance by ${ctx.actor}` });
    if (r.rebalanced) rebalanced++;
  }
  await runChange(shopId, ctx, async (change) => {
    await change.audit({
      action: "rebalance",
      entity: "pool",
      after: { asOf, items: items.length, rebalanced, changed: rows.slice(0, 500) },
      note: rows.length > 500 ? `${rows.length} pools changed; the first 500 are recorded` : null,
    });
    change.recompute(items.map((i) => i.id));
  });
  return { asOf, rows };
}
