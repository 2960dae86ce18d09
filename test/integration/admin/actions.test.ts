// The admin pages' actions change the session's shop through the config services: what works is
// saved and audited; a bad form answers 400 naming each field and saves nothing.
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createRedisConnection } from "../../../app/jobs/connection.server";
import { createItem, createLocation, createOrder, createShop, seedShopGraph, setLevel, uniqueSuffix } from "../../support/factories";
import { act, dropSessions, importRoutes, type Routes, storeOfflineSession, teardownShops, useAppEnv } from "./harness";

const suffix = uniqueSuffix();
const shopA = `admin-actions-${suffix}.myshopify.com`;
const prefix = `admin-actions-${suffix}`;
const restoreEnv = useAppEnv(prefix);
let routes: Routes;
let shopId: number;
let g: Awaited<ReturnType<typeof seedShopGraph>>;

beforeAll(async () => {
  routes = await importRoutes();
  const shop = await createShop({ domain: shopA });
  shopId = shop.id;
  g = await seedShopGraph(shop.id);
  await storeOfflineSession(shopA);
});

afterAll(() => teardownShops([shopA], restoreEnv));

describe("channels", () => {
  it("creates a channel from the form and redirects to it; audited as the session's staff member", async () => {
    const store = await createLocation(shopId, { name: "Brooklyn" });
    const res = await act(routes.channelNew, shopA, "/app/channels/new", {
      key: "pos",
      name: "Point of Sale",
      priority: "2",
      promiseWindowDays: "0",
      safetyStock: "1",
      mode: "shared",
      percent: "80",
      cap: "",
      zeroBelow: "0",
      liveFrom: "",
      liveUntil: "",
      facilityIds: [String(store.id)],
      orders: { sourceNames: ["pos"], appIds: [], b2b: false, posLocationIds: [store.shopifyId.toString()], tags: [] },
      publish: { kind: "in_place" },
    });
    const channel = await prisma.channel.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "pos" } }, include: { facilities: true } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/app/channels/${channel.id}?created=1`);
    expect(channel).toMatchObject({ name: "Point of Sale", priority: 2, percent: 80, cap: null, safetyStock: 1, publishKind: "in_place", matchSourceNames: ["pos"] });
    expect(channel.facilities.map((f) => f.locationId)).toEqual([store.id]);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { shopId, entity: "channel", entityId: String(channel.id) } });
    expect(audit.actor).toBe("staff:1");
  });

  it("answers a bad form with an error on each field and saves nothing", async () => {
    const before = await prisma.channel.count({ where: { shopId } });
    const res = await act(routes.channelNew, shopA, "/app/channels/new", {
      key: "Not A Key",
      priority: "0",
      promiseWindowDays: "soon",
      percent: "150",
      facilityIds: [],
      publish: { kind: "location", locationId: "" },
    });
    expect(res.status).toBe(400);
    expect(res.data.ok).toBe(false);
    expect(Object.keys(res.data.errors).sort()).toEqual(["facilityIds", "key", "percent", "priority", "promiseWindowDays", "publish.locationId"]);
    expect(res.data.errors.percent).toBe("must be a whole number from 0 to 100");
    expect(await prisma.channel.count({ where: { shopId } })).toBe(before);
  });

  it("edits a channel and refuses a taken publish location on its field", async () => {
    const ok = await act(routes.channel, shopA, `/app/channels/${g.channel.id}`, { intent: "update", name: "Amazon US", percent: "40" }, { id: String(g.channel.id) });
    expect(ok.status).toBe(200);
    expect(ok.data.channel).toMatchObject({ name: "Amazon US", percent: 40 });
    const pos = await prisma.channel.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "pos" } } });
    const taken = await act(routes.channel, shopA, `/app/channels/${pos.id}`, { intent: "update", publish: { kind: "location", locationId: g.channelLocation.id } }, { id: String(pos.id) });
    expect(taken.status).toBe(400);
    expect(taken.data.errors["publish.locationId"]).toMatch(/already the publish location of channel "amazon"/);
  });
});

describe("exposure rules: preview, then save", () => {
  it("previews a new rule's effect without saving, then saves it", async () => {
    const rules = await prisma.exposureRule.count({ where: { shopId } });
    const rule = { channelId: String(g.channel.id), target: { kind: "variant", value: g.item.sku }, percent: "10", cap: "", zeroBelow: "", safetyStock: "", liveFrom: "", liveUntil: "" };
    const preview = await act(routes.ruleNew, shopA, "/app/exposure-rules/new", { intent: "preview", ...rule });
    expect(preview.status).toBe(200);
    expect(preview.data.preview.affectedItems).toBe(1);
    expect(preview.data.preview.rows).toEqual([expect.objectContaining({ itemId: g.item.id, channelId: g.channel.id, after: expect.objectContaining({ rule: "proposed" }) })]);
    expect(await prisma.exposureRule.count({ where: { shopId } })).toBe(rules);

    const saved = await act(routes.ruleNew, shopA, "/app/exposure-rules/new", { intent: "save", ...rule });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/app/exposure-rules?channel=${g.channel.id}`);
    expect(await prisma.exposureRule.count({ where: { shopId } })).toBe(rules + 1);
  });

  it("names the bad fields of a rule and saves nothing", async () => {
    const rules = await prisma.exposureRule.count({ where: { shopId } });
    const res = await act(routes.ruleNew, shopA, "/app/exposure-rules/new", { intent: "save", channelId: String(g.channel.id), target: { kind: "vendor", value: "" }, percent: "" });
    expect(res.status).toBe(400);
    expect(res.data.errors).toMatchObject({ "target.value": "is required for a vendor rule", percent: expect.stringMatching(/at least one of/) });
    expect(await prisma.exposureRule.count({ where: { shopId } })).toBe(rules);
  });

  it("previews and applies an edit and a delete of a stored rule", async () => {
    const path = `/app/exposure-rules/${g.rule.id}`;
    const params = { id: String(g.rule.id) };
    const preview = await act(routes.rule, shopA, path, { intent: "preview", percent: "20" }, params);
    expect(preview.status).toBe(200);
    expect((await prisma.exposureRule.findUniqueOrThrow({ where: { id: g.rule.id } })).percent).toBe(70);
    expect((await act(routes.rule, shopA, path, { intent: "save", percent: "20" }, params)).status).toBe(302);
    expect((await prisma.exposureRule.findUniqueOrThrow({ where: { id: g.rule.id } })).percent).toBe(20);
    expect((await act(routes.rule, shopA, path, { intent: "preview-delete" }, params)).status).toBe(200);
    expect((await act(routes.rule, shopA, path, { intent: "delete" }, params)).status).toBe(302);
    expect(await prisma.exposureRule.count({ where: { id: g.rule.id } })).toBe(0);
  });
});

describe("rule preview on a ring-fenced channel", () => {
  it("lists as changes only rows whose numbers move; what waits for the rebalance is shown apart", async () => {
    const shopB = `admin-actions-rf-${suffix}.myshopify.com`;
    const shop = await createShop({ domain: shopB });
    const rf = await seedShopGraph(shop.id);
    await storeOfflineSession(shopB);
    try {
      const base = { channelId: String(rf.channel.id), target: { kind: "variant", value: rf.item.sku }, zeroBelow: "", safetyStock: "", liveFrom: "", liveUntil: "" };
      const preview = async (settings: Record<string, string>) => {
        const res = await act(routes.ruleNew, shopB, "/app/exposure-rules/new", { intent: "preview", ...base, ...settings });
        expect(res.status).toBe(200);
        return res.data.preview;
      };
      // The same settings as the vendor rule it overrides: the deciding rule changes, no number does.
      const same = await preview({ percent: "70", cap: "40" });
      expect(same.rows).toHaveLength(1);
      const [row] = same.rows;
      expect(row).toMatchObject({ itemId: rf.item.id, channel: "amazon", before: { rule: rf.rule.id }, after: { rule: "proposed" }, changed: false });
      expect(row.after.atp).toBe(row.before.atp);
      expect(row.after.ats).toBe(row.before.ats);
      expect(row.atRebalance.before).toBe(row.atRebalance.after);
      expect(same.titles[rf.item.id]).toBe(`${rf.product.title} – ${rf.variant.title}`);

      // A cap of 1: the pool carried from the last rebalance decides ATS until the next one.
      const capped = await preview({ cap: "1", percent: "" });
      for (const r of capped.rows) expect(r.changed).toBe(r.before.atp !== r.after.atp || r.before.ats !== r.after.ats);
      expect(capped.rows[0].atRebalance).toEqual({ before: row.atRebalance.before, after: Math.min(1, row.atRebalance.before) });
    } finally {
      await dropSessions([shopB]);
      await prisma.shop.deleteMany({ where: { domain: shopB } });
    }
  });
});

describe("holdbacks", () => {
  it("creates and deletes a holdback", async () => {
    const created = await act(routes.holdbacks, shopA, "/app/holdbacks", { intent: "create", sku: g.item.sku, quantity: "4", channelId: "", locationId: "", from: "", until: "2026-12-31", note: "photo shoot" });
    expect(created.status).toBe(200);
    const row = await prisma.holdback.findFirstOrThrow({ where: { shopId, note: "photo shoot" } });
    expect(row).toMatchObject({ quantity: 4, channelId: null, locationId: null });
    expect((await act(routes.holdbacks, shopA, "/app/holdbacks", { intent: "delete", id: row.id })).status).toBe(200);
    expect(await prisma.holdback.count({ where: { id: row.id } })).toBe(0);
  });

  it("refuses a CSV with any bad row whole, listing each bad row and field; imports a good one", async () => {
    const before = await prisma.holdback.count({ where: { shopId } });
    const bad = [
      "sku,channel,quantity,location,until",
      `${g.item.sku},amazon,10,Warehouse,2026-12-31`,
      "NO-SUCH-SKU,amazon,3,,",
      `${g.item.sku},nobody-channel,-2,,`,
    ].join("\n");
    const res = await act(routes.holdbacks, shopA, "/app/holdbacks", { intent: "import", csv: bad });
    expect(res.status).toBe(400);
    expect(res.data.message).toMatch(/nothing imported: 2 bad row\(s\)/);
    expect(res.data.issues).toEqual([
      { path: "row 3, sku", message: 'unknown SKU "NO-SUCH-SKU"' },
      { path: "row 4, quantity", message: "must be a whole number ≥ 0" },
    ]);
    expect(await prisma.holdback.count({ where: { shopId } })).toBe(before);

    const good = await act(routes.holdbacks, shopA, "/app/holdbacks", { intent: "import", csv: bad.split("\n").slice(0, 2).join("\n") });
    expect(good.status).toBe(200);
    expect(good.data.message).toBe("Imported 1 holdback(s).");
    expect(await prisma.holdback.count({ where: { shopId } })).toBe(before + 1);
  });
});

describe("suppliers and purchase orders", () => {
  it("creates and edits a supplier; a bad rate is named", async () => {
    const created = await act(routes.suppliers, shopA, "/app/suppliers", { intent: "create", name: "Mill Co", onTimeRate: "0.9", delayDays: "3" });
    expect(created.status).toBe(200);
    const id = created.data.supplier.id;
    const bad = await act(routes.suppliers, shopA, "/app/suppliers", { intent: "update", id, onTimeRate: "90" });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.onTimeRate).toMatch(/from 0 to 1/);
    const ok = await act(routes.suppliers, shopA, "/app/suppliers", { intent: "update", id, delayDays: "5" });
    expect(ok.data.supplier).toMatchObject({ name: "Mill Co", onTimeRate: 0.9, delayDays: 5 });
  });

  it("creates a PO from the form, receives part of it and allocates pre-orders to it", async () => {
    const { item } = await createItem(shopId, { sku: `HOOD-${suffix}` });
    await setLevel(shopId, item.id, g.facility.id, "on_hand", 0);
    const pre = await createOrder(shopId, { name: "#P1", channelId: g.channel.id, preOrder: true, lines: [{ itemId: item.id, quantity: 3 }] });
    const bigPre = await createOrder(shopId, { name: "#P2", channelId: g.channel.id, preOrder: true, lines: [{ itemId: item.id, quantity: 50 }] });

    const bad = await act(routes.purchaseOrders, shopA, "/app/purchase-orders", { intent: "create", number: "", destinationLocationId: String(g.facility.id), eta: "2026-02-30", lines: [] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.data.errors).sort()).toEqual(["eta", "lines", "number"]);

    const created = await act(routes.purchaseOrders, shopA, "/app/purchase-orders", {
      intent: "create",
      number: `PO-${suffix}`,
      supplierId: String(g.supplier.id),
      destinationLocationId: String(g.facility.id),
      eta: "2026-12-20",
      status: "open",
      lines: [{ sku: item.sku, quantity: "10" }],
    });
    expect(created.status).toBe(302);
    const po = await prisma.purchaseOrder.findUniqueOrThrow({ where: { shopId_number: { shopId, number: `PO-${suffix}` } }, include: { lines: true } });
    expect(created.headers.get("Location")).toBe(`/app/purchase-orders/${po.id}?created=1`);
    const path = `/app/purchase-orders/${po.id}`;
    const params = { id: String(po.id) };

    const allocation = await act(routes.purchaseOrder, shopA, path, { intent: "allocate" }, params);
    expect(allocation.status).toBe(200);
    expect(allocation.data.allocation.placed).toEqual([expect.objectContaining({ orderName: "#P1", quantity: 3, purchaseOrderNumber: `PO-${suffix}`, promiseDate: expect.any(String) })]);
    expect(allocation.data.allocation.parked).toEqual([expect.objectContaining({ orderName: "#P2", quantity: 50 })]);
    expect(pre.id).not.toBe(bigPre.id);

    const over = await act(routes.purchaseOrder, shopA, path, { intent: "receive", receipts: [{ lineId: po.lines[0].id, quantity: "11" }] }, params);
    expect(over.status).toBe(400);
    const received = await act(routes.purchaseOrder, shopA, path, { intent: "receive", receipts: [{ lineId: po.lines[0].id, quantity: "4" }] }, params);
    expect(received.status).toBe(200);
    const after = await prisma.purchaseOrder.findUniqueOrThrow({ where: { id: po.id }, include: { lines: true } });
    expect(after.status).toBe("partially_received");
    expect(after.lines[0].quantityReceived).toBe(4);

    const moved = await act(routes.purchaseOrder, shopA, path, { intent: "update", eta: "2026-12-27" }, params);
    expect(moved.status).toBe(200);
    expect(moved.data.allocation.placed[0].promiseDate > allocation.data.allocation.placed[0].promiseDate).toBe(true);
  });
});

describe("promise check, rebalance and push retry", () => {
  it("checks a promise, naming a bad field", async () => {
    const ok = await act(routes.promiseCheck, shopA, "/app/promise-check", { sku: g.item.sku, channel: "amazon", quantity: "1", date: "" });
    expect(ok.status).toBe(200);
    expect(ok.data.result).toMatchObject({ sku: g.item.sku, quantity: 1 });
    const bad = await act(routes.promiseCheck, shopA, "/app/promise-check", { sku: g.item.sku, channel: "nope", quantity: "2" });
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toEqual({ channel: 'unknown channel "nope"' });
  });

  it("applies a rebalance and records it", async () => {
    const res = await act(routes.rebalance, shopA, "/app/rebalance", { intent: "apply" });
    expect(res.status).toBe(200);
    expect(res.data.applied.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await prisma.auditEvent.count({ where: { shopId, action: "rebalance" } })).toBe(1);
  });

  it("re-enqueues a failed push's items from the dashboard's Retry button", async () => {
    const job = await prisma.pushJob.create({
      data: {
        shopId,
        status: "failed",
        error: "location not stocked",
        idempotencyKey: `failed-${suffix}`,
        quantityName: "available",
        reason: "correction",
        actor: "test",
        cause: "seed",
        entries: { create: [{ shopId, itemId: g.item.id, locationId: g.channelLocation.id, channelId: g.channel.id, after: 3, ats: 3 }] },
      },
    });
    const res = await act(routes.dashboard, shopA, "/app", { intent: "retry-push", jobId: job.id });
    expect(res.status).toBe(200);
    expect(res.data.message).toMatch(/recomputed/);
    const connection = createRedisConnection(process.env.REDIS_URL!, "worker");
    const queue = new Queue("recompute", { connection, prefix });
    try {
      const jobs = await queue.getJobs(["waiting", "prioritized", "delayed"]);
      expect(jobs.some((j) => j.data.shopId === shopId && j.data.itemId === g.item.id)).toBe(true);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it("resends a push that waits for a retry, unchanged, on Retry", async () => {
    const job = await prisma.pushJob.create({
      data: { shopId, status: "sent", error: "503 from Shopify", idempotencyKey: `sent-${suffix}`, quantityName: "available", reason: "correction", actor: "test", cause: "seed" },
    });
    const res = await act(routes.dashboard, shopA, "/app", { intent: "retry-push", jobId: job.id });
    expect(res.status).toBe(200);
    expect(res.data.message).toBe("The push will be sent to Shopify again now, unchanged.");
    const connection = createRedisConnection(process.env.REDIS_URL!, "worker");
    const queue = new Queue("push", { connection, prefix });
    try {
      const jobs = await queue.getJobs(["waiting", "prioritized", "delayed"]);
      expect(jobs.some((j) => j.data.shopId === shopId)).toBe(true);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    expect((await prisma.pushJob.findUniqueOrThrow({ where: { id: job.id } })).idempotencyKey).toBe(`sent-${suffix}`);
    const missing = await act(routes.dashboard, shopA, "/app", { intent: "retry-push", jobId: job.id + 100000 });
    expect(missing.status).toBe(404);
  });
});
