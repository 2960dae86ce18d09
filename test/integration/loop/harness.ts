import type { Queue } from "bullmq";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { QUEUE_NAMES } from "../../../app/jobs/contract";
import { createProducer, type Producer } from "../../../app/jobs/producer.server";
import { createLogger } from "../../../app/lib/logger";
import { createAdminClient, type AdminClient, type Transport } from "../../../app/shopify/client";
import { ShopThrottle } from "../../../app/shopify/throttle";
import { fetchTransport, sessionTokenLookup } from "../../../app/shopify/transport.server";
import { processors } from "../../../workers/processors";
import { createRegistrar, registerAll, type Registrar } from "../../../workers/register";
import { createShopifyDouble, type ShopifyDouble, type ShopifyDoubleOptions, type StoreInput } from "../../shopify-double";
import { uniqueSuffix } from "../../support/factories";

/**
 * The loop's test bench: the Shopify test double (webhooks off: these tests drive the app side
 * directly), the shops installed in it with offline sessions in our database, Admin clients
 * pointed at the double, and optionally the real BullMQ workers on the real Redis.
 */

export const API_KEY = "loop-test-key";
export const API_SECRET = "loop-test-secret";

export function storeFor(shop: string, variants: { sku: string; item: number; onHand: Record<string, number> }[], locations?: StoreInput["locations"]): StoreInput {
  return {
    shop,
    locations: locations ?? [
      { id: 101, name: "Central Warehouse", fulfillsOnlineOrders: true },
      { id: 102, name: "Store Backroom", fulfillsOnlineOrders: true },
      { id: 901, name: "Amazon (channel)", fulfillsOnlineOrders: false },
    ],
    products: variants.map((v, i) => ({
      id: 7000 + i,
      title: `Product ${v.sku}`,
      vendor: "Acme",
      tags: ["core"],
      collections: ["tees", "summer"],
      variants: [{ id: 8000 + i, inventoryItemId: v.item, sku: v.sku, onHand: v.onHand }],
    })),
  };
}

export const shopDomain = (tag: string) => `${tag}-${uniqueSuffix()}.myshopify.com`;

export interface Bench {
  double: ShopifyDouble;
  shops: Map<string, number>;
  adminFor(shop: string, opts?: { transport?: (t: Transport) => Transport; throttle?: ShopThrottle; maxAttempts?: number }): AdminClient;
  close(): Promise<void>;
}

export async function startBench(stores: StoreInput[], options: Partial<ShopifyDoubleOptions> = {}): Promise<Bench> {
  const double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: null, bulkDelayMs: 30, ...options });
  const shops = new Map<string, number>();
  for (const store of stores) {
    double.seedStore(store);
    const token = double.installApp(store.shop);
    await prisma.session.create({ data: { id: `offline_${store.shop}`, shop: store.shop, state: "", isOnline: false, accessToken: token } });
    const shop = await prisma.shop.create({ data: { domain: store.shop } });
    shops.set(store.shop, shop.id);
  }
  const throttle = new ShopThrottle();
  return {
    double,
    shops,
    adminFor(shop, opts = {}) {
      const base = fetchTransport({ accessToken: sessionTokenLookup(prisma), adminOrigin: double.url });
      return createAdminClient({
        shop,
        transport: opts.transport ? opts.transport(base) : base,
        throttle: opts.throttle ?? throttle,
        baseBackoffMs: 10,
        maxAttempts: opts.maxAttempts,
        log: createLogger("error"),
      });
    },
    close: () => double.close(),
  };
}

export interface Workers {
  producer: Producer;
  registrar: Registrar;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The real worker processors on the real Redis, under a prefix of their own. */
export async function startWorkers(double: ShopifyDouble): Promise<Workers> {
  process.env.SHOPIFY_ADMIN_ORIGIN = double.url;
  const prefix = `loop-${uniqueSuffix()}`;
  const log = createLogger("error");
  const producerConn = createRedisConnection(process.env.REDIS_URL!, "producer");
  const workerConn = createRedisConnection(process.env.REDIS_URL!, "worker");
  // The producer fails fast while disconnected (enableOfflineQueue off): wait until it is up.
  if (producerConn.status !== "ready") await new Promise((resolve) => producerConn.once("ready", resolve));
  const producer = createProducer({ connection: producerConn, prefix, log });
  const registrar = createRegistrar({ connection: workerConn, prefix, log, ctx: { prisma, producer } });
  registerAll(registrar, { recompute: processors.recompute, push: processors.push, route: processors.route, sync: processors.sync, reconcile: processors.reconcile });
  const queues: Queue[] = QUEUE_NAMES.filter((q) => q !== "health" && q !== "webhooks").map((q) => producer.queue(q));
  return {
    producer,
    registrar,
    async idle(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < until) {
        // The reconcile scheduler always keeps its next nightly run delayed: not work in progress.
        const counts = await Promise.all(
          queues.map((q) => q.getJobCounts("waiting", "active", "prioritized", "waiting-children", ...(q.name === "reconcile" ? [] : ["delayed" as const]))),
        );
        const busy = counts.reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0);
        quiet = busy === 0 ? quiet + 1 : 0;
        if (quiet >= 3) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("queues did not go idle");
    },
    async close() {
      await Promise.all(registrar.workers.map((w) => w.close()));
      await producer.close();
      await Promise.allSettled([producerConn.quit(), workerConn.quit()]);
      delete process.env.SHOPIFY_ADMIN_ORIGIN;
    },
  };
}

export function levelAt(double: ShopifyDouble, shop: string, location: number, sku: string) {
  const row = double.levels(shop).find((l) => l.location === location && l.sku === sku);
  if (!row) throw new Error(`no level for ${sku} at ${location} in ${shop}`);
  return row;
}

/** Inventory writes the app sent that Shopify ran (THROTTLED attempts excluded). */
export const inventoryWrites = (double: ShopifyDouble, shop: string) =>
  double
    .calls(shop)
    .graphql.filter((c) => c.outcome !== "throttled" && (c.operationName === "InventorySetQuantities" || c.operationName === "InventoryMoveQuantities"));
