import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "../../env.server";
import { createRedisConnection, whenReady } from "../../jobs/connection.server";
import { QUEUE_NAMES, type QueueName } from "../../jobs/contract";

export interface QueueDepth {
  name: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export type QueueDepthReader = () => Promise<QueueDepth[]>;

declare global {
  // One connection for the dashboard's counts, surviving Vite HMR in dev.
  // eslint-disable-next-line no-var
  var ringfenceQueueCounter: { connection: Redis; queues: Map<QueueName, Queue> } | undefined;
}


function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("Redis did not answer in time")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Depth of every queue (shared by all shops) from BullMQ's getJobCounts. Fails fast when Redis is
 * away. Queues are opened only once the connection is ready: a BullMQ Queue whose first
 * connection attempt failed stays failed.
 */
export const readQueueDepths: QueueDepthReader = async () => {
  const { REDIS_URL, QUEUE_PREFIX } = env();
  if (!globalThis.ringfenceQueueCounter) {
    const connection = createRedisConnection(REDIS_URL, "producer", "ringfence-dashboard");
    // The page reports an unreachable Redis itself; the producer's watcher logs the outage.
    connection.on("error", () => {});
    globalThis.ringfenceQueueCounter = { connection, queues: new Map() };
  }
  const counter = globalThis.ringfenceQueueCounter;
  await whenReady(counter.connection, 1_500, (status) => `Redis is not reachable (connection ${status})`);
  return Promise.all(
    QUEUE_NAMES.map(async (name) => {
      let q = counter.queues.get(name);
      if (!q) {
        q = new Queue(name, { connection: counter.connection, prefix: QUEUE_PREFIX, skipWaitingForReady: true });
        q.on("error", () => {});
        counter.queues.set(name, q);
      }
      const c = await within(q.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"), 1_500);
      return { name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    }),
  );
};

/** Closes the dashboard's connection (tests, shutdown). */
export async function closeQueueDepthReader(): Promise<void> {
  const counter = globalThis.ringfenceQueueCounter;
  globalThis.ringfenceQueueCounter = undefined;
  if (!counter) return;
  await Promise.all([...counter.queues.values()].map((q) => q.close()));
  counter.connection.disconnect();
}
