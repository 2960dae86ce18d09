import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay, type ReplayOutput } from "../../../scripts/lib/replay-run";
import type { Stack } from "../../../scripts/lib/stack";
import { endState, fixture, noFaults, startE2EStack } from "./helpers";

describe("e2e: duplicates, reordering and forged deliveries", () => {
  let stack: Stack;
  let clean: ReplayOutput;
  const cleanFiles = fixture("apparel", "clean", noFaults);

  beforeAll(async () => {
    stack = await startE2EStack();
    clean = await runReplay(stack, cleanFiles);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("the clean run of the fixture lands every push and oversells nothing", () => {
    expect(clean.deliveries.duplicates).toBe(0);
    expect(clean.unfulfillable).toBe(0);
    expect(clean.shopifyCalls.mutations).toBeGreaterThan(0);
    // The Amazon location shows exactly Amazon's ATS: the push carried the computed value.
    for (const row of clean.ats.filter((a) => a.channel === "amazon")) {
      const level = clean.levels.find((l) => l.location === 901 && l.sku === row.sku);
      expect({ sku: row.sku, available: level?.available }).toEqual({ sku: row.sku, available: row.ats });
    }
  });

  it("50% duplicates and reordering reach the same end state as the clean run", async () => {
    const faulty = fixture("apparel", "faulty", noFaults);
    // Faults from the first script line on: every later delivery may be duplicated or shuffled.
    faulty.script.unshift({ line: 0, action: { do: "faults", duplicate: 0.5, reorderWindow: 6, seed: 11, delayMs: 0 } });
    const out = await runReplay(stack, faulty);
    stack.double.faults({ duplicate: 0, reorderWindow: 0 });
    expect(out.deliveries.duplicates).toBeGreaterThan(10);
    expect(endState(out)).toEqual(endState(clean));
    // Exactly once: every accepted webhook id has one inbox row.
    const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: faulty.store.shop } })).id;
    const ids = new Set(stack.double.deliveries(faulty.store.shop).filter((d) => d.status === "accepted").map((d) => d.webhookId));
    expect(await stack.prisma.webhookInbox.count({ where: { shopId } })).toBe(ids.size);
  }, 120_000);

  it("a forged HMAC is answered 401 and changes nothing", async () => {
    const shop = cleanFiles.store.shop;
    const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
    const inboxBefore = await stack.prisma.webhookInbox.count({ where: { shopId } });
    const ordersBefore = await stack.prisma.order.count({ where: { shopId } });
    const levelsBefore = stack.double.levels(shop);
    const forged = await stack.double.deliverRaw({
      shop,
      topic: "orders/create",
      badHmac: true,
      payload: { id: 777001, admin_graphql_api_id: "gid://shopify/Order/777001", source_name: "web", updated_at: new Date().toISOString(), line_items: [{ id: 1, variant_id: 8002, sku: "TEE-BLK-M", quantity: 30 }] },
    });
    expect(forged.status).toBe("rejected");
    expect(forged.attempts.map((a) => a.status)).toEqual([401]);
    await stack.waitIdle({ shops: [shop] });
    expect(await stack.prisma.webhookInbox.count({ where: { shopId } })).toBe(inboxBefore);
    expect(await stack.prisma.order.count({ where: { shopId } })).toBe(ordersBefore);
    expect(stack.double.levels(shop)).toEqual(levelsBefore);
  }, 60_000);

  it("two shops in one stack: each shop's deliveries and pushes touch only its own data", async () => {
    const a = cleanFiles.store.shop;
    const b = (await stack.prisma.shop.findFirstOrThrow({ where: { domain: { startsWith: "faulty-" } }, orderBy: { id: "desc" } })).domain;
    const [shopA, shopB] = await Promise.all([a, b].map((domain) => stack.prisma.shop.findUniqueOrThrow({ where: { domain } })));
    // Every push entry of a shop names that shop's items and locations, never the other's.
    for (const shop of [shopA, shopB]) {
      const foreignItems = await stack.prisma.pushJobEntry.count({ where: { shopId: shop.id, item: { shopId: { not: shop.id } } } });
      const foreignLocations = await stack.prisma.pushJobEntry.count({ where: { shopId: shop.id, location: { shopId: { not: shop.id } } } });
      expect({ foreignItems, foreignLocations }).toEqual({ foreignItems: 0, foreignLocations: 0 });
      expect(await stack.prisma.pushJobEntry.count({ where: { shopId: shop.id } })).toBeGreaterThan(0);
    }
    // A change in shop A: A's inbox and A's Shopify calls move; B's stay exactly as they were.
    const callsB = stack.double.calls(b).graphql.length;
    const callsA = stack.double.calls(a).graphql.length;
    const levelsB = stack.double.levels(b);
    const inboxB = await stack.prisma.webhookInbox.count({ where: { shopId: shopB.id } });
    // A receipt at A's warehouse grows Amazon's pool there: the app must write A's Amazon location.
    stack.double.stock("TEE-BLK-L", 101, 60, a);
    await stack.waitIdle({ shops: [a, b] });
    expect(stack.double.calls(a).graphql.length).toBeGreaterThan(callsA);
    expect(stack.double.calls(b).graphql.length).toBe(callsB);
    expect(stack.double.levels(b)).toEqual(levelsB);
    expect(await stack.prisma.webhookInbox.count({ where: { shopId: shopB.id } })).toBe(inboxB);
    const receipt = await stack.prisma.webhookInbox.count({ where: { shopId: shopA.id, topic: "inventory_levels/update", payload: { path: ["available"], gt: 20 } } });
    expect(receipt).toBeGreaterThan(0);
  }, 60_000);
});
