/**
 * The worker process (`npm run worker`): consumes every queue in workers/processors/index.ts, or
 * those WORKER_QUEUES names. Stateless; run as many as needed against the same Redis and PostgreSQL.
 */
import prisma, { disconnectDb } from "../app/db.server";
import { createRawPool } from "../app/raw-db.server";
import { env, EnvError, type Env } from "../app/env.server";
import { createRedisConnection, watchConnection } from "../app/jobs/connection.server";
import { createProducer } from "../app/jobs/producer.server";
import { createLogger } from "../app/lib/logger";
import { startSweeper } from "../app/services/sweeper.server";
import { processors } from "./processors";
import { createRegistrar, registerAll } from "./register";
import { shutdown } from "./shutdown";

// Under the usual 30 s grace period of process managers, leaving time for the closing steps.
const SHUTDOWN_TIMEOUT_MS = 25_000;

function loadEnv(): Env {
  try {
    return env();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\nThe worker did not start.\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadEnv();
  const log = createLogger(config.LOG_LEVEL, { component: "worker", pid: process.pid });

  const workerRedis = createRedisConnection(config.REDIS_URL, "worker", "ringfence-worker");
  const producerRedis = createRedisConnection(config.REDIS_URL, "producer", "ringfence-worker-producer");
  watchConnection(workerRedis, log);
  watchConnection(producerRedis, log);

  const producer = createProducer({ connection: producerRedis, prefix: config.QUEUE_PREFIX, log });
  const raw = createRawPool(config.DATABASE_URL);
  const registrar = createRegistrar({
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    log,
    ctx: { prisma, raw, producer },
    concurrency: config.WORKER_CONCURRENCY,
  });

  // Re-enqueues inbox rows Redis lost and retries failed ones (app/services/sweeper.server.ts).
  const sweeper = startSweeper({ prisma, producer, log: log.child({ component: "sweeper" }) });

  let stopping: Promise<void> | undefined;
  const stop = (reason: string, exitCode: number) => {
    if (stopping) {
      log.warn("shutdown already in progress", { reason });
      return stopping;
    }
    log.info("shutdown requested", { reason });
    // A shutdown that hangs (e.g. a database that never answers) must not keep the process alive.
    setTimeout(() => {
      log.error("shutdown did not finish in time, exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS + 10_000).unref();
    stopping = shutdown({
      workers: registrar.workers,
      closeQueues: async () => {
        await sweeper.stop();
        await producer.close();
      },
      redis: [workerRedis, producerRedis],
      disconnectDb: async () => {
        await raw.end();
        await disconnectDb();
      },
      log,
      timeoutMs: SHUTDOWN_TIMEOUT_MS,
    }).then(
      () => {
        log.info("shutdown complete", { exitCode });
        process.exit(exitCode);
      },
      (error) => {
        log.error("shutdown failed", { error });
        process.exit(1);
      },
    );
    return stopping;
  };

  process.on("SIGTERM", () => void stop("SIGTERM", 0));
  process.on("SIGINT", () => void stop("SIGINT", 0));
  process.on("unhandledRejection", (error) => {
    log.error("unhandled rejection", { error });
    void stop("unhandledRejection", 1);
  });
  process.on("uncaughtException", (error) => {
    log.error("uncaught exception", { error });
    void stop("uncaughtException", 1);
  });

  const names = registerAll(registrar, processors, config.WORKER_QUEUES);
  await Promise.all(registrar.workers.map((w) => w.waitUntilReady()));
  log.info("worker ready", { queues: names, prefix: config.QUEUE_PREFIX });
}

void main();
