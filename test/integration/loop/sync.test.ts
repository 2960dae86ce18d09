import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { recomputeItem } from "../../../app/services/availability.server";
import { installShop } from "../../../app/services/install.server";
import { pushShop } from "../../../app/services/push.server";
import { parseCatalogueJsonl, syncShop } from "../../../app/services/sync.server";
import { inventoryWrites, shopDomain, startBench, startWorkers, storeFor, type Bench } from "./harness";

describe("install + initial sync", () => {
  const shop = shopDomain("sync");
  let bench: Bench;
  beforeAll(async () => {
    bench = await startBench([
      storeFor(shop, [
        { sku: "TEE-BLK-M", item: 9001, onHand: { "101": 40, "102": 5 } },
        { sku: "TEE-BLK-L", item: 9002, onHand: { "101": 12 } },
        { sku: "CAP-RED", item: 9003, onHand: { "102": 7, "901": 3 } },
      ]),
    ]);
  });
  afterAll(() => bench.close());

  it("imports locations, products, variants, items and levels, showing progress on the shop row", async () => {
    const shopId = bench.shops.get(shop)!;
    const seen: { status: string; imported: number; total: number | null }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
        seen.push({ status: s.syncStatus, imported: s.syncObjectsImported, total: s.syncObjectsTotal });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const result = await syncShop({ prisma, adminFor: (d) => bench.adminFor(d), pollMs: 10 }, shopId, "initial");
    watching = false;
    await watcher;

    expect(result).toMatchObject({ items: 3, locations: 3 });
    const s = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(s.syncStatus).toBe("done");
    expect(s.syncObjectsTotal).toBeGreaterThan(3);
    expect(s.syncObjectsImported).toBe(s.syncObjectsTotal);
    expect(seen.some((p) => p.status === "running")).toBe(true);

    const locations = await prisma.location.findMany({ where: { shopId }, orderBy: { shopifyId: "asc" } });
    expect(locations.map((l) => [Number(l.shopifyId), l.fulfillsOnlineOrders])).toEqual([
      [101, true],
      [102, true],
      [901, false],
    ]);
    const items = await prisma.inventoryItem.findMany({ where: { shopId }, include: { variant: { include: { product: true } } }, orderBy: { shopifyId: "asc" } });
    expect(items.map((i) => [Number(i.shopifyId), i.sku, i.variant?.product.vendor, [...(i.variant?.product.collections ?? [])].sort()])).toEqual([
      [9001, "TEE-BLK-M", "Acme", ["summer", "tees"]],
      [9002, "TEE-BLK-L", "Acme", ["summer", "tees"]],
      [9003, "CAP-RED", "Acme", ["summer", "tees"]],
    ]);
    // Stored as products/update sends it, so the first webhook after a sync is no change.
    expect(items[0].variant?.product.status).toBe("active");
    const m101 = await prisma.inventoryLevel.findFirstOrThrow({
      where: { shopId, itemId: items[0].id, name: "available", location: { shopifyId: 101n } },
    });
    expect(m101.quantity).toBe(40);
    expect(m101.shopifyUpdatedAt).not.toBeNull();
  });

  it("a sync requested while the last one ran (bulk_operations/finish) is satisfied by it", async () => {
    const shopId = bench.shops.get(shop)!;
    const requestedAt = new Date(Date.now() - 60_000);
    const again = await syncShop({ prisma, adminFor: (d) => bench.adminFor(d), pollMs: 10 }, shopId, "initial", { requestedAt });
    expect(again.skipped).toBe("a sync finished after this one was requested");
    expect(bench.double.calls(shop).bulk).toHaveLength(1);
  });

  it("creates the default channel: Online Store, shared, in place, on the locations that fulfil online orders", async () => {
    const shopId = bench.shops.get(shop)!;
    const channels = await prisma.channel.findMany({ where: { shopId }, include: { facilities: { include: { location: true }, orderBy: { position: "asc" } } } });
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ key: "online-store", name: "Online Store", mode: "shared", percent: 100, publishKind: "in_place", matchSourceNames: ["web"] });
    expect(channels[0].facilities.map((f) => Number(f.location.shopifyId))).toEqual([101, 102]);
  });

  it("the default channel leaves Shopify's numbers unchanged: ATS = available, and a push writes nothing", async () => {
    const shopId = bench.shops.get(shop)!;
    const before = bench.double.levels(shop);
    const items = await prisma.inventoryItem.findMany({ where: { shopId } });
    for (const item of items) {
      const r = await recomputeItem({ prisma }, shopId, item.id);
      expect(r.pendingEntries).toBe(0);
    }
    const snaps = await prisma.availabilitySnapshot.findMany({ where: { shopId }, include: { item: true } });
    const atsBySku = Object.fromEntries(snaps.map((s) => [s.item.sku, s.ats]));
    expect(atsBySku).toEqual({ "TEE-BLK-M": 45, "TEE-BLK-L": 12, "CAP-RED": 7 });
    const pushed = await pushShop({ prisma, adminFor: (d) => bench.adminFor(d) }, shopId);
    expect(pushed.applied).toBe(0);
    expect(inventoryWrites(bench.double, shop)).toHaveLength(0);
    expect(bench.double.levels(shop)).toEqual(before);
  });
});

describe("installShop", () => {
  it("creates the shop, enqueues one sync, schedules the nightly reconciliation, and the worker completes the sync", async () => {
    const shop = shopDomain("install");
    const bench = await startBench([]);
    const workers = await startWorkers(bench.double);
    try {
      bench.double.seedStore(storeFor(shop, [{ sku: "MUG", item: 9101, onHand: { "101": 9 } }]));
      const token = bench.double.installApp(shop);
      await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token } });
      const first = await installShop({ prisma, producer: workers.producer }, shop, { scopes: "read_inventory,write_inventory" });
      expect(first.syncEnqueued).toBe(true);
      const schedulers = await workers.producer.queue("reconcile").getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toContain(`reconcile-nightly-${first.shopId}`);
      await workers.idle();
      const row = await prisma.shop.findUniqueOrThrow({ where: { id: first.shopId } });
      expect(row.syncStatus).toBe("done");
      expect(await prisma.inventoryItem.count({ where: { shopId: first.shopId } })).toBe(1);
      expect(await prisma.availabilitySnapshot.count({ where: { shopId: first.shopId } })).toBe(1);
      const again = await installShop({ prisma, producer: workers.producer }, shop);
      expect(again).toEqual({ shopId: first.shopId, syncEnqueued: false });
      expect(inventoryWrites(bench.double, shop)).toHaveLength(0);
    } finally {
      await workers.close();
      await bench.close();
    }
  });

  it("refuses a domain that is not a shop, naming the field", async () => {
    const bench = await startBench([]);
    const workers = await startWorkers(bench.double);
    try {
      await expect(installShop({ prisma, producer: workers.producer }, "evil.example.com")).rejects.toThrow(/^shop: not a myshopify.com domain/);
    } finally {
      await workers.close();
      await bench.close();
    }
  });
});

describe("parseCatalogueJsonl", () => {
  it("does not rely on line order: a level before its variant still lands on it", () => {
    const jsonl = [
      JSON.stringify({ id: "gid://shopify/InventoryLevel/1", location: { id: "gid://shopify/Location/5" }, quantities: [{ name: "available", quantity: 4 }], __parentId: "gid://shopify/ProductVariant/8" }),
      JSON.stringify({ id: "gid://shopify/ProductVariant/8", sku: "A", product: { id: "gid://shopify/Product/7", title: "A" }, inventoryItem: { id: "gid://shopify/InventoryItem/9", tracked: true } }),
      JSON.stringify({ id: "gid://shopify/InventoryLevel/2", location: { id: "gid://shopify/Location/6" }, quantities: [], __parentId: "gid://shopify/ProductVariant/404" }),
    ].join("\n");
    const parsed = parseCatalogueJsonl(jsonl);
    expect(parsed.objects).toBe(3);
    expect(parsed.orphans).toBe(1);
    expect(parsed.rows[0].levels).toEqual([{ locationId: "gid://shopify/Location/5", updatedAt: null, quantities: { available: 4 } }]);
  });

  it("names the line that is not JSON", () => {
    expect(() => parseCatalogueJsonl('{"id":"v","inventoryItem":{"id":"i"}}\nnot json')).toThrow("bulk JSONL line 2: not JSON");
  });
});
