import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay, type ReplayOutput } from "../../../scripts/lib/replay-run";
import type { Stack } from "../../../scripts/lib/stack";
import { fixture, noFaults, startE2EStack } from "./helpers";

/** Spends the shop's bucket as another app client would, until Shopify says THROTTLED. */
async function drainBucket(stack: Stack, shop: string): Promise<number> {
  const token = stack.double.installApp(shop);
  let calls = 0;
  for (;;) {
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await fetch(`${stack.double.url}/${shop}/admin/api/2026-07/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
          body: JSON.stringify({ query: "{ locations(first: 5) { edges { node { id } } } }" }),
        });
        const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
        return body.errors?.some((e) => e.extensions?.code === "THROTTLED") ?? false;
      }),
    );
    calls += answers.length;
    if (answers.some(Boolean)) return calls;
    if (calls > 5_000) throw new Error("the bucket never emptied");
  }
}

/** Every push landed: nothing pending or failed, and Shopify shows what the app computed. */
async function everyPushLanded(stack: Stack, shop: string, out: ReplayOutput) {
  const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  const unfinished = await stack.prisma.pushJob.count({ where: { shopId, status: { in: ["pending", "sent", "failed"] } } });
  expect(unfinished).toBe(0);
  expect(out.unfulfillable).toBe(0);
  const amazon = out.ats.filter((a) => a.channel === "amazon");
  expect(amazon.length).toBeGreaterThan(0);
  for (const row of amazon) {
    const level = stack.double.levels(shop).find((l) => l.location === 901 && l.sku === row.sku);
    expect({ sku: row.sku, available: level?.available }).toEqual({ sku: row.sku, available: row.ats });
  }
}

describe("e2e: throttling and compare-and-swap conflicts", () => {
  let stack: Stack;
  // Armed by the STALE test: the next write to the Amazon location is preceded by a sale there.
  let injectSale: ((body: string) => void) | null = null;

  beforeAll(async () => {
    stack = await startE2EStack({
      // A tiny restore rate (20 points/s; Shopify's standard plan restores 100) with a bucket of
      // 1000: once another client of the shop has emptied it, every call of ours waits.
      double: { restoreRate: 20, bucketSize: 1000 },
      beforeAdminCall: ({ body }) => {
        if (injectSale && body.includes("inventorySetQuantities") && body.includes("gid://shopify/Location/901")) {
          const inject = injectSale;
          injectSale = null;
          inject(body);
        }
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("a tiny restore rate throttles the app, and every push still lands", async () => {
    const files = fixture("apparel", "throttle", noFaults);
    let drained = 0;
    const out = await runReplay(stack, files, {
      async beforeLine(_line, i) {
        if (i === 0) drained = await drainBucket(stack, files.store.shop);
      },
    });
    expect(drained).toBeGreaterThan(0);
    expect(out.shopifyCalls.throttled).toBeGreaterThan(0);
    await everyPushLanded(stack, files.store.shop, out);
  }, 120_000);

  it("a sale between the app's read and its write makes the write STALE; the app re-reads and the push lands", async () => {
    const files = fixture("apparel", "stale", (l) => noFaults(l) && l.line <= 2);
    const out0 = await runReplay(stack, files);
    const shop = files.store.shop;
    const staleBefore = out0.shopifyCalls.stale;
    let injected: string | null = null;
    const skuOfItem = (item: string) => files.store.products.flatMap((p) => p.variants).find((v) => String(v.inventoryItemId) === item)?.sku ?? null;
    injectSale = (body) => {
      const item = /gid:\/\/shopify\/InventoryItem\/(\d+)/.exec(body)?.[1];
      const sku = item ? skuOfItem(item) : null;
      if (!sku) return;
      const res = stack.double.order({ shop, id: 880001, sourceName: "amazon", location: 901, lines: [{ sku, qty: 1 }] });
      injected = res.accepted ? sku : null;
    };
    // A receipt at the warehouse grows Amazon's pool: the app writes the Amazon location.
    stack.double.stock("TEE-BLK-M", 101, 60, shop);
    await stack.waitIdle({ shops: [shop] });
    expect(injected).not.toBeNull();
    const stats = stack.double.stats(shop);
    expect(stats.shopifyCalls.stale).toBeGreaterThan(staleBefore);
    const { readOutput } = await import("../../../scripts/lib/replay-run");
    const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
    await everyPushLanded(stack, shop, await readOutput(stack, shop, shopId));
  }, 90_000);
});
