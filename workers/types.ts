import type { PrismaClient } from "@prisma/client";
import type { Job } from "bullmq";
import type { PayloadOf, QueueName } from "../app/jobs/contract";
import type { Producer } from "../app/jobs/producer.server";
import type { Logger } from "../app/lib/logger";
import type { RawPool } from "../app/raw-db.server";

/** What every processor gets besides its payload: the worker process's shared resources. */
export interface ProcessorContext {
  prisma: PrismaClient;
  /** The process's own `pg` pool for the hot statements (app/raw-db.server.ts); absent, they go through `prisma`. */
  raw?: RawPool;
  /** For follow-up jobs (a recompute enqueues a push). */
  producer: Producer;
  log: Logger;
  /** Aborted when shutdown gives up waiting; long processors should stop at the next safe point. */
  signal?: AbortSignal;
  /** The job's lock token (to move the job to delayed, e.g. to look again later). */
  token?: string;
}

/**
 * A processor receives its payload already re-parsed with the contract's schema. Whatever it
 * returns becomes the job's return value; throwing makes BullMQ retry with the queue's backoff.
 */
export type Processor<Q extends QueueName> = (
  payload: PayloadOf<Q>,
  job: Job<PayloadOf<Q>>,
  ctx: ProcessorContext,
) => Promise<unknown>;

export type ProcessorRegistry = { [Q in QueueName]?: Processor<Q> };
