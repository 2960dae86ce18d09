// Every admin page's loader returns its data for the session's shop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createItem, createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { importRoutes, load, type Routes, storeOfflineSession, teardownShops, useAppEnv } from "./harness";

const suffix = uniqueSuffix();
const shopA = `admin-pages-${suffix}.myshopify.com`;
const restoreEnv = useAppEnv(`admin-pages-${suffix}`);
let routes: Routes;
let g: Awaited<ReturnType<typeof seedShopGraph>>;
let lowItem: Awaited<ReturnType<typeof createItem>>;

beforeAll(async () => {
  routes = await importRoutes();
  const shop = await createShop({ domain: shopA, syncStatus: "running", syncObjectsImported: 30, syncObjectsTotal: 120 });
  g = await seedShopGraph(shop.id);
  // Two more variants' snapshots: one sold out and offered twice 7 times over, one low.
  const out = await createItem(shop.id, { sku: `OUT-${suffix}`, title: "Cap" });
  const low = await createItem(shop.id, { sku: `LOW-${suffix}`, title: "Scarf" });
  const at = new Date();
  await prisma.availabilitySnapshot.createMany({
    data: [
      { shopId: shop.id, itemId: out.item.id, channelId: g.channel.id, atp: 0, ats: 0, breakdown: { doubleExposed: 7 }, computedAt: at },
      { shopId: shop.id, itemId: low.item.id, channelId: g.channel.id, atp: 4, ats: 3, breakdown: { doubleExposed: 2 }, computedAt: at },
    ],
  });
  lowItem = low;
  await storeOfflineSession(shopA);
});

afterAll(() => teardownShops([shopA], restoreEnv));

describe("the admin pages load the session's shop's data", () => {
  it("dashboard: sync progress, channel health from snapshots, pushes and queue depth", async () => {
    const { status, data } = await load(routes.dashboard, shopA, "/app");
    expect(status).toBe(200);
    expect(data.overview.sync).toMatchObject({ status: "running", imported: 30, total: 120 });
    expect(data.dashboard.channels).toEqual([
      // ATS 9, 0 and 3; spare = (33 − 9) + 0 + (4 − 3).
      expect.objectContaining({ id: g.channel.id, key: "amazon", items: 3, outOfStock: 1, low: 1, ats: 12, atp: 37, spare: 25 }),
    ]);
    expect(data.dashboard.doubleExposure.items).toBe(2);
    expect(data.dashboard.doubleExposure.units).toBe(9);
    expect(data.dashboard.doubleExposure.top.map((i: { sku: string; units: number }) => [i.sku, i.units])).toEqual([
      [`OUT-${suffix}`, 7],
      [`LOW-${suffix}`, 2],
    ]);
    expect(data.dashboard.doubleExposure.top[1]).toMatchObject({ itemId: lowItem.item.id, productShopifyId: lowItem.product.shopifyId.toString() });
    expect(data.dashboard.pushes.pending).toBe(1);
    expect(data.dashboard.queueError).toBeNull();
    expect(data.dashboard.queues.map((q: { name: string }) => q.name).sort()).toEqual(["health", "push", "recompute", "reconcile", "route", "sync", "webhooks"]);
  });

  it("channels: the list and one channel with facility names", async () => {
    const list = await load(routes.channels, shopA, "/app/channels");
    expect(list.status).toBe(200);
    expect(list.data.channels.map((c: { key: string }) => c.key)).toEqual(["amazon"]);
    const one = await load(routes.channel, shopA, `/app/channels/${g.channel.id}`, { id: String(g.channel.id) });
    expect(one.status).toBe(200);
    expect(one.data.channel).toMatchObject({ key: "amazon", mode: "ringfenced", facilities: [{ id: g.facility.id, name: "Warehouse" }] });
    expect(one.data.locations.map((l: { name: string }) => l.name).sort()).toEqual(["Amazon (channel)", "Warehouse"]);
    const form = await load(routes.channelNew, shopA, "/app/channels/new");
    expect(form.data.locations).toHaveLength(2);
  });

  it("exposure rules: grouped by channel, filterable, and one rule", async () => {
    const list = await load(routes.rules, shopA, "/app/exposure-rules");
    expect(list.data.rules).toEqual([expect.objectContaining({ id: g.rule.id, channelId: g.channel.id, target: { kind: "vendor", value: "Acme" }, percent: 70, cap: 40 })]);
    const filtered = await load(routes.rules, shopA, `/app/exposure-rules?channel=${g.channel.id + 100000}`);
    expect(filtered.data.rules).toEqual([]);
    const one = await load(routes.rule, shopA, `/app/exposure-rules/${g.rule.id}`, { id: String(g.rule.id) });
    expect(one.data.rule.id).toBe(g.rule.id);
    expect((await load(routes.ruleNew, shopA, "/app/exposure-rules/new")).data.channels).toHaveLength(1);
  });

  it("rebalance: a preview for the ring-fenced channel", async () => {
    const { status, data } = await load(routes.rebalance, shopA, "/app/rebalance");
    expect(status).toBe(200);
    expect(data.ringfenced.map((c: { key: string }) => c.key)).toEqual(["amazon"]);
    expect(data.preview.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Array.isArray(data.preview.rows)).toBe(true);
  });

  it("holdbacks: the list and the CSV export in the import format", async () => {
    const list = await load(routes.holdbacks, shopA, "/app/holdbacks");
    expect(list.data.holdbacks).toEqual([expect.objectContaining({ id: g.holdback.id, quantity: 5, sku: g.item.sku })]);
    expect(list.data.facilities.map((l: { name: string }) => l.name)).toEqual(["Warehouse"]);
    const csv = await load(routes.holdbacksExport, shopA, "/app/holdbacks/export");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    expect(csv.data.split(/\r?\n/)[0]).toBe("sku,channel,quantity,location,from,until,note");
    expect(csv.data).toContain(`${g.item.sku},amazon,5,`);
  });

  it("suppliers and purchase orders: PO ATP per line", async () => {
    expect((await load(routes.suppliers, shopA, "/app/suppliers")).data.suppliers).toEqual([expect.objectContaining({ id: g.supplier.id, onTimeRate: 0.7, delayDays: 7 })]);
    const list = await load(routes.purchaseOrders, shopA, "/app/purchase-orders");
    expect(list.data.purchaseOrders).toHaveLength(1);
    const po = await load(routes.purchaseOrder, shopA, `/app/purchase-orders/${g.purchaseOrder.id}`, { id: String(g.purchaseOrder.id) });
    expect(po.status).toBe(200);
    // 100 ordered, 1 pre-order unit allocated: 99 may still be sold against the line.
    expect(po.data.purchaseOrder.lines).toEqual([expect.objectContaining({ quantityOrdered: 100, allocated: 1, poAtp: 99, eta: "2026-12-04" })]);
  });

  it("promise check: the channels to pick from, and the JSON endpoint's answer", async () => {
    expect((await load(routes.promiseCheck, shopA, "/app/promise-check")).data.channels.map((c: { key: string }) => c.key)).toEqual(["amazon"]);
    const small = await load(routes.apiPromise, shopA, `/api/promise?sku=${g.item.sku}&channel=amazon&quantity=1`);
    expect(small.status).toBe(200);
    expect(small.data).toMatchObject({ sku: g.item.sku, channel: { key: "amazon" }, quantity: 1 });
    expect(small.data.canPromise).toBe(small.data.atp >= 1);
    const huge = await load(routes.apiPromise, shopA, `/api/promise?sku=${g.item.sku}&channel=amazon&quantity=100000`);
    expect(huge.data).toMatchObject({ canPromise: false, earliestDate: null });
    const bad = await load(routes.apiPromise, shopA, `/api/promise?sku=NOPE&channel=amazon&quantity=0`);
    expect(bad.status).toBe(400);
    expect(bad.data.issues).toEqual([{ path: "quantity", message: "must be a whole number ≥ 1" }]);
  });

  it("products: search and the inventory view with snapshot, reason, holdbacks, inbound and last push", async () => {
    const list = await load(routes.products, shopA, `/app/products?q=${encodeURIComponent(g.item.sku!)}`);
    expect(list.data.products).toEqual([expect.objectContaining({ shopifyId: g.product.shopifyId.toString(), skus: [g.item.sku] })]);
    const view = await load(routes.product, shopA, `/app/products/${g.product.shopifyId}`, { id: g.product.shopifyId.toString() });
    expect(view.status).toBe(200);
    const v = view.data.variants[0];
    expect(v.facilities).toEqual([{ locationId: g.facility.id, name: "Warehouse", onHand: 40, available: 38, committed: 0 }]);
    expect(v.openOrders).toEqual([{ channelId: g.channel.id, channel: "amazon", orders: 2, units: 2, preOrderUnits: 1 }]);
    expect(v.holdbacks).toEqual([expect.objectContaining({ id: g.holdback.id, channel: "amazon", location: "Warehouse", quantity: 5 })]);
    expect(v.inbound).toEqual([expect.objectContaining({ date: "2026-12-04", quantity: 100, purchaseOrder: g.purchaseOrder.number })]);
    expect(v.availability).toEqual([expect.objectContaining({ channelId: g.channel.id, atp: 33, ats: 9, rule: { id: g.rule.id, text: 'Rule on vendor "Acme": 70%, cap 40' } })]);
    expect(v.pushed).toEqual([expect.objectContaining({ location: "Amazon (channel)", name: "available", quantity: 9, lastAts: 9 })]);
    expect(v.history.find((h: { channelId: number }) => h.channelId === g.channel.id).points).toHaveLength(1);
  });
});
