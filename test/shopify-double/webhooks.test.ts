import "@shopify/shopify-api/adapters/node";
import { createHmac } from "node:crypto";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { API_KEY, API_SECRET, SHOP, startDouble, startReceiver, type ReceivedWebhook } from "./test-helpers";
import { prng } from "./webhooks";

const hmacOf = (body: string, secret = API_SECRET) => createHmac("sha256", secret).update(body).digest("base64");
const verifies = (w: ReceivedWebhook) => w.headers["x-shopify-hmac-sha256"] === hmacOf(w.body);

let double: ShopifyDouble | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await double?.close();
  await receiver?.close();
  double = receiver = undefined;
});

async function setup(respond?: Parameters<typeof startReceiver>[0], opts: Parameters<typeof startDouble>[0] = {}) {
  receiver = await startReceiver(respond);
  ({ double } = await startDouble({ webhookUrl: receiver.url, productUpdateWebhooks: false, ...opts, webhooks: { retryBackoffMs: 5, ...opts.webhooks } }));
  return { double: double!, receiver };
}

describe("deliveries", () => {
  it("POSTs signed deliveries with Shopify's headers to the topic's path", async () => {
    const { double, receiver } = await setup();
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
    await double.flushDeliveries();
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/webhooks/inventory_levels/update", "/webhooks/orders/create"]);
    const create = receiver.received.find((r) => r.path === "/webhooks/orders/create")!;
    expect(verifies(create)).toBe(true);
    expect(create.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
    });
    expect(create.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(create.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(create.headers["x-shopify-triggered-at"] as string)).not.toBeNaN();
    expect(create.headers["user-agent"]).toMatch(/^Mozilla\/5\.0 .*Chrome/);
    expect(JSON.parse(create.body)).toMatchObject({ id: 1, line_items: [{ sku: "TEE-BLK-M", quantity: 1 }] });
    expect(double.stats().deliveries).toEqual({ sent: 2, accepted: 2, rejected: 0, duplicates: 0 });
  });

  it("passes @shopify/shopify-api's own webhook validation", async () => {
    const shopify = shopifyApi({ apiKey: API_KEY, apiSecretKey: API_SECRET, hostName: "app.example.com", apiVersion: ApiVersion.July26, isEmbeddedApp: true, logger: { level: 0 } });
    const results: unknown[] = [];
    const { double, receiver } = await setup();
    double.order({ id: 2, location: 101, lines: [{ sku: "TEE-BLK-L", qty: 1 }] });
    await double.flushDeliveries();
    for (const w of receiver.received) {
      results.push(await shopify.webhooks.validate({ rawBody: w.body, rawRequest: { headers: w.headers, method: "POST", url: w.path } as never, rawResponse: {} as never }));
    }
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ valid: true, domain: SHOP, apiVersion: "2026-07" });
  });

  // The benchmark sends from a thread of its own (senderThread): the same deliveries, answers and times.
  for (const senderThread of [false, true]) {
    const from = senderThread ? " (from a sender thread)" : "";
    it(`retries a failed delivery with the same webhook id and records every attempt${from}`, async () => {
      const { double, receiver } = await setup((_, i) => (i < 2 ? 500 : 200), { webhooks: { concurrency: 1, senderThread } });
      double.stock("TEE-BLK-M", 101, 41);
      await double.flushDeliveries();
      expect(receiver.received).toHaveLength(3);
      expect(new Set(receiver.received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
      const [rec] = double.deliveries();
      expect(rec.status).toBe("accepted");
      expect(rec.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(rec.attempts.every((a) => a.latencyMs >= 0)).toBe(true);
      expect(double.stats().deliveries).toEqual({ sent: 1, accepted: 1, rejected: 0, duplicates: 0 });
    });

    it(`gives up after the configured retries and on timeouts${from}`, async () => {
      const { double } = await setup(async (w) => (w.path.includes("orders") ? 503 : new Promise<number>((r) => setTimeout(() => r(200), 300))), {
        webhooks: { retries: 1, timeoutMs: 100, senderThread },
      });
      double.order({ id: 3, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 1 }] });
      await double.flushDeliveries();
      const recs = double.deliveries();
      expect(recs.map((r) => [r.topic, r.status, r.attempts.length])).toEqual([
        ["orders/create", "rejected", 2],
        ["inventory_levels/update", "rejected", 2],
      ]);
      expect(recs[1].attempts[0].error).toBe("timed out after 100 ms");
      expect(double.stats().deliveries).toMatchObject({ sent: 2, rejected: 2 });
    });
  }

  it("a raw delivery with a bad HMAC is sent once and counted rejected when the app refuses it", async () => {
    const { double, receiver } = await setup((w) => (verifies(w) ? 200 : 401));
    const rec = await double.deliverRaw({ topic: "orders/create", payload: { id: 99 }, badHmac: true });
    expect(rec).toMatchObject({ status: "rejected", raw: true, badHmac: true, attempts: [{ status: 401 }] });
    expect(receiver.received).toHaveLength(1);
    expect(verifies(receiver.received[0])).toBe(false);
    const good = await double.deliverRaw({ topic: "orders/create", payload: { id: 100 } });
    expect(good.status).toBe("accepted");
    expect(double.stats().deliveries).toEqual({ sent: 2, accepted: 1, rejected: 1, duplicates: 0 });
  });
});

describe("faults", () => {
  it("duplicates share the X-Shopify-Webhook-Id and X-Shopify-Event-Id", async () => {
    const { double, receiver } = await setup();
    double.faults({ duplicate: 1, reorderWindow: 0, seed: 3 });
    double.stock("TEE-BLK-M", 101, 30);
    await double.flushDeliveries();
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(a.headers["x-shopify-webhook-id"]).toBe(b.headers["x-shopify-webhook-id"]);
    expect(a.headers["x-shopify-event-id"]).toBe(b.headers["x-shopify-event-id"]);
    expect(a.body).toBe(b.body);
    expect(double.stats().deliveries).toEqual({ sent: 2, accepted: 2, duplicates: 1, rejected: 0 });
    expect(double.deliveryCount()).toBe(double.deliveries().length);
    expect(double.deliveryCount(double.shops()[0])).toBe(2);
    expect(() => double.deliveryCount("other-shop.myshopify.com")).toThrow("not seeded");
  });

  it("duplicates with the given probability, deterministically from the seed", async () => {
    const run = async (seed: number) => {
      const { double } = await startDouble({ productUpdateWebhooks: false });
      double.faults({ duplicate: 0.3, reorderWindow: 0, seed });
      for (let i = 0; i < 40; i++) double.stock("TEE-BLK-M", 101, 100 + i);
      const dupes = double.deliveries().map((d) => d.duplicate);
      await double.close();
      return dupes;
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    const count = a.filter(Boolean).length;
    expect(count).toBeGreaterThan(4);
    expect(count).toBeLessThan(25);
  });

  it("shuffles within windows, the same way for the same seed", async () => {
    const arrivalOrder = async (seed: number) => {
      const { double, receiver } = await setup(undefined, { webhooks: { concurrency: 1 } });
      double.faults({ duplicate: 0, reorderWindow: 5, seed });
      for (let i = 0; i < 10; i++) double.stock("TEE-BLK-M", 101, 50 + i);
      await double.flushDeliveries();
      const order = receiver.received.map((r) => (JSON.parse(r.body) as { available: number }).available - 50);
      await double.close();
      await receiver.close();
      return order;
    };
    const first = await arrivalOrder(7);
    expect([...first].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Windows of 5: the first five deliveries stay within the first five slots.
    expect([...first.slice(0, 5)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
    expect(await arrivalOrder(7)).toEqual(first);
    expect(await arrivalOrder(8)).not.toEqual(first);
  });

  it("uses a PRNG that is stable across runs", () => {
    const r = prng(42);
    expect([r(), r(), r()].map((x) => x.toFixed(6))).toEqual(["0.601104", "0.448291", "0.852466"]);
  });
});
