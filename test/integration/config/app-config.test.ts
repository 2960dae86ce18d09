import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { applyAppConfig } from "../../../app/services/config/app-config.server";
import { listChannels } from "../../../app/services/config/channels.server";
import { listHoldbacks } from "../../../app/services/config/holdbacks.server";
import { listPurchaseOrders } from "../../../app/services/config/purchase-orders.server";
import { listRules } from "../../../app/services/config/rules.server";
import { createOrder } from "../../support/factories";
import { AS_OF, basicShop, expectValidation, recordingContext } from "./helpers";

async function replayShop() {
  const s = await basicShop();
  const sku = s.tee.item.sku as string;
  const config = {
    channels: [
      {
        id: "web",
        facilities: [Number(s.warehouse.shopifyId), Number(s.store.shopifyId)],
        priority: 1,
        promiseWindowDays: 0,
        mode: "ringfenced",
        percent: 70,
        orders: { sourceNames: ["web"] },
        publish: "in-place",
      },
      {
        id: "amazon",
        facilities: [Number(s.warehouse.shopifyId)],
        priority: 2,
        promiseWindowDays: 0,
        mode: "ringfenced",
        percent: 30,
        orders: { sourceNames: ["amazon"] },
        publish: { location: Number(s.amazonLocation.shopifyId) },
      },
      { id: "wholesale", facilities: [Number(s.warehouse.shopifyId)], priority: 3, promiseWindowDays: 14, orders: { b2b: true } },
    ],
    rules: [
      { channel: "amazon", target: { sku }, cap: 12 },
      { channel: "web", target: { vendor: "Acme" }, zeroBelow: 2 },
    ],
    holdbacks: [{ sku, channel: "wholesale", qty: 24, facility: Number(s.warehouse.shopifyId), until: "2026-12-31" }, { sku, qty: 5 }],
    suppliers: [{ id: "factory-a", onTimeRate: 0.7, delayDays: 7 }],
    purchaseOrders: [{ id: "PO-1", supplier: "factory-a", facility: Number(s.warehouse.shopifyId), eta: "2026-12-04", lines: [{ sku, qty: 400 }] }],
  };
  return { s, config };
}

describe("applyAppConfig", () => {
  it("applies the replay's app block through the admin's services, in one go", async () => {
    const { s, config } = await replayShop();
    const { ctx, itemsEnqueued } = recordingContext({ actor: "replay" });
    const result = await applyAppConfig(s.shop.id, config, ctx);
    expect(result.channels.created).toEqual(["web", "amazon", "wholesale"]);
    const channels = await listChannels(s.shop.id);
    const amazon = channels.find((c) => c.key === "amazon")!;
    expect(amazon).toMatchObject({ mode: "ringfenced", percent: 30, priority: 2, orders: { sourceNames: ["amazon"] } });
    expect(amazon.publish).toMatchObject({ kind: "location", location: { shopifyId: String(s.amazonLocation.shopifyId) } });
    expect(channels.find((c) => c.key === "web")!.facilities.map((f) => f.id)).toEqual([s.warehouse.id, s.store.id]);
    expect(channels.find((c) => c.key === "wholesale")!.orders.b2b).toBe(true);
    const rules = await listRules(s.shop.id);
    expect(rules.map((r) => [r.channel, r.target.kind, r.target.value, r.cap, r.zeroBelow])).toEqual([
      ["amazon", "variant", s.tee.item.sku, 12, null],
      ["web", "vendor", "Acme", null, 2],
    ]);
    const holdbacks = await listHoldbacks(s.shop.id);
    expect(holdbacks.map((h) => [h.channel?.key ?? null, h.quantity, h.location?.id ?? null, h.until])).toEqual([
      ["wholesale", 24, s.warehouse.id, "2026-12-31"],
      [null, 5, null, null],
    ]);
    const pos = await listPurchaseOrders(s.shop.id, {}, { asOf: AS_OF });
    expect(pos.map((p) => [p.number, p.supplier?.name, p.lines[0].quantityOrdered, p.lines[0].promiseDate])).toEqual([["PO-1", "factory-a", 400, "2026-12-11"]]);
    expect(itemsEnqueued()).toEqual([s.tee.item.id, s.cap.item.id].sort((a, b) => a - b));
    const audit = await prisma.auditEvent.findMany({ where: { shopId: s.shop.id } });
    expect(audit.every((a) => a.actor === "replay")).toBe(true);
    expect(audit.some((a) => a.entity === "app_config")).toBe(true);
  });

  it("is repeatable: applying the same block again changes no configuration", async () => {
    const { s, config } = await replayShop();
    const { ctx } = recordingContext({ actor: "replay" });
    await applyAppConfig(s.shop.id, config, ctx);
    const snapshot = async () => ({
      channels: (await listChannels(s.shop.id)).map(({ id: _i, ...c }) => c),
      rules: (await listRules(s.shop.id)).map((r) => [r.channel, r.target, r.cap, r.zeroBelow]),
      holdbacks: (await listHoldbacks(s.shop.id)).map(({ id: _i, ...h }) => h),
      pos: (await listPurchaseOrders(s.shop.id, {}, { asOf: AS_OF })).map((p) => p.lines.map((l) => [l.sku, l.quantityOrdered, l.eta])),
    });
    const first = await snapshot();
    const again = await applyAppConfig(s.shop.id, config, ctx);
    expect(again.channels.updated).toEqual(["web", "amazon", "wholesale"]);
    expect(again.purchaseOrders.updated).toEqual(["PO-1"]);
    expect(await snapshot()).toEqual(first);
  });

  it("refuses an invalid block naming the path, and saves nothing", async () => {
    const { s, config } = await replayShop();
    const { ctx, enqueued } = recordingContext({ actor: "replay" });
    const bad = structuredClone(config);
    (bad.channels[0] as Record<string, unknown>).percent = 170;
    (bad.holdbacks[1] as Record<string, unknown>).qty = -1;
    const err = await expectValidation(applyAppConfig(s.shop.id, bad, ctx), [
      { path: "channels[0].percent", message: "must be a whole number from 0 to 100" },
      { path: "holdbacks[1].qty", message: "must be a whole number ≥ 0" },
    ]);
    expect(err.message).toMatch(/^invalid app config: /);
    expect(err.message).toContain("channels[0].percent: must be a whole number from 0 to 100");
    expect(await prisma.channel.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it("rolls back everything when a reference deep in the block is wrong", async () => {
    const { s, config } = await replayShop();
    const { ctx, enqueued } = recordingContext({ actor: "replay" });
    const cases: [(c: typeof config) => void, string, RegExp][] = [
      [(c) => (c.channels[1].facilities = [424242]), "channels[1].facilities[0]", /unknown location 424242/],
      [(c) => (c.rules[0].channel = "ebay"), "rules[0].channel", /unknown channel "ebay"/],
      [(c) => (c.rules[0].target = { sku: "NOPE" }), "rules[0].target.sku", /unknown SKU "NOPE"/],
      [(c) => (c.holdbacks[0].sku = "NOPE"), "holdbacks[0].sku", /unknown SKU "NOPE"/],
      [(c) => (c.purchaseOrders[0].supplier = "nobody"), "purchaseOrders[0].supplier", /unknown supplier/],
      [(c) => (c.purchaseOrders[0].lines[0].qty = 0), "purchaseOrders[0].lines[0].qty", /whole number ≥ 1/],
      [(c) => ((c.channels[2] as Record<string, unknown>).cap = -3), "channels[2].cap", /whole number ≥ 0/],
      [(c) => (c.channels[2].id = "web"), "channels[2].id", /duplicate channel id "web"/],
    ];
    for (const [mutate, path, message] of cases) {
      const bad = structuredClone(config);
      mutate(bad);
      await expectValidation(applyAppConfig(s.shop.id, bad, ctx), [{ path, message }]);
    }
    expect(await prisma.channel.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.supplier.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.holdback.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it("re-runs pre-order allocation for the block's POs", async () => {
    const { s, config } = await replayShop();
    const { ctx } = recordingContext({ actor: "replay" });
    await applyAppConfig(s.shop.id, { channels: config.channels }, ctx);
    const web = (await listChannels(s.shop.id)).find((c) => c.key === "web")!;
    const o = await createOrder(s.shop.id, { channelId: web.id, preOrder: true, lines: [{ itemId: s.tee.item.id, quantity: 3 }] });
    await applyAppConfig(s.shop.id, { ...config, channels: [] }, ctx);
    const alloc = await prisma.preorderAllocation.findUniqueOrThrow({ where: { orderLineId: o.lines[0].id } });
    expect(alloc.promiseDate.toISOString().slice(0, 10)).toBe("2026-12-11");
  });
});
