import type { PrismaClient } from "@prisma/client";
import { jobOptionsFor } from "../jobs/contract";
import type { Producer } from "../jobs/producer.server";
import type { Logger } from "../lib/logger";
import { findDue } from "../models/inbox.server";
import { listShopIds } from "../models/shops.server";
import { sweepRecomputeRequests } from "./recompute-outbox.server";

/**
 * The inbox sweeper: what makes "a delivery answered 200 is applied" true when Redis is not.
 * - `received` rows older than `staleMs` whose job is not waiting/active/delayed in the queue
 *   (Redis was down at ingest, or lost its data) are enqueued again: a laned row's lane drain
 *   (deduplicated, so harmless while one is queued), another row's own job;
 * - `failed` rows are retried with backoff (base · 2^(attempts-1), capped), for as long as it takes;
 *   each attempt's error and count stay on the row for anyone to see.
 * It runs as a timer in every worker process, not as a BullMQ repeatable job, because it must keep
 * running when Redis has lost its keys (a job scheduler would be lost with them). Several workers
 * sweeping at once is harmless: the job id is the row id.
 * The same timer sweeps the recompute outbox (app/services/recompute-outbox.server.ts) with the
 * same `staleMs`.
 */

export interface SweepOptions {
  staleMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Rows per shop per sweep. */
  limit?: number;
  /** Only these shops (default: every shop). */
  shopIds?: number[];
  now?: Date;
}

export interface SweepDeps {
  prisma: PrismaClient;
  producer: Pick<Producer, "enqueue" | "queue">;
  log: Logger;
}

export interface SweepReport {
  due: number;
  enqueued: number;
  alreadyQueued: number;
  errors: number;
}

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

export const SWEEP_DEFAULTS = { staleMs: 30_000, baseBackoffMs: 30_000, maxBackoffMs: 60 * 60_000, limit: 500 } as const;

export async function sweepInbox(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepReport> {
  const opts = { ...SWEEP_DEFAULTS, ...options, now: options.now ?? new Date() };
  const report: SweepReport = { due: 0, enqueued: 0, alreadyQueued: 0, errors: 0 };
  const queue = deps.producer.queue("webhooks");
  for (const shopId of opts.shopIds ?? (await listShopIds(deps.prisma))) {
    const rows = await findDue(deps.prisma, shopId, opts);
    report.due += rows.length;
    // Waiting rows of a lane: the lane's drain takes them all (a no-op add while one is queued).
    const lanes = new Set(rows.flatMap((r) => (r.status === "received" && r.lane !== null ? [r.lane] : [])));
    for (const lane of lanes) {
      try {
        await deps.producer.enqueue("webhooks", { shopId, lane });
        report.enqueued += 1;
      } catch (error) {
        report.errors += 1;
        deps.log.warn("sweeper could not enqueue a lane", { shopId, lane, error: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const row of rows) {
      if (row.status === "received" && row.lane !== null) continue;
      const payload = { shopId: row.shopId, inboxId: row.id };
      const jobId = jobOptionsFor("webhooks", payload).jobId!;
      try {
        const job = await queue.getJob(jobId);
        if (job) {
          const state = await job.getState();
          if (LIVE_STATES.has(state)) {
            report.alreadyQueued += 1;
            continue;
          }
          // A finished job keeps its id and would silently swallow the re-add.
          await job.remove();
        }
        await deps.producer.enqueue("webhooks", payload);
        report.enqueued += 1;
      } catch (error) {
        report.errors += 1;
        deps.log.warn("sweeper could not enqueue a delivery", { shopId, inboxId: row.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  if (report.enqueued > 0 || report.errors > 0) deps.log.info("inbox swept", { ...report });
  return report;
}

/** Sweeps the inbox and the recompute outbox every `intervalMs` until stopped; one sweep at a time. */
export function startSweeper(deps: SweepDeps, opts: SweepOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = sweepInbox(deps, { ...opts, now: undefined })
      .catch((error) => deps.log.error("inbox sweep failed", { error }))
      .then(() => sweepRecomputeRequests(deps, { staleMs: opts.staleMs, shopIds: opts.shopIds }))
      .catch((error) => deps.log.error("recompute outbox sweep failed", { error }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
