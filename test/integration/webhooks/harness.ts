import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Worker } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import type { Redis } from "ioredis";
import { createShopifyDouble, hmacBase64, type ShopifyDouble } from "../../shopify-double";
import type { StoreInput } from "../../shopify-double/store";
import { uniqueSuffix } from "../../support/factories";
import { answerWithAction, pathOf } from "../../../scripts/lib/direct-webhooks";

/**
 * The webhook loop in-process: the Shopify test double delivers HMAC-signed webhooks over HTTP to
 * a small server that hands each request to the real Remix route's `action` (as the production
 * server, scripts/serve.ts, does), recorded in real PostgreSQL, queued in real Redis, applied by a real
 * BullMQ worker running the registered `webhooks` processor.
 */

export const API_KEY = "webhooks-test-key";
export const API_SECRET = "webhooks-test-secret";

// Must be set before any app module reads the environment (shopify.server reads it at import).
process.env.SHOPIFY_API_KEY = API_KEY;
process.env.SHOPIFY_API_SECRET = API_SECRET;
process.env.SHOPIFY_APP_URL = "https://ringfence.test";
process.env.QUEUE_PREFIX = `wh-${uniqueSuffix()}`;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "error";

export function storeFor(shop: string): StoreInput {
  return {
    shop,
    locations: [
      { id: 101, name: "Central Warehouse", fulfillsOnlineOrders: true },
      { id: 102, name: "Brooklyn", fulfillsOnlineOrders: true },
      { id: 901, name: "Amazon (channel)", fulfillsOnlineOrders: false },
    ],
    products: [
      {
        id: 7001,
        title: "Crew Tee Black",
        vendor: "Acme",
        tags: ["core"],
        variants: [
          { id: 8001, inventoryItemId: 9001, sku: "TEE-BLK-M", onHand: { "101": 40, "102": 10, "901": 12 } },
          { id: 8002, inventoryItemId: 9002, sku: "TEE-BLK-L", onHand: { "101": 10, "102": 10 } },
        ],
      },
    ],
  };
}

type RouteModule = { action: (args: { request: Request; params: Record<string, string>; context: unknown }) => Promise<Response> };

/** The route module Remix would serve for /webhooks/<topic> (flat routes: dots for slashes). */
export async function routeFor(topic: string): Promise<RouteModule> {
  const file = topic.split("/").join(".");
  return import(`../../../app/routes/webhooks.${file}.tsx`);
}

/** Calls a route action as Remix does; a thrown Response is the answer. */
export async function callAction(topic: string, request: Request): Promise<Response> {
  const mod = await routeFor(topic);
  try {
    return await mod.action({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** A delivery signed as Shopify signs it. */
export function signedRequest(
  shop: string,
  topic: string,
  payload: unknown,
  opts: { webhookId?: string; secret?: string; triggeredAt?: string } = {},
): Request {
  const body = JSON.stringify(payload);
  return new Request(`https://ringfence.test/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": hmacBase64(opts.secret ?? API_SECRET, body),
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Webhook-Id": opts.webhookId ?? randomUUID(),
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Triggered-At": opts.triggeredAt ?? new Date().toISOString(),
    },
  });
}

export async function post(shop: string, topic: string, payload: unknown, opts: Parameters<typeof signedRequest>[3] = {}): Promise<Response> {
  return callAction(topic, signedRequest(shop, topic, payload, opts));
}

/** An HTTP server routing /webhooks/<topic> to the route actions as scripts/serve.ts does, on a free port. */
export async function startWebhookServer(): Promise<{ url: string; close(): Promise<void>; latencies: number[] }> {
  const latencies: number[] = [];
  const server: Server = createServer(async (req, res) => {
    const started = performance.now();
    const topic = pathOf(req.url ?? "").replace(/^\/webhooks\//, "");
    const { action } = await routeFor(topic);
    await answerWithAction(action, req, res);
    latencies.push(performance.now() - started);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    latencies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startDouble(webhookUrl: string | null, now?: () => number): Promise<ShopifyDouble> {
  const double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl, webhooks: { retries: 0 }, now });
  process.env.SHOPIFY_ADMIN_ORIGIN = double.url;
  return double;
}

/** Creates the Shop row and the offline session Shopify's install would leave. */
export async function installShop(double: ShopifyDouble, domain: string, extra: { timezone?: string } = {}) {
  const { default: prisma } = await import("../../../app/db.server");
  const token = double.installApp(domain);
  const shop = await prisma.shop.create({ data: { domain, ...extra } });
  await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: token, scope: "read_orders" } });
  const locations = [
    { shopifyId: 101n, name: "Central Warehouse" },
    { shopifyId: 102n, name: "Brooklyn" },
    { shopifyId: 901n, name: "Amazon (channel)", role: "channel" as const },
  ];
  for (const l of locations) await prisma.location.create({ data: { shopId: shop.id, ...l } });
  return shop;
}

export interface WorkerHarness {
  producer: import("../../../app/jobs/producer.server").Producer;
  workers: Worker[];
  connections: Redis[];
  close(): Promise<void>;
}

/** A real BullMQ worker for the webhooks queue (the worker process's registrar and processor). */
export async function startWorker(): Promise<WorkerHarness> {
  const { createRedisConnection } = await import("../../../app/jobs/connection.server");
  const { createProducer } = await import("../../../app/jobs/producer.server");
  const { createRegistrar } = await import("../../../workers/register");
  const { processors } = await import("../../../workers/processors");
  const { createLogger } = await import("../../../app/lib/logger");
  const { default: prisma } = await import("../../../app/db.server");
  const url = process.env.REDIS_URL!;
  const prefix = process.env.QUEUE_PREFIX!;
  const log = createLogger("error");
  const workerConn = createRedisConnection(url, "worker", "test-worker");
  const producerConn = createRedisConnection(url, "producer", "test-worker-producer");
  const producer = createProducer({ connection: producerConn, prefix, log });
  const registrar = createRegistrar({ connection: workerConn, prefix, log, ctx: { prisma, producer } });
  registrar.register("webhooks", processors.webhooks!);
  await Promise.all(registrar.workers.map((w) => w.waitUntilReady()));
  return {
    producer,
    workers: registrar.workers,
    connections: [workerConn, producerConn],
    async close() {
      await Promise.all(registrar.workers.map((w) => w.close()));
      await producer.close();
      for (const c of [workerConn, producerConn]) await c.quit().catch(() => c.disconnect());
    },
  };
}

/** Waits until every inbox row of the shop is done or rejected. */
export async function settled(shopId: number, timeoutMs = 20_000): Promise<void> {
  const { default: prisma } = await import("../../../app/db.server");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await prisma.webhookInbox.count({ where: { shopId, status: { in: ["received", "processing", "failed"] } } });
    if (pending === 0) return;
    if (Date.now() > deadline) {
      const rows = await prisma.webhookInbox.findMany({ where: { shopId, status: { not: "done" } }, select: { id: true, topic: true, status: true, error: true } });
      throw new Error(`inbox of shop ${shopId} not settled: ${JSON.stringify(rows)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The web process's producer (what getProducer() returns to the routes), opened here so the test
 * can close its connection, and so a producer left on globalThis by another test file (with
 * another queue prefix) is never reused.
 */
export async function openWebProducer(): Promise<{ close(): Promise<void> }> {
  const { createRedisConnection } = await import("../../../app/jobs/connection.server");
  const { createProducer } = await import("../../../app/jobs/producer.server");
  const { createLogger } = await import("../../../app/lib/logger");
  const connection = createRedisConnection(process.env.REDIS_URL!, "producer", "test-web-producer");
  connection.on("error", () => {});
  const producer = createProducer({ connection, prefix: process.env.QUEUE_PREFIX!, log: createLogger("error") });
  globalThis.ringfenceProducer = producer;
  return {
    async close() {
      if (globalThis.ringfenceProducer === producer) globalThis.ringfenceProducer = undefined;
      await producer.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * A Shopify double on a clock the test moves by hand (so updated_at values differ), and the web
 * process's queue producer, opened before the file's tests and closed after them.
 */
export function doubleOnHandClock(start = Date.UTC(2026, 10, 23, 10, 0, 0)) {
  const h = {
    clock: start,
    double: undefined as unknown as ShopifyDouble,
    tick(seconds = 1) {
      h.clock += seconds * 1000;
    },
  };
  let web: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    web = await openWebProducer();
    h.double = await startDouble(null, () => h.clock);
  });
  afterAll(async () => {
    await h.double?.close();
    await web?.close();
  });
  return h;
}
