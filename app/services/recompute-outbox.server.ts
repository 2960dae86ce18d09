import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import type { Logger } from "../lib/logger";
import { listShopIds } from "../models/shops.server";
import { findStaleRecomputeRequests, settleRecomputeRequest } from "../models/recompute-requests.server";
import { recomputeSeeingRequest, type AvailabilityDeps, type RecomputeOptions, type RecomputeResult } from "./availability.server";

export { recordRecomputeRequests, recordRecomputeRequestsForShop } from "../models/recompute-requests.server";

/**
 * The recompute outbox: how "this item needs a recompute" survives Redis being down and a process
 * dying between a commit and its enqueue.
 * 1. Whoever changes an item's inputs records a request in the SAME transaction
 *    (recordRecomputeRequests): webhook deliveries (apply-delivery) and configuration changes
 *    (config/context runChange).
 * 2. After commit it enqueues the recompute (enqueueRequested); a failure is logged, not thrown:
 *    the request row is still there.
 * 3. The recompute reads the request's time before it reads the item, and afterwards deletes the
 *    request only if it was not renewed meanwhile (recomputeRequested): a change that arrived
 *    during the recompute keeps its request.
 * 4. The sweeper (a timer in every worker, independent of Redis) re-enqueues requests older than
 *    `staleMs` (sweepRecomputeRequests). The queue deduplicates per shop+item, so re-enqueueing a
 *    request whose job is still waiting costs nothing.
 */

/** Queues a recompute of these items (deduplicated per shop+item by the queue contract). */
export type EnqueueRecompute = (shopId: number, itemIds: readonly number[]) => Promise<void>;

const PARALLEL_ENQUEUES = 200;

export function enqueueRecomputeWith(producer: Pick<Producer, "enqueue">): EnqueueRecompute {
  return async (shopId, itemIds) => {
    for (let i = 0; i < itemIds.length; i += PARALLEL_ENQUEUES) {
      await Promise.all(itemIds.slice(i, i + PARALLEL_ENQUEUES).map((itemId) => producer.enqueue("recompute", { shopId, itemId })));
    }
  };
}

/** After commit: enqueue the recomputes whose requests were recorded. False when it failed (the sweeper will). */
export async function enqueueRequested(enqueue: EnqueueRecompute, shopId: number, itemIds: Iterable<number>, log: Logger): Promise<boolean> {
  const ids = [...new Set(itemIds)].sort((a, b) => a - b);
  if (ids.length === 0) return true;
  try {
    await enqueue(shopId, ids);
    return true;
  } catch (error) {
    log.warn("recompute enqueue failed; the requests stay in the outbox for the sweeper", {
      shopId,
      items: ids.length,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

/** Recomputes one item and settles its outbox request (unless a newer one arrived while it ran). */
export async function recomputeRequested(
  deps: AvailabilityDeps & { prisma: PrismaClient },
  shopId: number,
  itemId: number,
  opts: RecomputeOptions = {},
): Promise<RecomputeResult & { settled: boolean }> {
  // Read with the item's inputs (one statement, one snapshot): whatever request time it sees, the
  // recompute sees its data.
  const { result, requestSeen: seen } = await recomputeSeeingRequest(deps, shopId, itemId, opts);
  const settled = seen !== null && (await settleRecomputeRequest(deps.raw ?? deps.prisma, shopId, itemId, seen));
  return { ...result, settled };
}

export interface RecomputeSweepOptions {
  /** Requests older than this are re-enqueued. */
  staleMs?: number;
  /** Requests per shop per sweep. */
  limit?: number;
  /** Only these shops (default: every shop). */
  shopIds?: number[];
  now?: Date;
}

export interface RecomputeSweepReport {
  stale: number;
  enqueued: number;
  errors: number;
}

export const RECOMPUTE_SWEEP_DEFAULTS = { staleMs: 30_000, limit: 2_000 } as const;

export async function sweepRecomputeRequests(
  deps: { prisma: PrismaClient; producer: Pick<Producer, "enqueue">; log: Logger },
  options: RecomputeSweepOptions = {},
): Promise<RecomputeSweepReport> {
  const staleMs = options.staleMs ?? RECOMPUTE_SWEEP_DEFAULTS.staleMs;
  const limit = options.limit ?? RECOMPUTE_SWEEP_DEFAULTS.limit;
  const olderThan = new Date((options.now ?? new Date()).getTime() - staleMs);
  const report: RecomputeSweepReport = { stale: 0, enqueued: 0, errors: 0 };
  const enqueue = enqueueRecomputeWith(deps.producer);
  for (const shopId of options.shopIds ?? (await listShopIds(deps.prisma))) {
    const rows = await findStaleRecomputeRequests(deps.prisma, shopId, olderThan, limit);
    if (rows.length === 0) continue;
    report.stale += rows.length;
    const ids = rows.map((r) => r.itemId);
    if (await enqueueRequested(enqueue, shopId, ids, deps.log)) report.enqueued += ids.length;
    else report.errors += ids.length;
  }
  if (report.stale > 0) deps.log.info("recompute outbox swept", { ...report });
  return report;
}
