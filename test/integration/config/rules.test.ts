import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createChannel } from "../../../app/services/config/channels.server";
import { previewRebalance, rebalance } from "../../../app/services/config/pools.server";
import { createRule, deleteRule, getRule, listRules, previewRuleChange, updateRule } from "../../../app/services/config/rules.server";
import { createItem, setLevel } from "../../support/factories";
import { AS_OF, auditFor, basicShop, expectNotFound, expectValidation, recordingContext } from "./helpers";

async function shopWithWeb() {
  const s = await basicShop();
  const { ctx } = recordingContext();
  const web = await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
  return { ...s, web };
}

describe("exposure rules", () => {
  it("creates, updates and deletes rules by target kind, recomputing exactly the targeted items", async () => {
    const s = await shopWithWeb();
    const { ctx, enqueued, itemsEnqueued } = recordingContext();
    const r1 = await createRule(s.shop.id, { channelId: s.web.id, target: { kind: "variant", value: s.tee.item.sku }, percent: 30 }, ctx);
    expect(r1).toMatchObject({ channel: "web", target: { kind: "variant", value: s.tee.item.sku }, percent: 30, cap: null });
    expect(itemsEnqueued()).toEqual([s.tee.item.id]);

    enqueued.length = 0;
    const r2 = await createRule(s.shop.id, { channelId: s.web.id, target: { kind: "vendor", value: "Other" }, cap: 5 }, ctx);
    expect(itemsEnqueued()).toEqual([s.cap.item.id]);

    enqueued.length = 0;
    // Re-targeting recomputes the items of the old and the new target.
    await updateRule(s.shop.id, r2.id, { target: { kind: "tag", value: "core" } }, ctx);
    expect(itemsEnqueued()).toEqual([s.tee.item.id, s.cap.item.id].sort((a, b) => a - b));

    const r3 = await createRule(s.shop.id, { channelId: s.web.id, target: { kind: "all" }, zeroBelow: 3 }, ctx);
    expect((await listRules(s.shop.id)).map((r) => r.id)).toEqual([r1.id, r2.id, r3.id]);
    await deleteRule(s.shop.id, r3.id, ctx);
    await expectNotFound(getRule(s.shop.id, r3.id));
    expect((await auditFor(s.shop.id, "exposure_rule")).map((a) => a.action)).toEqual(["create", "create", "update", "create", "delete"]);
  });

  it("names the field of a bad rule and saves nothing", async () => {
    const s = await shopWithWeb();
    const { ctx } = recordingContext();
    await expectValidation(createRule(s.shop.id, { channelId: s.web.id, target: { kind: "variant", value: s.tee.item.sku } }, ctx), [
      { path: "percent", message: /at least one of percent, cap/ },
    ]);
    await expectValidation(createRule(s.shop.id, { channelId: s.web.id, target: { kind: "variant", value: "NOPE" }, cap: 1 }, ctx), [
      { path: "target.value", message: 'unknown SKU "NOPE"' },
    ]);
    await expectValidation(createRule(s.shop.id, { channelId: s.web.id, target: { kind: "tag" }, cap: -2 }, ctx), [
      { path: "target.value", message: "is required for a tag rule" },
      { path: "cap", message: "must be a whole number ≥ 0" },
    ]);
    await expectValidation(createRule(s.shop.id, { channelId: s.web.id, target: { kind: "brand", value: "x" }, cap: 1 }, ctx), [{ path: "target.kind" }]);
    const r = await createRule(s.shop.id, { channelId: s.web.id, target: { kind: "all" }, percent: 50 }, ctx);
    await expectValidation(updateRule(s.shop.id, r.id, { percent: null }, ctx), [{ path: "percent", message: /at least one/ }]);
    expect((await getRule(s.shop.id, r.id)).percent).toBe(50);
  });

  it("previews a new rule with ATS now and after from the engine, writing nothing", async () => {
    const s = await shopWithWeb();
    const { ctx } = recordingContext();
    const amazon = await createChannel(s.shop.id, { key: "amazon", facilityIds: [s.warehouse.id], priority: 2, promiseWindowDays: 0 }, ctx);
    // 100 on hand, 10 of them committed to an open web order: ATP 90 for both shared channels.
    await setLevel(s.shop.id, s.tee.item.id, s.warehouse.id, "available", 90);
    await setLevel(s.shop.id, s.tee.item.id, s.warehouse.id, "committed", 10);
    await prisma.order.create({
      data: {
        shopId: s.shop.id,
        shopifyId: BigInt(s.shop.id) * 1000n + 1n,
        channelId: s.web.id,
        shopifyUpdatedAt: new Date(),
        lines: { create: [{ shopId: s.shop.id, shopifyId: BigInt(s.shop.id) * 1000n + 2n, itemId: s.tee.item.id, quantity: 10, openQuantity: 10, assignedLocationId: s.warehouse.id }] },
      },
    });
    const auditBefore = await prisma.auditEvent.count({ where: { shopId: s.shop.id } });
    const preview = await previewRuleChange(s.shop.id, {
      action: "create",
      rule: { channelId: amazon.id, target: { kind: "variant", value: s.tee.item.sku }, percent: 30, cap: 20 },
    }, { asOf: AS_OF });
    expect(preview.asOf).toBe(AS_OF);
    expect(preview.affectedItems).toBe(1);
    expect(preview.truncated).toBe(false);
    // floor(90 × 30%) = 27, capped at 20. The web channel's numbers do not move, so it is not listed.
    expect(preview.rows).toEqual([
      {
        itemId: s.tee.item.id,
        sku: s.tee.item.sku,
        channelId: amazon.id,
        channel: "amazon",
        before: { atp: 90, ats: 90, rule: null },
        after: { atp: 90, ats: 20, rule: "proposed" },
        changed: true,
      },
    ]);
    expect(await prisma.exposureRule.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: s.shop.id } })).toBe(auditBefore);

    // A rule on every item of the channel lists both items; editing it previews against the stored rule.
    const all = await createRule(s.shop.id, { channelId: amazon.id, target: { kind: "all" }, percent: 50 }, ctx);
    const edit = await previewRuleChange(s.shop.id, { action: "update", id: all.id, changes: { percent: 10 } }, { asOf: AS_OF });
    expect(edit.rows.map((r) => [r.sku, r.channel, r.before.ats, r.after.ats, r.after.rule])).toEqual([
      [s.tee.item.sku, "amazon", 45, 9, all.id],
      [s.cap.item.sku, "amazon", 25, 5, all.id],
    ]);
    const one = await previewRuleChange(s.shop.id, { action: "update", id: all.id, changes: { percent: 10 } }, { asOf: AS_OF }, { limit: 1 });
    expect([one.affectedItems, one.truncated, one.rows.length]).toEqual([2, true, 1]);
    const del = await previewRuleChange(s.shop.id, { action: "delete", id: all.id }, { asOf: AS_OF });
    expect(del.rows.map((r) => [r.before.ats, r.after.ats, r.before.rule, r.after.rule])).toEqual([
      [45, 90, all.id, null],
      [25, 50, all.id, null],
    ]);
    // A more specific rule wins over the channel-wide one: variant 30% beats all-items 50%.
    const specific = await previewRuleChange(s.shop.id, { action: "create", rule: { channelId: amazon.id, target: { kind: "variant", value: s.tee.item.sku }, percent: 30 } }, { asOf: AS_OF });
    expect(specific.rows.map((r) => [r.sku, r.before.ats, r.after.ats])).toEqual([[s.tee.item.sku, 45, 27]]);
  });

  it("scopes by shop: previews, updates and deletes of another shop's rule are not found", async () => {
    const a = await shopWithWeb();
    const b = await shopWithWeb();
    const { ctx } = recordingContext();
    const r = await createRule(a.shop.id, { channelId: a.web.id, target: { kind: "all" }, percent: 50 }, ctx);
    await expectNotFound(getRule(b.shop.id, r.id));
    await expectNotFound(updateRule(b.shop.id, r.id, { percent: 1 }, ctx));
    await expectNotFound(deleteRule(b.shop.id, r.id, ctx));
    await expectNotFound(previewRuleChange(b.shop.id, { action: "delete", id: r.id }, { asOf: AS_OF }));
    await expectValidation(createRule(b.shop.id, { channelId: a.web.id, target: { kind: "all" }, percent: 5 }, ctx), [{ path: "channelId" }]);
    expect((await getRule(a.shop.id, r.id)).percent).toBe(50);
  });
});

describe("rebalance", () => {
  it("previews and stores the intended split of ring-fenced pools with where they were carved", async () => {
    const s = await basicShop();
    const { ctx, itemsEnqueued } = recordingContext();
    const web = await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0, mode: "ringfenced", percent: 70 }, ctx);
    const amazon = await createChannel(s.shop.id, { key: "amazon", facilityIds: [s.warehouse.id], priority: 2, promiseWindowDays: 0, mode: "ringfenced", percent: 30 }, ctx);
    const at = (hour: number) => ({ ...ctx, now: new Date(`${AS_OF}T${String(hour).padStart(2, "0")}:00:00Z`) });
    const first = await rebalance(s.shop.id, {}, at(9));
    expect(first.asOf).toBe(AS_OF);
    const pools = await prisma.ringfencePool.findMany({ where: { shopId: s.shop.id }, include: { carves: true }, orderBy: [{ itemId: "asc" }, { channelId: "asc" }] });
    const teePools = pools.filter((p) => p.itemId === s.tee.item.id);
    expect(teePools.map((p) => [p.channelId, p.quantity, p.entitlement, p.freeSupplyAtRebalance])).toEqual([
      [web.id, 70, 70, 100],
      [amazon.id, 30, 30, 100],
    ]);
    expect(teePools[0].carves.map((c) => [c.locationId, c.quantity])).toEqual([[s.warehouse.id, 70]]);
    expect(pools.filter((p) => p.itemId === s.cap.item.id).map((p) => p.quantity)).toEqual([35, 15]);
    expect(itemsEnqueued()).toEqual([s.tee.item.id, s.cap.item.id].sort((a, b) => a - b));
    expect((await auditFor(s.shop.id, "pool")).map((a) => a.action)).toEqual(["rebalance"]);

    // Stock growing is split by the same percents as the workers carry pools forward: nothing to rebalance.
    await setLevel(s.shop.id, s.tee.item.id, s.warehouse.id, "available", 200);
    expect((await previewRebalance(s.shop.id, { itemIds: [s.tee.item.id] }, at(10))).rows).toEqual([]);

    // A flash sale of 80 on amazon after the rebalance: amazon's pool 60 - 80 → it takes its own
    // pool only (0 left), web keeps its 140. Re-applying the split to the 120 free units: 84 / 36.
    await setLevel(s.shop.id, s.tee.item.id, s.warehouse.id, "available", 120);
    await setLevel(s.shop.id, s.tee.item.id, s.warehouse.id, "committed", 80);
    await prisma.order.create({
      data: {
        shopId: s.shop.id,
        shopifyId: BigInt(s.shop.id) * 1000n + 7n,
        channelId: amazon.id,
        shopifyCreatedAt: new Date(`${AS_OF}T11:00:00Z`),
        shopifyUpdatedAt: new Date(`${AS_OF}T11:00:00Z`),
        lines: { create: [{ shopId: s.shop.id, shopifyId: BigInt(s.shop.id) * 1000n + 8n, itemId: s.tee.item.id, quantity: 80, openQuantity: 80, assignedLocationId: s.warehouse.id }] },
      },
    });
    const preview = await previewRebalance(s.shop.id, { itemIds: [s.tee.item.id] }, at(12));
    expect(preview.rows.map((r) => [r.channel, r.poolBefore, r.poolAfter])).toEqual(
      expect.arrayContaining([
        ["web", 140, 84],
        ["amazon", 0, 36],
      ]),
    );
    const poolOf = async (channelId: number) =>
      (await prisma.ringfencePool.findFirstOrThrow({ where: { shopId: s.shop.id, itemId: s.tee.item.id, channelId } })).quantity;
    const storedBefore = await poolOf(web.id);
    await rebalance(s.shop.id, { itemIds: [s.tee.item.id] }, at(12));
    expect(storedBefore).not.toBe(84);
    expect(await poolOf(web.id)).toBe(84);
    expect(await poolOf(amazon.id)).toBe(36);
    expect((await previewRebalance(s.shop.id, { itemIds: [s.tee.item.id] }, at(13))).rows).toEqual([]);
  });

  it("a new item without pools is rebalanced from scratch", async () => {
    const s = await basicShop();
    const { ctx } = recordingContext();
    await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0, mode: "ringfenced", percent: 60 }, ctx);
    const fresh = await createItem(s.shop.id, { sku: `NEW-${s.shop.id}` });
    await setLevel(s.shop.id, fresh.item.id, s.warehouse.id, "available", 10);
    const preview = await previewRebalance(s.shop.id, { itemIds: [fresh.item.id] }, { asOf: AS_OF });
    expect(preview.rows).toEqual([]);
    await rebalance(s.shop.id, { itemIds: [fresh.item.id] }, ctx);
    expect((await prisma.ringfencePool.findFirstOrThrow({ where: { shopId: s.shop.id, itemId: fresh.item.id } })).quantity).toBe(6);
  });
});
