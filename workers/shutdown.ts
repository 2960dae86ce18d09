import type { Worker } from "bullmq";
import type { Logger } from "../app/lib/logger";

export interface ShutdownResources {
  workers: Worker[];
  /** Closes the queues this process produces to. */
  closeQueues: () => Promise<void>;
  redis: { quit(): Promise<unknown>; disconnect(): void }[];
  disconnectDb: () => Promise<void>;
  log: Logger;
  /** How long active jobs may run on before they are abandoned (and later retried as stalled). */
  timeoutMs: number;
  /** Bound on each later step, so a Redis that went away cannot hold the process. Default 5 s. */
  stepTimeoutMs?: number;
}

/**
 * Ordered shutdown: stop taking jobs and let active ones finish (up to timeoutMs), then close the
 * queues, then Redis, then PostgreSQL, so nothing still running loses a connection it needs.
 * An abandoned job keeps its Redis lock until it expires, then another worker retries it: nothing
 * is lost, and every processor is idempotent.
 */
export async function shutdown(r: ShutdownResources): Promise<{ forced: boolean }> {
  const stepMs = r.stepTimeoutMs ?? 5_000;
  r.log.info("shutdown: stopping workers", { workers: r.workers.length, timeoutMs: r.timeoutMs });
  const closing = Promise.allSettled(r.workers.map((w) => w.close()));
  let forced = false;
  if (!(await settlesWithin(closing, r.timeoutMs))) {
    forced = true;
    r.log.warn("shutdown: active jobs outlived the timeout, cancelling them; they will be retried", {
      timeoutMs: r.timeoutMs,
    });
    for (const w of r.workers) w.cancelAllJobs("worker shutting down");
    await settlesWithin(closing, 1_000);
  }
  r.log.info("shutdown: workers closed", { forced });

  if (!(await settlesWithin(r.closeQueues(), stepMs))) {
    r.log.warn("shutdown: queues did not close in time (is Redis down?)", { timeoutMs: stepMs });
  }
  r.log.info("shutdown: queues closed");

  // QUIT waits for replies to commands already sent; with Redis away it would wait for ever.
  const quitting = Promise.allSettled(r.redis.map((c) => c.quit()));
  if (!(await settlesWithin(quitting, stepMs))) {
    r.log.warn("shutdown: redis did not answer QUIT, disconnecting", { timeoutMs: stepMs });
    for (const c of r.redis) c.disconnect();
  }
  r.log.info("shutdown: redis closed");

  await r.disconnectDb();
  r.log.info("shutdown: database disconnected");
  return { forced };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
