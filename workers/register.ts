import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { parsePayload, PayloadError, queues, type PayloadOf, type QueueName } from "../app/jobs/contract";
import type { Logger } from "../app/lib/logger";
import type { Processor, ProcessorContext, ProcessorRegistry } from "./types";

export interface RegisterOptions {
  /** Overrides WORKER_CONCURRENCY and the queue's default. */
  concurrency?: number;
}

export interface Registrar {
  register<Q extends QueueName>(queue: Q, processor: Processor<Q>, opts?: RegisterOptions): Worker;
  readonly workers: Worker[];
}

/**
 * The one way a BullMQ Worker is created in this process: the job's name and data are checked
 * against the contract before the processor sees them (a bad payload fails at once, unretried),
 * and every worker logs the same way.
 */
export function createRegistrar(deps: {
  connection: Redis;
  prefix: string;
  log: Logger;
  ctx: Omit<ProcessorContext, "log" | "signal">;
  concurrency?: number;
}): Registrar {
  const workers: Worker[] = [];

  function register<Q extends QueueName>(queue: Q, processor: Processor<Q>, opts: RegisterOptions = {}): Worker {
    const spec = queues[queue];
    const log = deps.log.child({ queue });

    const run = async (job: Job, token?: string, signal?: AbortSignal) => {
      if (job.name !== spec.job) {
        throw new UnrecoverableError(`unexpected job name ${JSON.stringify(job.name)} on queue ${queue} (expected ${spec.job})`);
      }
      let payload: PayloadOf<Q>;
      try {
        payload = parsePayload(queue, job.data);
      } catch (error) {
        if (error instanceof PayloadError) throw new UnrecoverableError(error.message);
        throw error;
      }
      return processor(payload, job as Job<PayloadOf<Q>>, { ...deps.ctx, log: log.child({ jobId: job.id }), signal, token });
    };

    const worker = new Worker(queue, run, {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: opts.concurrency ?? deps.concurrency ?? spec.concurrency,
    });
    worker.on("completed", (job) => log.debug("job completed", { jobId: job.id, ms: elapsed(job) }));
    worker.on("failed", (job, error) => {
      const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      (final ? log.error : log.warn)(final ? "job failed" : "job failed, will retry", {
        jobId: job?.id,
        attempt: job?.attemptsMade,
        error: error.message,
      });
    });
    worker.on("stalled", (jobId) => log.warn("job stalled, will be retried", { jobId }));
    worker.on("error", (error) => {
      // Lost connections are reported once by watchConnection; BullMQ repeats them per worker.
      if (CONNECTION_ERROR.test(error.message)) log.debug("worker connection error", { error: error.message });
      else log.error("worker error", { error });
    });
    workers.push(worker);
    return worker;
  }

  return { register, workers };
}

/**
 * Registers the processors of a registry (workers/processors/index.ts): every queue, or only
 * `only` (WORKER_QUEUES: a process kept for the queues whose latency matters, see the README).
 */
export function registerAll(registrar: Registrar, registry: ProcessorRegistry, only?: readonly QueueName[]): QueueName[] {
  const names = (Object.keys(registry) as QueueName[]).filter((name) => !only || only.includes(name));
  for (const name of names) {
    registrar.register(name, registry[name] as Processor<typeof name>);
  }
  return names;
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection is closed/;

function elapsed(job: Job): number | undefined {
  return job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined;
}
