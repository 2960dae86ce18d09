import type { JobsOptions } from "bullmq";
import { z } from "zod";
import { LANES } from "../services/inbox-lanes";

/**
 * The queue contract shared by the web process (producers) and the worker process (consumers):
 * queue names, job names, one zod payload schema each, job identity and default options.
 * Payloads carry ids only, never tokens or Shopify data: the worker reads current state from the
 * database, so a job that runs late or twice still acts on the truth. Schemas are strict, so a
 * stray field (an access token, a whole webhook body) is rejected at enqueue time.
 */

const dbId = z.number().int().positive();

export interface QueueSpec<Payload extends z.ZodTypeAny = z.ZodTypeAny, JobName extends string = string> {
  /** The one job name this queue carries. */
  job: JobName;
  payload: Payload;
  /** jobId / deduplication derived from the payload (never a random id). */
  identity?(payload: z.infer<Payload>): Pick<JobsOptions, "jobId" | "deduplication">;
  /** Per-queue overrides of DEFAULT_JOB_OPTIONS. */
  options?: JobsOptions;
  /** Jobs one worker process runs at once on this queue (WORKER_CONCURRENCY overrides). */
  concurrency: number;
}

function defineQueue<Payload extends z.ZodTypeAny, JobName extends string>(spec: QueueSpec<Payload, JobName>) {
  return spec;
}

/**
 * A BullMQ job or deduplication id from parts joined by "-". BullMQ reserves ":" (it separates
 * Redis key segments) and rejects ids made only of digits, so both are refused here.
 */
export function jobKey(...parts: (string | number)[]): string {
  const key = parts.map(String).join("-");
  if (key.includes(":")) throw new Error(`job id must not contain ":": ${JSON.stringify(key)}`);
  if (/^\d+$/.test(key)) throw new Error(`job id must not be digits only: ${JSON.stringify(key)}`);
  return key;
}

/** The deduplication id of a shop's lane drain (at most one active and one waiting per lane). */
export function laneJobKey(shopId: number, lane: number): string {
  return jobKey("inbox", shopId, "lane", lane);
}

export const DEFAULT_JOB_OPTIONS = {
  // 2 s, 4 s, ... 256 s: about 8.5 minutes of retries before a job is left in the failed set,
  // where it stays visible (and the database row it points at says what is pending).
  attempts: 8,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { count: 1_000, age: 24 * 60 * 60 },
  removeOnFail: { count: 10_000, age: 14 * 24 * 60 * 60 },
} as const satisfies JobsOptions;

/** How long a recompute request waits for more changes to the same item (see the recompute queue). */
export const RECOMPUTE_DEBOUNCE_MS = 500;

export const queues = {
  /**
   * Apply recorded webhook deliveries (webhook_inbox rows): `{shopId, lane}` drains one lane of the
   * shop's high-volume topics in batches (app/services/inbox-lanes.ts), one job per lane at a time
   * (one arriving while it runs queues exactly one follow-up); `{shopId, inboxId}` applies one row
   * (the other topics, retries of a failed row, the sweeper).
   */
  webhooks: defineQueue({
    job: "process-inbox",
    payload: z.union([z.object({ shopId: dbId, inboxId: dbId }).strict(), z.object({ shopId: dbId, lane: z.number().int().min(0).max(LANES - 1) }).strict()]),
    identity: (p) =>
      "inboxId" in p ? { jobId: jobKey("inbox", p.inboxId) } : { deduplication: { id: laneJobKey(p.shopId, p.lane), keepLastIfActive: true } },
    // A few at a time keep the database pool for recomputes and pushes.
    concurrency: 4,
  }),
  /**
   * Recompute ATP/ATS for one inventory item. Only the latest state matters, so additions while
   * one is waiting are dropped, and one arriving while it runs queues exactly one follow-up.
   */
  recompute: defineQueue({
    job: "recompute-item",
    payload: z.object({ shopId: dbId, itemId: dbId }).strict(),
    identity: (p) => ({ deduplication: { id: jobKey("recompute", p.shopId, p.itemId), keepLastIfActive: true } }),
    // A short debounce: an order's delivery and the inventory update Shopify sends with it (and
    // the next orders of a hot variant) land in one recompute instead of one each.
    options: { delay: RECOMPUTE_DEBOUNCE_MS },
    concurrency: 10,
  }),
  /** Write a shop's pending quantities to Shopify (batched, compare-and-swap). */
  push: defineQueue({
    job: "push-shop",
    payload: z.object({ shopId: dbId }).strict(),
    identity: (p) => ({ deduplication: { id: jobKey("push", p.shopId), keepLastIfActive: true } }),
    concurrency: 4,
  }),
  /**
   * Move the shop's orders that landed on a channel location to a facility of the channel
   * (routeChannelOrders). Queued after each push, apart from it: a push never waits behind the
   * routing calls, which cost most of a flash sale's Shopify budget.
   */
  route: defineQueue({
    job: "route-shop",
    payload: z.object({ shopId: dbId }).strict(),
    identity: (p) => ({ deduplication: { id: jobKey("route", p.shopId), keepLastIfActive: true } }),
    concurrency: 1,
  }),
  /** Initial (on install) or full (bulk operation) import of a shop's catalogue, stock and orders. */
  sync: defineQueue({
    job: "sync-shop",
    payload: z.object({ shopId: dbId, mode: z.enum(["initial", "full"]) }).strict(),
    identity: (p) => ({ deduplication: { id: jobKey("sync", p.shopId), keepLastIfActive: true } }),
    options: { attempts: 5, backoff: { type: "exponential", delay: 30_000 } },
    concurrency: 2,
  }),
  /** Compare Shopify's quantities with what we last pushed and repair drift. */
  reconcile: defineQueue({
    job: "reconcile-shop",
    payload: z.object({ shopId: dbId }).strict(),
    identity: (p) => ({ deduplication: { id: jobKey("reconcile", p.shopId) } }),
    options: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } },
    concurrency: 2,
  }),
  /** Liveness probe: a worker answers with its pid after checking it can reach PostgreSQL. */
  health: defineQueue({
    job: "ping",
    payload: z.object({ nonce: z.string().min(1).max(100) }).strict(),
    options: { attempts: 1, removeOnComplete: { count: 100, age: 60 * 60 }, removeOnFail: { count: 100 } },
    concurrency: 1,
  }),
};

export type QueueName = keyof typeof queues;
export type PayloadOf<Q extends QueueName> = z.infer<(typeof queues)[Q]["payload"]>;
export type JobNameOf<Q extends QueueName> = (typeof queues)[Q]["job"];

export const QUEUE_NAMES = Object.keys(queues) as QueueName[];

export const isQueueName = (name: string): name is QueueName => (QUEUE_NAMES as string[]).includes(name);

export class PayloadError extends Error {
  constructor(
    readonly queue: string,
    readonly issues: string[],
  ) {
    super(`Invalid ${queue} job payload: ${issues.join("; ")}`);
    this.name = "PayloadError";
  }
}

/** Validates a payload against its queue's schema; the error names each bad field. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): PayloadOf<Q> {
  const spec: QueueSpec = queues[queue];
  if (!spec) throw new PayloadError(String(queue), [`unknown queue (known: ${QUEUE_NAMES.join(", ")})`]);
  const result = spec.payload.safeParse(data);
  if (!result.success) {
    throw new PayloadError(
      queue,
      result.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? `${issue.keys.join(", ")}: not part of the payload (payloads carry ids only)`
          : `${issue.path.join(".") || "(payload)"}: ${issue.message}`,
      ),
    );
  }
  return result.data as PayloadOf<Q>;
}

/** Job options for one payload: defaults, then the queue's overrides, its identity, then extras. */
export function jobOptionsFor<Q extends QueueName>(queue: Q, payload: PayloadOf<Q>, extra: JobsOptions = {}): JobsOptions {
  const spec: QueueSpec = queues[queue];
  return { ...DEFAULT_JOB_OPTIONS, ...spec.options, ...spec.identity?.(payload), ...extra };
}
