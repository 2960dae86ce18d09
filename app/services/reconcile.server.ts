import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import { createLogger, type Logger } from "../lib/logger";
import type { AdminClient } from "../shopify/client";
import { CATALOGUE_QUERY } from "../shopify/operations/bulk-operation-run-query";
import { READ_NAMES, readInventoryQuantities, type LevelRead } from "../shopify/operations/inventory-quantities";
import { adminForShop } from "../shopify/transport.server";
import { setLevels } from "../models/pushes.server";
import { recomputeItem } from "./availability.server";
import { enqueueRecomputeWith, enqueueRequested, recordRecomputeRequests } from "./recompute-outbox.server";
import { parseCatalogueJsonl, runBulkQuery } from "./sync.server";

/**
 * Webhooks can be late, duplicated or lost, so nightly (and on demand) we read Shopify's
 * quantities, compare them with ours, repair ours, record one ReconciliationDrift per difference
 * and recompute the items that drifted. Small shops are read paged by item (`nodes`); above
 * BULK_THRESHOLD items one bulk query reads everything without spending the shop's rate limit.
 */

export interface ReconcileDeps {
  prisma: PrismaClient;
  adminFor?: (shop: string) => AdminClient;
  producer?: Pick<Producer, "enqueue">;
  log?: Logger;
}

export interface ReconcileResult {
  items: number;
  levelsCompared: number;
  drifts: number;
  driftedItems: number[];
}

const numeric = (gid: string) => BigInt(gid.replace(/^.*\//, "").replace(/\?.*$/, ""));

/** Above this many items Shopify's levels are read with one bulk query (no rate-limit cost) instead of paged. */
export const BULK_THRESHOLD = 1_000;

export async function reconcileShop(
  deps: ReconcileDeps,
  shopId: number,
  opts: { batch?: number; mode?: "auto" | "paged" | "bulk"; pollMs?: number } = {},
): Promise<ReconcileResult> {
  const { prisma } = deps;
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const client = (deps.adminFor ?? ((d) => adminForShop(prisma, d)))(shop.domain);
  const locations = await prisma.location.findMany({ where: { shopId }, select: { id: true, shopifyId: true } });
  const locBy = new Map(locations.map((l) => [l.shopifyId, l.id]));
  const result: ReconcileResult = { items: 0, levelsCompared: 0, drifts: 0, driftedItems: [] };
  const batch = opts.batch ?? 200;
  const total = await prisma.inventoryItem.count({ where: { shopId, deletedAt: null } });
  const mode = opts.mode === "paged" || opts.mode === "bulk" ? opts.mode : total > BULK_THRESHOLD ? "bulk" : "paged";
  // Bulk: the whole shop's levels at once, keyed by item; paged: read per batch below.
  let bulk: Map<string, LevelRead[]> | null = null;
  if (mode === "bulk") {
    const jsonl = await runBulkQuery(client, CATALOGUE_QUERY, { what: "reconcile", pollMs: opts.pollMs });
    bulk = new Map();
    for (const row of parseCatalogueJsonl(jsonl).rows) {
      bulk.set(row.item.id, row.levels.map((l) => ({ itemId: row.item.id, locationId: l.locationId, updatedAt: l.updatedAt, quantities: l.quantities })));
    }
  }
  let cursor = 0;
  for (;;) {
    const items = await prisma.inventoryItem.findMany({
      where: { shopId, deletedAt: null, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: batch,
      select: { id: true, shopifyId: true },
    });
    if (items.length === 0) break;
    cursor = items[items.length - 1].id;
    result.items += items.length;
    const byGid = new Map(items.map((i) => [`gid://shopify/InventoryItem/${i.shopifyId}`, i.id]));
    const levels = bulk
      ? [...byGid.keys()].flatMap((g) => bulk!.get(g) ?? [])
      : (await readInventoryQuantities(client, [...byGid.keys()], { locations: Math.max(locations.length, 1) })).levels;
    const ours = await prisma.inventoryLevel.findMany({ where: { shopId, itemId: { in: items.map((i) => i.id) } } });
    const ourBy = new Map(ours.map((l) => [`${l.itemId}:${l.locationId}:${l.name}`, l]));
    const drifted = new Set<number>();
    const now = new Date();
    await prisma.$transaction(async (tx) => {
      for (const l of levels) {
        const itemId = byGid.get(l.itemId);
        const locationId = locBy.get(numeric(l.locationId));
        if (itemId === undefined || locationId === undefined) continue;
        for (const name of READ_NAMES) {
          const actual = l.quantities[name];
          if (actual === undefined) continue;
          result.levelsCompared++;
          const mine = ourBy.get(`${itemId}:${locationId}:${name}`);
          const expected = mine?.quantity ?? 0;
          if (mine && expected === actual) continue;
          const at = l.updatedAt ? new Date(l.updatedAt) : now;
          // Guarded: a webhook newer than this read already holds the truth.
          const wrote = await setLevels(tx, shopId, [{ itemId, locationId, name, quantity: actual, at }]);
          if (wrote === 0 || expected === actual) continue; // newer state kept, or a new level at zero
          await tx.reconciliationDrift.create({
            data: { shopId, itemId, locationId, name, expected, actual, detectedAt: now, resolvedAt: now, resolution: "repaired from Shopify" },
          });
          result.drifts++;
          drifted.add(itemId);
        }
      }
      // With the repairs, durably: the recomputes survive Redis losing their jobs (the outbox).
      await recordRecomputeRequests(tx, shopId, drifted);
    });
    result.driftedItems.push(...drifted);
    if (deps.producer) await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, drifted, deps.log ?? createLogger("error"));
    else for (const itemId of drifted) await recomputeItem(deps, shopId, itemId, { cause: "reconciliation drift", enqueuePush: false });
  }
  await prisma.shop.update({ where: { id: shopId }, data: { lastReconciledAt: new Date() } });
  deps.log?.info("reconciled", { shopId, ...result, driftedItems: result.driftedItems.length });
  return result;
}
