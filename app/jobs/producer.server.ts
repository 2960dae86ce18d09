import { Queue, type Job, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "../env.server";
import { createLogger, type Logger } from "../lib/logger";
import { createRedisConnection, watchConnection, whenReady } from "./connection.server";
import { jobOptionsFor, parsePayload, queues, type PayloadOf, type QueueName } from "./contract";

export type EnqueueOptions = Pick<JobsOptions, "delay" | "priority">;

export interface Producer {
  /** Validates the payload against the contract, then adds the job with the queue's identity. */
  enqueue<Q extends QueueName>(queue: Q, payload: PayloadOf<Q>, options?: EnqueueOptions): Promise<Job>;
  /** The BullMQ Queue for a name (opened on first use), for counts and schedulers. */
  queue(name: QueueName): Queue;
  /** Closes the queues. The Redis connection belongs to whoever created it. */
  close(): Promise<void>;
}

const READY_WAIT_MS = 1_000;


export function createProducer(opts: { connection: Redis; prefix: string; log?: Logger }): Producer {
  const log = opts.log ?? createLogger();
  const open = new Map<QueueName, Queue>();

  function queue(name: QueueName): Queue {
    let q = open.get(name);
    if (!q) {
      // skipWaitingForReady: with enableOfflineQueue off, an add fails at once while Redis is away.
      q = new Queue(name, { connection: opts.connection, prefix: opts.prefix, skipWaitingForReady: true });
      q.on("error", (error) => log.error("queue error", { queue: name, error }));
      open.set(name, q);
    }
    return q;
  }

  return {
    queue,
    async enqueue(name, payload, options) {
      const data = parsePayload(name, payload);
      // A Queue first used before its connection is ready keeps that failed start for good (every
      // later add fails too), so wait briefly for the connection and otherwise fail fast.
      await whenReady(opts.connection, READY_WAIT_MS, (status) => `Redis is not available (connection ${status}); nothing was enqueued`);
      return queue(name).add(queues[name].job, data, jobOptionsFor(name, data, options));
    },
    async close() {
      const closing = [...open.values()].map((q) => q.close());
      open.clear();
      await Promise.all(closing);
    },
  };
}

declare global {
  // Survives Vite HMR in dev so edits do not open another Redis connection each time.
  // eslint-disable-next-line no-var
  var ringfenceProducer: Producer | undefined;
}

/** The web process's producer, connected on first use from REDIS_URL and QUEUE_PREFIX. */
export function getProducer(): Producer {
  if (!globalThis.ringfenceProducer) {
    const { REDIS_URL, QUEUE_PREFIX, LOG_LEVEL } = env();
    const log = createLogger(LOG_LEVEL, { component: "producer" });
    const connection = createRedisConnection(REDIS_URL, "producer", "ringfence-web");
    watchConnection(connection, log);
    globalThis.ringfenceProducer = createProducer({ connection, prefix: QUEUE_PREFIX, log });
  }
  return globalThis.ringfenceProducer;
}
