import { Redis } from "ioredis";

export type ConnectionRole = "producer" | "worker";

/**
 * One ioredis connection for BullMQ. Producers (web requests) fail fast when Redis is away, so a
 * webhook is recorded in the database and answered instead of hanging; the inbox sweeper enqueues
 * it later. Workers wait and retry for ever (`maxRetriesPerRequest: null`, required by BullMQ for
 * its blocking commands). Redis itself must run with `maxmemory-policy noeviction`.
 */
export function createRedisConnection(url: string, role: ConnectionRole, name = `ringfence-${role}`): Redis {
  return role === "producer"
    ? new Redis(url, { connectionName: name, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : new Redis(url, { connectionName: name, maxRetriesPerRequest: null });
}

/**
 * Resolves once the connection is ready, or rejects after `ms` with `message` (given the
 * connection's status): callers fail fast instead of queueing commands on a dead connection.
 */
export function whenReady(connection: Redis, ms: number, message: (status: string) => string): Promise<void> {
  if (connection.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      connection.off("ready", onReady);
      reject(new Error(message(connection.status)));
    }, ms);
    connection.once("ready", onReady);
  });
}

/**
 * Logs a connection's trouble without flooding: the first error, then at most one reminder per
 * `quietMs` while it keeps failing, and one line when it is back.
 */
export function watchConnection(
  connection: Redis,
  log: { warn(msg: string, fields?: Record<string, unknown>): void; info(msg: string, fields?: Record<string, unknown>): void },
  quietMs = 30_000,
): void {
  let failingSince: number | undefined;
  let lastLogged = 0;
  connection.on("error", (error: Error) => {
    const now = Date.now();
    failingSince ??= now;
    if (now - lastLogged >= quietMs) {
      lastLogged = now;
      log.warn("redis unavailable, retrying", { connection: connection.options.connectionName, error: error.message, sinceMs: now - failingSince });
    }
  });
  connection.on("ready", () => {
    if (failingSince !== undefined) {
      log.info("redis available again", { connection: connection.options.connectionName, downMs: Date.now() - failingSince });
    }
    failingSince = undefined;
    lastLogged = 0;
  });
}
