// A session token for shop B never reads or changes shop A's data: every loader and action, asked
// for A's ids with B's token, answers 404 (or a field error for a reference in a form) and A's
// rows stay exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createItem, createLocation, createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { act, importRoutes, load, type Routes, storeOfflineSession, teardownShops, useAppEnv } from "./harness";

const suffix = uniqueSuffix();
const shopA = `admin-iso-a-${suffix}.myshopify.com`;
const shopB = `admin-iso-b-${suffix}.myshopify.com`;
const restoreEnv = useAppEnv(`admin-iso-${suffix}`);
let routes: Routes;
let a: Awaited<ReturnType<typeof seedShopGraph>>;
let aShopId: number;
let bShopId: number;
let bFacility: { id: number };
let snapshotOfA: string;

/** Every row of shop A that an action could touch, as one comparable string. */
async function stateOfA(): Promise<string> {
  const where = { shopId: aShopId };
  const rows = await Promise.all([
    prisma.channel.findMany({ where, orderBy: { id: "asc" } }),
    prisma.channelFacility.findMany({ where, orderBy: [{ channelId: "asc" }, { position: "asc" }] }),
    prisma.exposureRule.findMany({ where, orderBy: { id: "asc" } }),
    prisma.holdback.findMany({ where, orderBy: { id: "asc" } }),
    prisma.supplier.findMany({ where, orderBy: { id: "asc" } }),
    prisma.purchaseOrder.findMany({ where, orderBy: { id: "asc" } }),
    prisma.purchaseOrderLine.findMany({ where, orderBy: { id: "asc" } }),
    prisma.preorderAllocation.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ringfencePool.findMany({ where, orderBy: { id: "asc" } }),
    prisma.pushJob.findMany({ where, orderBy: { id: "asc" } }),
    prisma.auditEvent.count({ where }),
  ]);
  return JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

beforeAll(async () => {
  routes = await importRoutes();
  const shop = await createShop({ domain: shopA });
  aShopId = shop.id;
  a = await seedShopGraph(shop.id);
  await prisma.pushJob.update({ where: { id: a.pushJob.id }, data: { status: "failed", error: "refused" } });
  const b = await createShop({ domain: shopB });
  bShopId = b.id;
  bFacility = await createLocation(b.id, { name: "B Warehouse" });
  await createItem(b.id, { sku: `B-TEE-${suffix}` });
  await storeOfflineSession(shopA);
  await storeOfflineSession(shopB);
  snapshotOfA = await stateOfA();
});

afterAll(() => teardownShops([shopA, shopB], restoreEnv));

describe("shop B's token cannot read shop A's data", () => {
  it("gets 404 for each of A's entities by id", async () => {
    const cases: [keyof Routes, string, string][] = [
      ["channel", `/app/channels/${a.channel.id}`, String(a.channel.id)],
      ["rule", `/app/exposure-rules/${a.rule.id}`, String(a.rule.id)],
      ["purchaseOrder", `/app/purchase-orders/${a.purchaseOrder.id}`, String(a.purchaseOrder.id)],
      ["product", `/app/products/${a.product.shopifyId}`, a.product.shopifyId.toString()],
    ];
    for (const [route, path, id] of cases) {
      const res = await load(routes[route], shopB, path, { id });
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.data)).not.toContain("amazon");
    }
    // The same ids with A's token are found: the 404 is the shop boundary, not a broken route.
    expect((await load(routes.channel, shopA, `/app/channels/${a.channel.id}`, { id: String(a.channel.id) })).status).toBe(200);
  });

  it("sees only its own rows on every list page, the export and the dashboard", async () => {
    const lists = await Promise.all([
      load(routes.dashboard, shopB, "/app"),
      load(routes.channels, shopB, "/app/channels"),
      load(routes.channelNew, shopB, "/app/channels/new"),
      load(routes.rules, shopB, `/app/exposure-rules?channel=${a.channel.id}`),
      load(routes.ruleNew, shopB, "/app/exposure-rules/new"),
      load(routes.rebalance, shopB, "/app/rebalance"),
      load(routes.holdbacks, shopB, "/app/holdbacks"),
      load(routes.holdbacksExport, shopB, "/app/holdbacks/export"),
      load(routes.suppliers, shopB, "/app/suppliers"),
      load(routes.purchaseOrders, shopB, "/app/purchase-orders"),
      load(routes.promiseCheck, shopB, "/app/promise-check"),
      load(routes.products, shopB, `/app/products?q=${encodeURIComponent(a.item.sku!)}`),
    ]);
    for (const res of lists) {
      expect(res.status).toBe(200);
      // The search page echoes the query typed (A's SKU here); everything else must not mention A.
      const text = typeof res.data === "string" ? res.data : JSON.stringify({ ...res.data, q: undefined });
      for (const secret of [a.item.sku!, "\"Warehouse\"", "Amazon (channel)", a.supplier.name, a.purchaseOrder.number, shopA]) expect(text).not.toContain(secret);
    }
    const [dashboard, channels, , rules, , , holdbacks, csv, suppliers, pos, , products] = lists;
    expect(dashboard.data.shop).toBe(shopB);
    expect(dashboard.data.dashboard.channels).toEqual([]);
    expect(dashboard.data.dashboard.pushes).toMatchObject({ pending: 0, waitingRetry: [], failed: [] });
    expect(channels.data.channels).toEqual([]);
    expect(rules.data.rules).toEqual([]);
    expect(holdbacks.data.holdbacks).toEqual([]);
    expect(csv.data.trim()).toBe("sku,channel,quantity,location,from,until,note");
    expect(suppliers.data.suppliers).toEqual([]);
    expect(pos.data.purchaseOrders).toEqual([]);
    expect(products.data.products).toEqual([]);
    const promise = await load(routes.apiPromise, shopB, `/api/promise?sku=${a.item.sku}&channel=amazon&quantity=1`);
    expect(promise.status).toBe(400);
    expect(promise.data.issues).toEqual([
      { path: "sku", message: `unknown SKU "${a.item.sku}"` },
      { path: "channel", message: 'unknown channel "amazon"' },
    ]);
  });
});

describe("shop B's token cannot change shop A's data", () => {
  it("gets 404 from every action addressed to one of A's ids, and A is unchanged", async () => {
    const ch = { id: String(a.channel.id) };
    const rule = { id: String(a.rule.id) };
    const po = { id: String(a.purchaseOrder.id) };
    const attempts: [keyof Routes, string, unknown, Record<string, string>][] = [
      ["channel", `/app/channels/${a.channel.id}`, { intent: "update", name: "hijacked", percent: "1" }, ch],
      ["channel", `/app/channels/${a.channel.id}`, { intent: "archive" }, ch],
      ["rule", `/app/exposure-rules/${a.rule.id}`, { intent: "preview", percent: "1" }, rule],
      ["rule", `/app/exposure-rules/${a.rule.id}`, { intent: "save", percent: "1" }, rule],
      ["rule", `/app/exposure-rules/${a.rule.id}`, { intent: "preview-delete" }, rule],
      ["rule", `/app/exposure-rules/${a.rule.id}`, { intent: "delete" }, rule],
      ["holdbacks", "/app/holdbacks", { intent: "delete", id: a.holdback.id }, {}],
      ["suppliers", "/app/suppliers", { intent: "update", id: a.supplier.id, name: "hijacked" }, {}],
      ["purchaseOrder", `/app/purchase-orders/${a.purchaseOrder.id}`, { intent: "update", eta: "2027-01-01" }, po],
      ["purchaseOrder", `/app/purchase-orders/${a.purchaseOrder.id}`, { intent: "receive", receipts: [{ lineId: a.purchaseOrder.lines[0].id, quantity: 1 }] }, po],
      ["purchaseOrder", `/app/purchase-orders/${a.purchaseOrder.id}`, { intent: "allocate" }, po],
      ["dashboard", "/app", { intent: "retry-push", jobId: a.pushJob.id }, {}],
    ];
    for (const [route, path, body, params] of attempts) {
      const res = await act(routes[route], shopB, path, body, params);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(404);
    }
    expect(await stateOfA()).toBe(snapshotOfA);
  });

  it("gets a field error when a form names one of A's channels, locations or SKUs, and nothing is saved anywhere", async () => {
    const refs = await Promise.all([
      act(routes.channelNew, shopB, "/app/channels/new", { key: "steal", priority: "1", promiseWindowDays: "0", facilityIds: [String(a.facility.id)], publish: { kind: "location", locationId: a.channelLocation.id } }),
      act(routes.ruleNew, shopB, "/app/exposure-rules/new", { intent: "save", channelId: String(a.channel.id), target: { kind: "all" }, percent: "5" }),
      act(routes.holdbacks, shopB, "/app/holdbacks", { intent: "create", sku: a.item.sku, quantity: "1", channelId: String(a.channel.id), locationId: String(a.facility.id) }),
      act(routes.purchaseOrders, shopB, "/app/purchase-orders", { intent: "create", number: "X-1", supplierId: String(a.supplier.id), destinationLocationId: String(a.facility.id), eta: "2026-12-01", lines: [{ sku: a.item.sku, quantity: "1" }] }),
      act(routes.promiseCheck, shopB, "/app/promise-check", { sku: a.item.sku, channel: "amazon", quantity: "1" }),
    ]);
    expect(refs.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(Object.keys(refs[0].data.errors).sort()).toEqual(["facilityIds[0]", "publish.locationId"]);
    expect(refs[1].data.errors).toHaveProperty("channelId");
    expect(Object.keys(refs[2].data.errors).sort()).toEqual(["channelId", "locationId", "sku"]);
    expect(Object.keys(refs[3].data.errors).sort()).toEqual(["destinationLocationId", "lines[0].sku", "supplierId"]);
    expect(Object.keys(refs[4].data.errors).sort()).toEqual(["channel", "sku"]);

    const bWhere = { shopId: bShopId };
    const counts = await Promise.all([prisma.channel.count({ where: bWhere }), prisma.exposureRule.count({ where: bWhere }), prisma.holdback.count({ where: bWhere }), prisma.purchaseOrder.count({ where: bWhere })]);
    expect(counts).toEqual([0, 0, 0, 0]);
    expect(await stateOfA()).toBe(snapshotOfA);
    expect(bFacility.id).not.toBe(a.facility.id);
  });
});
