import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import type { JobType } from "bullmq";
import { createPrismaClient } from "../../app/db.server";
import { createRedisConnection } from "../../app/jobs/connection.server";
import { QUEUE_NAMES, type QueueName } from "../../app/jobs/contract";
import { createProducer, type Producer } from "../../app/jobs/producer.server";
import { createLogger } from "../../app/lib/logger";
import { createShopifyDouble, type ShopifyDouble, type ShopifyDoubleOptions, type StoreInput } from "../../test/shopify-double";
import { freePort } from "./free-port";
import { migrate, REPO_ROOT } from "./migrations";
import { startPostgres, type PostgresHandle } from "./postgres";
import { startRedis, type RedisHandle } from "./redis";

/**
 * The whole real stack in one call: PostgreSQL and Redis (reusing DATABASE_URL / REDIS_URL when
 * set), migrations, the Shopify test double, the built Remix app served by scripts/serve.ts
 * (`npm start`) as a real HTTP server, and N worker processes (`workers/index.ts`). Used by
 * `npm run replay`, the flash-sale benchmark and the end-to-end tests. Everything started here is stopped by close(),
 * also when the process exits early.
 */

export interface StackOptions {
  /** Worker processes (default 1), for every queue but the `dedicated` ones. */
  workers?: number;
  /**
   * Queues served by a process of their own (WORKER_QUEUES), as a deployment keeps the queues
   * whose latency matters apart from the bulk of the work (README, "Running the app and the worker").
   */
  dedicated?: QueueName[];
  /** Options for the double (restoreRate, webhooks, productUpdateWebhooks, ...). */
  double?: Partial<ShopifyDoubleOptions>;
  apiKey?: string;
  apiSecret?: string;
  /** Explicit service URLs (tests pass the integration globalSetup's); otherwise env, otherwise started. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Start a Redis of our own even when REDIS_URL is set (needed to restart it). */
  ownRedis?: boolean;
  /**
   * The worker processes' niceness (default 10: below the app server, PostgreSQL and this
   * process). On a box with fewer cores than busy processes it decides who waits: the webhook
   * route's answers or the workers' apply and push (docs/decisions/006, tenth round).
   */
  workerNiceness?: number;
  /** Extra environment for the workers and the app server. */
  env?: Record<string, string>;
  /** LOG_LEVEL of the children (default warn; "worker ready" is detected regardless). */
  logLevel?: "error" | "warn" | "info" | "debug";
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Fault injection between the app and "Shopify": when set, Admin API traffic goes through a
   * proxy that calls this with each GraphQL body before forwarding it to the double (e.g. a sale
   * placed between the app's read and its write).
   */
  beforeAdminCall?: (call: { shop: string; body: string }) => Promise<void> | void;
}

export interface WorkerProcess {
  readonly index: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Last lines the process wrote (stdout and stderr). */
  output(): string[];
}

export interface IdleReport {
  ms: number;
  polls: number;
}

export interface Stack {
  double: ShopifyDouble;
  appUrl: string;
  /** The app server's process (with WEB_CONCURRENCY > 1, the primary of its server processes). */
  appPid: number;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  apiKey: string;
  apiSecret: string;
  /** This process's own client and producer (for the replay's app config and for status checks). */
  prisma: PrismaClient;
  producer: Producer;
  workers: WorkerProcess[];
  /** The environment given to the app server and workers. */
  env: Record<string, string>;
  /** Starts one more worker process: for the given queues, by default those of the `workers`. */
  startWorker(queues?: QueueName[]): Promise<WorkerProcess>;
  /** Sends a signal (default SIGKILL) to a worker and waits for it to exit; it is removed from `workers`. */
  killWorker(worker: WorkerProcess, signal?: NodeJS.Signals): Promise<void>;
  /** Only when this stack started Redis: stop it (losing its data unless keepData) and start it again. */
  restartRedis(opts?: { keepData?: boolean }): Promise<void>;
  /** Seeds the double with a store and installs the app the way Shopify does; resolves once the initial sync is done. */
  install(store: StoreInput, opts?: { timeoutMs?: number }): Promise<{ shop: string; shopId: number }>;
  /** Waits until deliveries are flushed, inbox rows done/rejected, queues drained and no push is pending. */
  waitIdle(opts?: { timeoutMs?: number; shops?: string[] }): Promise<IdleReport>;
  close(): Promise<void>;
}

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const OUTPUT_LINES = 200;
const BUILD_LOCK = "/tmp/ringfence-remix-build.lock";

/** Newest modification time (ms) under these paths. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== "node_modules" && !name.startsWith(".")) visit(path.join(p, name));
    } else if (!/\.test\.tsx?$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

const BUILD_OUTPUT = path.join(REPO_ROOT, "build", "server", "index.js");
const BUILD_INPUTS = ["app", "vite.config.ts", "package.json", "tsconfig.json"].map((p) => path.join(REPO_ROOT, p));
/** Private copies of build/ live here: inside the repo so the server's imports resolve from node_modules. */
const SNAPSHOTS = path.join(REPO_ROOT, "node_modules", ".cache", "ringfence-stack");

function buildIsStale(): boolean {
  if (!existsSync(BUILD_OUTPUT)) return true;
  return newestMtime(BUILD_INPUTS) > statSync(BUILD_OUTPUT).mtimeMs;
}

/**
 * `remix vite:build` when build/ is missing or older than the sources, then a private copy of
 * build/ for this stack to serve: a rebuild by anyone else (vite empties build/ first) must not
 * pull the files from under a running server. Serialised between processes by flock.
 * Returns the directory to run the app server in (it holds build/server and build/client).
 */
/**
 * RINGFENCE_CPU_PROFILE_DIR=DIR: the app server and the workers write V8 CPU profiles there when
 * they exit (for finding where a benchmark's time goes; open them in Chrome DevTools).
 */
function profileArgs(kind: string): string[] {
  const dir = process.env.RINGFENCE_CPU_PROFILE_DIR;
  // Node names each file CPU.<date>.<pid>.<thread>.<seq>.cpuprofile (a worker's tsx loader thread
  // writes its own); one subdirectory per kind tells the app server's from the workers'.
  if (!dir) return [];
  mkdirSync(path.join(dir, kind), { recursive: true });
  const args = ["--cpu-prof", `--cpu-prof-dir=${path.join(dir, kind)}`];
  // Node writes the profile on exit, not when killed by a signal: the app server is made to exit on
  // SIGTERM (the workers shut down on their own).
  if (kind === "app") args.push(`--import=data:text/javascript,process.once("SIGTERM",()=>process.exit(0))`);
  return args;
}

export function ensureBuild(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  if (buildIsStale()) log("[stack] build/ is missing or older than app/: running remix vite:build");
  const started = Date.now();
  const dest = path.join(SNAPSHOTS, `${process.pid}-${randomBytes(4).toString("hex")}`);
  // The staleness check is repeated under the lock: another process may have just built.
  const script = [
    `if [ ! -f build/server/index.js ] || [ -n "$(find app vite.config.ts package.json tsconfig.json -newer build/server/index.js -type f ! -name '*.test.ts' ! -name '*.test.tsx' -print -quit)" ]; then node_modules/.bin/remix vite:build >&2; fi`,
    `mkdir -p "${dest}" && cp -a build "${dest}/build"`,
  ].join(" && ");
  const res = spawnSync("flock", [BUILD_LOCK, "bash", "-c", script], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0 || !existsSync(path.join(dest, "build", "server", "index.js"))) {
    rmSync(dest, { recursive: true, force: true });
    throw new Error(`remix vite:build or the copy of build/ failed (exit ${res.status}):\n${(res.stdout + res.stderr).split("\n").slice(-30).join("\n")}`);
  }
  if (Date.now() - started > 2_000) log(`[stack] build ready in ${Date.now() - started} ms`);
  return dest;
}

/** The workers' default niceness (StackOptions.workerNiceness). */
const WORKER_NICENESS = 10;

/** Children started by any stack in this process, killed on exit whatever happens. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of liveChildren) c.kill("SIGKILL");
    });
  }
}

function ring(lines: string[]) {
  let partial = "";
  return (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    for (const l of parts) {
      lines.push(l);
      if (lines.length > OUTPUT_LINES) lines.shift();
    }
  };
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

// A profiled process writes its profile on exit: give it time to finish its jobs and write.
async function stopChild(child: ChildProcess, graceMs = process.env.RINGFENCE_CPU_PROFILE_DIR ? 60_000 : 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await waitExit(child);
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const apiKey = options.apiKey ?? "ringfence-stack-key";
  const apiSecret = options.apiSecret ?? `stack-secret-${randomBytes(8).toString("hex")}`;
  const prefix = `stack-${randomBytes(4).toString("hex")}`;
  const cleanups: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  let closing: Promise<void> | undefined;

  // Every caller (a signal handler, a finally block) waits for the one shutdown to finish.
  const closeAll = () =>
    (closing ??= (async () => {
      await Promise.allSettled(children.map((c) => stopChild(c)));
      for (const fn of cleanups.reverse()) {
        // A step that hangs (a queue close while Redis is away) must not keep the rest running.
        const step = fn().catch((e) => log(`[stack] cleanup: ${(e as Error).message}`));
        await Promise.race([step, sleep(15_000)]);
      }
    })());

  try {
    const serveDir = ensureBuild(log);
    cleanups.push(async () => rmSync(serveDir, { recursive: true, force: true }));
    let postgres: PostgresHandle | undefined;
    let redis: RedisHandle | undefined;
    const [databaseUrl, redisHandle] = await Promise.all([
      options.databaseUrl
        ? Promise.resolve(options.databaseUrl)
        : startPostgres().then((h) => {
            postgres = h;
            cleanups.push(() => h.stop());
            return h.url;
          }),
      options.redisUrl && !options.ownRedis
        ? Promise.resolve(undefined)
        : startRedis({ reuseEnv: !options.ownRedis }).then((h) => {
            redis = h;
            cleanups.push(() => h.stop());
            return h;
          }),
    ]);
    const redisUrl = redisHandle?.url ?? options.redisUrl!;
    await migrate(databaseUrl);
    if (postgres && !postgres.external) log(`[stack] PostgreSQL (embedded) ready`);

    const prisma = createPrismaClient(databaseUrl);
    cleanups.push(() => prisma.$disconnect());
    const producerConn = createRedisConnection(redisUrl, "producer", "ringfence-stack");
    producerConn.on("error", () => undefined);
    cleanups.push(async () => {
      producerConn.disconnect();
    });
    if (producerConn.status !== "ready") await new Promise((resolve) => producerConn.once("ready", resolve));
    const producer = createProducer({ connection: producerConn, prefix, log: createLogger("error") });
    cleanups.push(() => producer.close());

    const double = await createShopifyDouble({
      apiKey,
      apiSecret,
      webhookUrl: null,
      bulkDelayMs: 20,
      ...options.double,
      webhooks: { retries: 8, retryBackoffMs: 100, ...options.double?.webhooks },
    });
    cleanups.push(() => double.close());

    let adminOrigin = double.url;
    if (options.beforeAdminCall) {
      const proxy = await startAdminProxy(double.url, options.beforeAdminCall);
      cleanups.push(() => proxy.close());
      adminOrigin = proxy.url;
    }

    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      SHOPIFY_API_KEY: apiKey,
      SHOPIFY_API_SECRET: apiSecret,
      SHOPIFY_APP_URL: appUrl,
      SHOPIFY_ADMIN_ORIGIN: adminOrigin,
      LOG_LEVEL: options.logLevel ?? "warn",
      CHECKPOINT_DISABLE: "1",
      ...options.env,
    };

    const appOutput: string[] = [];
    const app = spawn(process.execPath, [...profileArgs("app"), "--import", "tsx", path.join(REPO_ROOT, "scripts/serve.ts"), "./build/server/index.js"], {
      cwd: serveDir,
      env: { ...env, PORT: String(appPort), HOST: "127.0.0.1" } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    trackChild(app);
    children.push(app);
    app.stdout!.on("data", ring(appOutput));
    app.stderr!.on("data", ring(appOutput));
    await waitForHttp(appUrl, app, appOutput);
    double.setWebhookUrl(appUrl);
    log(`[stack] app server ${appUrl}, Shopify double ${double.url}, queue prefix ${prefix}`);

    const workers: WorkerProcess[] = [];
    let workerIndex = 0;
    const dedicated = options.dedicated ?? [];
    const general = QUEUE_NAMES.filter((q) => !dedicated.includes(q));
    const startWorker = async (queues: QueueName[] = general): Promise<WorkerProcess> => {
      const output: string[] = [];
      const child = spawn(process.execPath, [...profileArgs("worker"), "--import", "tsx", path.join(REPO_ROOT, "workers/index.ts")], {
        cwd: REPO_ROOT,
        // Readiness is read from the "worker ready" info line, so workers log at info at least.
        env: {
          ...env,
          LOG_LEVEL: env.LOG_LEVEL === "debug" ? "debug" : "info",
          ...(queues.length < QUEUE_NAMES.length ? { WORKER_QUEUES: queues.join(",") } : {}),
        } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      trackChild(child);
      children.push(child);
      // Workers run below the web process's CPU priority, as on separate machines in production:
      // on a shared box the webhook route must answer Shopify first; background work can wait.
      try {
        os.setPriority(child.pid!, options.workerNiceness ?? WORKER_NICENESS);
      } catch {
        // Not permitted here: the figures then include the contention.
      }
      const collect = ring(output);
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      const deadline = Date.now() + 60_000;
      while (!output.some((l) => l.includes('"worker ready"'))) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited during start-up:\n${output.slice(-30).join("\n")}`);
        if (Date.now() > deadline) throw new Error(`worker not ready after 60 s:\n${output.slice(-30).join("\n")}`);
        await sleep(50);
      }
      const w: WorkerProcess = { index: workerIndex++, pid: child.pid!, child, output: () => [...output] };
      workers.push(w);
      return w;
    };
    await Promise.all([...Array.from({ length: options.workers ?? 1 }, () => startWorker()), ...(dedicated.length > 0 ? [startWorker(dedicated)] : [])]);
    log(`[stack] ${workers.length} worker process(es) ready${dedicated.length > 0 ? ` (one for ${dedicated.join(", ")} only)` : ""}`);

    const installed = new Map<string, number>();

    const stack: Stack = {
      double,
      appUrl,
      appPid: app.pid!,
      databaseUrl,
      redisUrl,
      prefix,
      apiKey,
      apiSecret,
      prisma,
      producer,
      workers,
      env,
      startWorker,
      async killWorker(worker, signal = "SIGKILL") {
        worker.child.kill(signal);
        await waitExit(worker.child);
        const i = workers.indexOf(worker);
        if (i >= 0) workers.splice(i, 1);
      },
      async restartRedis(opts) {
        if (!redis || redis.external) throw new Error("restartRedis: this stack did not start Redis (pass ownRedis: true)");
        await redis.restart(opts);
      },
      async install(store, opts = {}) {
        const shop = double.seedStore(store);
        // What Shopify admin does when the merchant opens the app: load /app embedded with a
        // session token. With no session yet, authenticate.admin exchanges the token at the
        // double for an offline access token and runs the afterAuth hook (Shop row + initial sync).
        const token = double.sessionToken(shop);
        const host = Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64").replace(/=+$/, "");
        const url = `${appUrl}/app?embedded=1&shop=${encodeURIComponent(shop)}&host=${host}&id_token=${encodeURIComponent(token)}`;
        const res = await fetch(url, { headers: { "User-Agent": BROWSER_UA }, redirect: "manual" });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`install: GET /app answered ${res.status}\n${appOutput.slice(-20).join("\n")}`);
        const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
        for (;;) {
          const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { id: true, syncStatus: true, syncError: true } });
          if (row?.syncStatus === "done") {
            installed.set(shop, row.id);
            return { shop, shopId: row.id };
          }
          if (Date.now() > deadline)
            throw new Error(`install: initial sync of ${shop} not done (status ${row?.syncStatus ?? "no Shop row"}${row?.syncError ? `: ${row.syncError}` : ""})`);
          await sleep(100);
        }
      },
      async waitIdle(opts = {}) {
        const started = Date.now();
        const deadline = started + (opts.timeoutMs ?? 120_000);
        const shopIds = opts.shops ? opts.shops.map((s) => installed.get(s)).filter((x): x is number => x !== undefined) : [...installed.values()];
        let quiet = 0;
        let polls = 0;
        let last = "";
        for (;;) {
          polls++;
          // Bounded by the deadline too: a flush waits for every queued delivery's final answer.
          const left = Math.max(0, deadline - Date.now());
          await Promise.race([Promise.all([double.flushDeliveries(), double.bulkIdle()]), sleep(left)]);
          const status = await busyStatus(prisma, producer, shopIds);
          // Counted, not listed: a listing parses every body, and this runs every 100 ms of a drain.
          const sent = double.deliveryCount();
          const fingerprint = `${status.summary}|${sent}`;
          if (status.busy === 0 && fingerprint === last) quiet++;
          else quiet = status.busy === 0 ? 1 : 0;
          last = fingerprint;
          if (quiet >= 3) return { ms: Date.now() - started, polls };
          if (Date.now() > deadline) {
            const tail = workers.flatMap((w) => w.output().slice(-10));
            throw new Error(`waitIdle: not idle after ${Date.now() - started} ms: ${status.summary}\n${tail.join("\n")}`);
          }
          await sleep(quiet > 0 ? 150 : 100);
        }
      },
      close: closeAll,
    };
    return stack;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Forwards every request to the double, calling the hook first for GraphQL posts. */
async function startAdminProxy(target: string, hook: NonNullable<StackOptions["beforeAdminCall"]>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const shop = (req.url ?? "").split("/")[1] ?? "";
      if (req.method === "POST" && /\/graphql\.json$/.test(req.url ?? "")) await hook({ shop, body: body.toString("utf8") });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
      const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
      const text = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { "Content-Type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(text);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitForHttp(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`app server exited during start-up:\n${output.slice(-30).join("\n")}`);
    try {
      const res = await fetch(`${url}/healthz-probe`, { headers: { "User-Agent": BROWSER_UA } });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`app server did not answer at ${url}:\n${output.slice(-30).join("\n")}`);
      await sleep(100);
    }
  }
}

/** What is still in flight: inbox rows not finished, live jobs, pushes not landed. */
export async function busyStatus(prisma: PrismaClient, producer: Producer, shopIds: number[]): Promise<{ busy: number; summary: string }> {
  const [inbox, pushes, owed] = await Promise.all([
    prisma.webhookInbox.count({ where: { shopId: { in: shopIds }, status: { in: ["received", "processing", "failed"] } } }),
    prisma.pushJob.count({ where: { shopId: { in: shopIds }, status: { in: ["pending", "sent"] } } }),
    // Recomputes owed (the outbox): a worker killed between a commit and its enqueue leaves a
    // request and no job until the sweeper re-enqueues it; that is work outstanding, not idle.
    prisma.recomputeRequest.count({ where: { shopId: { in: shopIds }, shop: { installState: "installed" } } }),
  ]);
  const counts: Record<string, number> = {};
  await Promise.all(
    QUEUE_NAMES.filter((q) => q !== "health").map(async (q: QueueName) => {
      // The nightly reconciliation is always scheduled (delayed): not work in progress.
      const states: JobType[] = ["waiting", "active", "prioritized", "waiting-children", ...(q === "reconcile" ? [] : (["delayed"] as const))];
      const c = await producer.queue(q).getJobCounts(...states);
      counts[q] = Object.values(c).reduce((a, b) => a + b, 0);
    }),
  );
  const queued = Object.values(counts).reduce((a, b) => a + b, 0);
  const summary = `inbox unfinished ${inbox}, push jobs pending ${pushes}, recomputes owed ${owed}, jobs ${Object.entries(counts)
    .map(([q, n]) => `${q}=${n}`)
    .join(" ")}`;
  return { busy: inbox + pushes + owed + queued, summary };
}
