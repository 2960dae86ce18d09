// The worker as it runs in production: its own process (tsx workers/index.ts) against the real
// PostgreSQL and Redis of the integration run. tsx is spawned directly rather than through npx:
// npm exits at once on SIGTERM without waiting for its child, which would hide the exit code.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createProducer, type Producer } from "../../../app/jobs/producer.server";
import { uniqueSuffix } from "../../support/factories";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

interface LogLine {
  level: string;
  msg: string;
  pid?: number;
  [key: string]: unknown;
}

interface Running {
  child: ChildProcess;
  lines: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitFor(msg: string, timeoutMs?: number): Promise<LogLine>;
}

function startWorker(env: Record<string, string | undefined>): Running {
  const child = spawn(TSX, ["workers/index.ts"], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const waiters: { msg: string; resolve: (line: LogLine) => void }[] = [];
  const take = (chunk: Buffer, isErr: boolean) => {
    for (const text of chunk.toString("utf8").split("\n").filter(Boolean)) {
      if (isErr) stderr.push(text);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on("data", (c: Buffer) => take(c, false));
  child.stderr!.on("data", (c: Buffer) => take(c, true));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    child,
    lines,
    stderr,
    exited,
    waitFor(msg, timeoutMs = 30_000) {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr:\n${stderr.join("\n")}`)),
          timeoutMs,
        );
        waiters.push({ msg, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`worker exited before logging "${msg}"; stderr:\n${stderr.join("\n")}`));
        });
      });
    },
  };
}

const prefix = `wt-${uniqueSuffix()}`;
const baseEnv: Record<string, string | undefined> = {
  ...process.env,
  SHOPIFY_API_KEY: "ringfence-test-client-id",
  SHOPIFY_API_SECRET: "ringfence-test-client-secret",
  SHOPIFY_APP_URL: "https://ringfence.test",
  QUEUE_PREFIX: prefix,
  LOG_LEVEL: "info",
  WORKER_CONCURRENCY: "2",
};

let producer: Producer;
let producerRedis: ReturnType<typeof createRedisConnection>;
let events: QueueEvents;
const started: Running[] = [];

beforeAll(async () => {
  producerRedis = createRedisConnection(process.env.REDIS_URL!, "producer", "worker-test");
  producer = createProducer({ connection: producerRedis, prefix });
  events = new QueueEvents("health", { connection: { url: process.env.REDIS_URL! }, prefix });
  await events.waitUntilReady();
});

afterAll(async () => {
  for (const w of started) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
  await events?.close();
  await producer?.close();
  await producerRedis?.quit();
});

describe("worker process", () => {
  it("processes a job enqueued through the contract, then shuts down in order on SIGTERM with exit 0", async () => {
    const worker = startWorker(baseEnv);
    started.push(worker);
    const ready = await worker.waitFor("worker ready");
    expect(ready.queues).toContain("health");
    expect(ready.prefix).toBe(prefix);

    const nonce = randomUUID();
    const job = await producer.enqueue("health", { nonce });
    const result = (await job.waitUntilFinished(events, 15_000)) as { nonce: string; pid: number; dbMs: number };
    expect(result.nonce).toBe(nonce);
    expect(result.pid).toBe(ready.pid);
    expect(result.dbMs).toBeGreaterThanOrEqual(0);

    const signalledAt = Date.now();
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(5_000);

    const steps = worker.lines.map((l) => l.msg).filter((m) => m.startsWith("shutdown"));
    expect(steps).toEqual([
      "shutdown requested",
      "shutdown: stopping workers",
      "shutdown: workers closed",
      "shutdown: queues closed",
      "shutdown: redis closed",
      "shutdown: database disconnected",
      "shutdown complete",
    ]);
    expect(worker.lines.find((l) => l.msg === "shutdown: workers closed")?.forced).toBe(false);
    expect(worker.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("with WORKER_QUEUES consumes only those queues", async () => {
    const worker = startWorker({ ...baseEnv, WORKER_QUEUES: "route,push" });
    started.push(worker);
    const ready = await worker.waitFor("worker ready");
    expect([...(ready.queues as string[])].sort()).toEqual(["push", "route"]);
    // A health job stays waiting: nothing in this process takes it.
    const job = await producer.enqueue("health", { nonce: randomUUID() });
    await new Promise((r) => setTimeout(r, 500));
    expect(await job.getState()).toBe("waiting");
    await job.remove();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toMatchObject({ code: 0 });
  });

  it("refuses to start without REDIS_URL, naming it", async () => {
    const { REDIS_URL: _omitted, ...env } = baseEnv;
    const worker = startWorker(env);
    started.push(worker);
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.stderr.join("\n")).toContain(
      "Invalid environment: REDIS_URL: required (the Redis that BullMQ uses, e.g. redis://127.0.0.1:6379)",
    );
    expect(worker.lines.find((l) => l.msg === "worker ready")).toBeUndefined();
  });

  it("refuses to start with a DATABASE_URL that is not PostgreSQL, naming it", async () => {
    const worker = startWorker({ ...baseEnv, DATABASE_URL: "mysql://root@127.0.0.1/ringfence" });
    started.push(worker);
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.stderr.join("\n")).toMatch(/DATABASE_URL: must be a postgresql:\/\/ or postgres:\/\/ URL/);
  });
});
