// The ordered shutdown and the register() helper with real BullMQ workers on the integration Redis:
// an active job is waited for; one that outlives the timeout is cancelled and left for a retry.
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createProducer } from "../../../app/jobs/producer.server";
import { createLogger, type Level } from "../../../app/lib/logger";
import { uniqueSuffix } from "../../support/factories";
import { createRegistrar } from "../../../workers/register";
import { shutdown } from "../../../workers/shutdown";
import type { Processor } from "../../../workers/types";

const REDIS_URL = () => process.env.REDIS_URL!;

function capture() {
  const lines: { level: Level; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger("debug", {}, (line) => lines.push(JSON.parse(line)));
  return { log, lines };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function setup(processor: Processor<"health">) {
  const prefix = `sd-${uniqueSuffix()}`;
  const { log, lines } = capture();
  const workerRedis = createRedisConnection(REDIS_URL(), "worker");
  const producerRedis = createRedisConnection(REDIS_URL(), "producer");
  const producer = createProducer({ connection: producerRedis, prefix, log });
  const registrar = createRegistrar({ connection: workerRedis, prefix, log, ctx: { prisma, producer } });
  const worker = registrar.register("health", processor);
  await worker.waitUntilReady();
  const events = new QueueEvents("health", { connection: { url: REDIS_URL() }, prefix });
  await events.waitUntilReady();
  const inspect = new Queue("health", { connection: { url: REDIS_URL() }, prefix });
  cleanups.push(
    () => events.close(),
    () => inspect.close(),
    () => registrar.workers[0].close(true),
    () => producer.close(),
    () => workerRedis.quit(),
    () => producerRedis.quit(),
  );
  const stop = (timeoutMs: number) =>
    shutdown({
      workers: registrar.workers,
      closeQueues: () => producer.close(),
      redis: [workerRedis, producerRedis],
      // Each test file shares one Prisma client, closed by the integration setup.
      disconnectDb: async () => undefined,
      log,
      timeoutMs,
    });
  return { producer, events, inspect, lines, stop, workerRedis };
}

// Resolved by the processor itself when it starts: a QueueEvents "active" event can be missed
// when the job starts before the events stream's first read (it reads from "$").
function startedSignal() {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  return { running, started };
}

describe("register()", () => {
  it("fails a job whose payload breaks the contract without retrying it", async () => {
    let called = 0;
    const { inspect, events } = await setup(async () => {
      called += 1;
      return "ran";
    });
    // Bypasses the producer's own validation, as a stale producer or a hand-made job would.
    const job = await inspect.add("ping", { nonce: "x", accessToken: "shpat_leak" }, { attempts: 5 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/accessToken: not part of the payload/);
    const failed = await inspect.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(called).toBe(0);
  });
});

describe("shutdown()", () => {
  it("waits for an active job to finish before closing anything", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { running, started } = startedSignal();
    const { producer, inspect, lines, stop } = await setup(async (payload) => {
      started();
      await gate;
      return { nonce: payload.nonce };
    });
    const nonce = randomUUID();
    const job = await producer.enqueue("health", { nonce });
    await running;

    const stopping = stop(10_000);
    await new Promise((r) => setTimeout(r, 300));
    // Still waiting for the job: nothing closed yet.
    expect(lines.map((l) => l.msg)).not.toContain("shutdown: workers closed");
    release();
    expect(await stopping).toEqual({ forced: false });

    const msgs = lines.map((l) => l.msg).filter((m) => m.startsWith("shutdown"));
    expect(msgs).toEqual([
      "shutdown: stopping workers",
      "shutdown: workers closed",
      "shutdown: queues closed",
      "shutdown: redis closed",
      "shutdown: database disconnected",
    ]);
    expect(await inspect.getJobState(job.id!)).toBe("completed");
    expect((await inspect.getJob(job.id!))?.returnvalue).toEqual({ nonce });
  });

  it("cancels a job that outlives the timeout and leaves it to be retried", async () => {
    const { running, started } = startedSignal();
    const { inspect, lines, stop } = await setup(
      (_payload, _job, { signal }) =>
        new Promise((_resolve, reject) => {
          started();
          signal?.addEventListener("abort", () => reject(new Error("cancelled by shutdown")));
        }),
    );
    // Retriable, as every domain job is.
    const job = await inspect.add("ping", { nonce: randomUUID() }, { attempts: 3 });
    await running;

    const stopAt = Date.now();
    expect(await stop(300)).toEqual({ forced: true });
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(lines.find((l) => l.msg.startsWith("shutdown: active jobs outlived the timeout"))?.level).toBe("warn");
    expect(lines.map((l) => l.msg)).toContain("shutdown: database disconnected");
    // Back in line for another worker, or still locked until its lock expires and it is retried
    // as stalled; never lost, never marked done.
    expect(["waiting", "delayed", "active"]).toContain(await inspect.getJobState(job.id!));
  });
});
