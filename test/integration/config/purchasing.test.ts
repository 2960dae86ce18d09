import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { allocatePreorders } from "../../../app/services/config/preorders.server";
import {
  createPurchaseOrder,
  getPurchaseOrder,
  importPurchaseOrdersCsv,
  listPurchaseOrders,
  receivePurchaseOrder,
  updatePurchaseOrder,
} from "../../../app/services/config/purchase-orders.server";
import { createChannel } from "../../../app/services/config/channels.server";
import { createSupplier, getSupplier, listSuppliers, updateSupplier } from "../../../app/services/config/suppliers.server";
import { createOrder } from "../../support/factories";
import { AS_OF, auditFor, basicShop, expectNotFound, expectValidation, recordingContext } from "./helpers";

async function preorder(shopId: number, channelId: number, itemId: number, qty: number, placed: string) {
  const o = await createOrder(shopId, { channelId, preOrder: true, shopifyCreatedAt: new Date(`${placed}T10:00:00Z`), lines: [{ itemId, quantity: qty }] });
  return o.lines[0].id;
}

async function setup() {
  const s = await basicShop();
  const { ctx } = recordingContext();
  const web = await createChannel(s.shop.id, { key: "web", facilityIds: [s.warehouse.id], priority: 1, promiseWindowDays: 0 }, ctx);
  await prisma.shop.update({ where: { id: s.shop.id }, data: { handlingDays: 1 } });
  return { ...s, web };
}

describe("suppliers", () => {
  it("creates and updates suppliers, naming bad fields", async () => {
    const s = await basicShop();
    const { ctx } = recordingContext();
    const sup = await createSupplier(s.shop.id, { name: "Factory A", onTimeRate: 0.7, delayDays: 7 }, ctx);
    expect(sup).toMatchObject({ name: "Factory A", onTimeRate: 0.7, delayDays: 7 });
    await expectValidation(createSupplier(s.shop.id, { name: "Factory B", onTimeRate: 1.5, delayDays: -1 }, ctx), [
      { path: "onTimeRate", message: /from 0 to 1/ },
      { path: "delayDays", message: "must be a whole number ≥ 0" },
    ]);
    await expectValidation(createSupplier(s.shop.id, { name: "Factory A" }, ctx), [{ path: "name", message: /already exists/ }]);
    const upd = await updateSupplier(s.shop.id, sup.id, { onTimeRate: "0.9" }, ctx);
    expect(upd.onTimeRate).toBe(0.9);
    expect((await listSuppliers(s.shop.id)).map((x) => x.name)).toEqual(["Factory A"]);
    const other = await basicShop();
    await expectNotFound(getSupplier(other.shop.id, sup.id));
    await expectNotFound(updateSupplier(other.shop.id, sup.id, { delayDays: 1 }, ctx));
    expect((await auditFor(s.shop.id, "supplier")).map((a) => a.action)).toEqual(["create", "update"]);
  });
});

describe("purchase orders and pre-orders", () => {
  it("allocates pre-orders first fit on PO create, with promise dates, and reports what stayed parked", async () => {
    const s = await setup();
    const { ctx, itemsEnqueued } = recordingContext();
    const sup = await createSupplier(s.shop.id, { name: "Factory", onTimeRate: 0.8, delayDays: 3 }, ctx);
    // Oldest first: 6 (Nov 10), 5 (Nov 12), 3 (Nov 14), 1 (Nov 15).
    const p1 = await preorder(s.shop.id, s.web.id, s.tee.item.id, 6, "2026-11-10");
    const p2 = await preorder(s.shop.id, s.web.id, s.tee.item.id, 5, "2026-11-12");
    const p3 = await preorder(s.shop.id, s.web.id, s.tee.item.id, 3, "2026-11-14");
    const p4 = await preorder(s.shop.id, s.web.id, s.tee.item.id, 1, "2026-11-15");

    const { purchaseOrder, allocation } = await createPurchaseOrder(
      s.shop.id,
      { number: "PO-1", supplierId: sup.id, destinationLocationId: s.warehouse.id, eta: "2026-12-04", lines: [{ sku: s.tee.item.sku, quantity: 10 }] },
      ctx,
    );
    // 10 units: 6 fits (4 left), 5 does not (stays parked), 3 fits (1 left), 1 fits (0 left). Never split.
    // Promise = ETA Dec 4 + supplier delay 3 + handling 1 = Dec 8.
    expect(allocation.placed.map((p) => [p.orderLineId, p.quantity, p.promiseDate, p.purchaseOrderNumber])).toEqual([
      [p1, 6, "2026-12-08", "PO-1"],
      [p3, 3, "2026-12-08", "PO-1"],
      [p4, 1, "2026-12-08", "PO-1"],
    ]);
    expect(allocation.parked.map((p) => [p.orderLineId, p.quantity])).toEqual([[p2, 5]]);
    expect(allocation.moved.map((m) => m.orderLineId).sort()).toEqual([p1, p3, p4].sort());
    expect(purchaseOrder.lines).toEqual([
      expect.objectContaining({ sku: s.tee.item.sku, quantityOrdered: 10, remaining: 10, allocated: 10, poAtp: 0, eta: "2026-12-04", promiseDate: "2026-12-08" }),
    ]);
    const stored = await prisma.preorderAllocation.findMany({ where: { shopId: s.shop.id }, orderBy: { orderLineId: "asc" } });
    expect(stored.map((a) => [a.orderLineId, a.quantity, a.promiseDate.toISOString().slice(0, 10)])).toEqual([
      [p1, 6, "2026-12-08"],
      [p3, 3, "2026-12-08"],
      [p4, 1, "2026-12-08"],
    ]);
    expect(itemsEnqueued()).toEqual([s.tee.item.id]);

    // An earlier PO arrives: allocation re-runs across the item's lines, earliest ETA first, and says who moved.
    const second = await createPurchaseOrder(
      s.shop.id,
      { number: "PO-2", destinationLocationId: s.warehouse.id, eta: "2026-11-30", lines: [{ sku: s.tee.item.sku, quantity: 8 }] },
      ctx,
    );
    // PO-2 (Nov 30, no supplier: promise Dec 1) takes 6 then 1 left... 5 does not fit, 3 does not fit, 1 fits.
    // PO-1 then takes 5 and 3 (Dec 8).
    const placed = Object.fromEntries(second.allocation.placed.map((p) => [p.orderLineId, [p.purchaseOrderNumber, p.promiseDate]]));
    expect(placed).toEqual({
      [p1]: ["PO-2", "2026-12-01"],
      [p2]: ["PO-1", "2026-12-08"],
      [p3]: ["PO-1", "2026-12-08"],
      [p4]: ["PO-2", "2026-12-01"],
    });
    expect(second.allocation.parked).toEqual([]);
    const moved = Object.fromEntries(second.allocation.moved.map((m) => [m.orderLineId, [m.from.promiseDate, m.to.promiseDate]]));
    expect(moved).toEqual({ [p1]: ["2026-12-08", "2026-12-01"], [p2]: [null, "2026-12-08"], [p4]: ["2026-12-08", "2026-12-01"] });

    // PO-1 slips a week: its pre-orders' promise dates move with it.
    const slipped = await updatePurchaseOrder(s.shop.id, purchaseOrder.id, { eta: "2026-12-11" }, ctx);
    expect(slipped.allocation.moved.map((m) => [m.orderLineId, m.from.promiseDate, m.to.promiseDate]).sort()).toEqual(
      [
        [p2, "2026-12-08", "2026-12-15"],
        [p3, "2026-12-08", "2026-12-15"],
      ].sort(),
    );
    // A longer supplier delay moves them again.
    await updateSupplier(s.shop.id, sup.id, { delayDays: 5 }, ctx);
    const po1 = await getPurchaseOrder(s.shop.id, purchaseOrder.id, { asOf: AS_OF });
    expect(po1.lines[0]).toMatchObject({ allocated: 8, poAtp: 2, promiseDate: "2026-12-17" });
    const re = await allocatePreorders(s.shop.id, null, ctx);
    expect(re.moved).toEqual([]);
    expect(re.placed).toHaveLength(4);
    expect((await auditFor(s.shop.id, "preorder_allocation")).length).toBeGreaterThanOrEqual(4);
  });

  it("edits quantities, receives partially, and refuses over-receiving naming the receipt", async () => {
    const s = await setup();
    const { ctx } = recordingContext();
    const { purchaseOrder: po } = await createPurchaseOrder(
      s.shop.id,
      {
        number: "PO-9",
        destinationLocationId: s.warehouse.id,
        eta: "2026-12-04",
        lines: [
          { sku: s.tee.item.sku, quantity: 10 },
          { itemId: s.cap.item.id, quantity: 4, eta: "2026-12-20" },
        ],
      },
      ctx,
    );
    const [tee, cap] = po.lines;
    expect(cap).toMatchObject({ eta: "2026-12-20", promiseDate: "2026-12-21" });
    const partly = await receivePurchaseOrder(s.shop.id, po.id, [{ lineId: tee.id, quantity: 4 }], ctx);
    expect(partly.status).toBe("partially_received");
    expect(partly.lines[0]).toMatchObject({ quantityReceived: 4, remaining: 6 });
    await expectValidation(receivePurchaseOrder(s.shop.id, po.id, [{ lineId: tee.id, quantity: 7 }], ctx), [
      { path: "[0].quantity", message: "receives more than the 6 still open on the line" },
    ]);
    await expectValidation(updatePurchaseOrder(s.shop.id, po.id, { lines: [{ id: tee.id, quantity: 3 }] }, ctx), [
      { path: "lines[0].quantity", message: "must be at least the 4 already received" },
    ]);
    const grown = await updatePurchaseOrder(s.shop.id, po.id, { lines: [{ id: tee.id, quantity: 12 }] }, ctx);
    expect(grown.purchaseOrder.lines[0]).toMatchObject({ quantityOrdered: 12, remaining: 8 });
    const done = await receivePurchaseOrder(s.shop.id, po.id, [{ lineId: tee.id, quantity: 8 }, { lineId: cap.id, quantity: 4 }], ctx);
    expect(done.status).toBe("received");
    expect(done.lines.map((l) => l.remaining)).toEqual([0, 0]);
    await expectValidation(receivePurchaseOrder(s.shop.id, po.id, [{ lineId: tee.id, quantity: 1 }], ctx), [{ path: "status" }]);
    expect((await auditFor(s.shop.id, "purchase_order")).map((a) => a.action)).toEqual(["create", "receive", "update", "receive"]);
  });

  it("names bad PO fields: duplicate number, another shop's location, unknown SKU, zero quantity", async () => {
    const s = await setup();
    const other = await basicShop();
    const { ctx } = recordingContext();
    await createPurchaseOrder(s.shop.id, { number: "PO-1", destinationLocationId: s.warehouse.id, eta: "2026-12-04", lines: [{ sku: s.tee.item.sku, quantity: 1 }] }, ctx);
    await expectValidation(
      createPurchaseOrder(
        s.shop.id,
        { number: "PO-1", destinationLocationId: other.warehouse.id, eta: "2026-12-04", lines: [{ sku: "NOPE", quantity: 1 }] },
        ctx,
      ),
      [
        { path: "number", message: 'purchase order "PO-1" already exists' },
        { path: "destinationLocationId", message: /not a location of this shop/ },
        { path: "lines[0].sku", message: 'unknown SKU "NOPE"' },
      ],
    );
    await expectValidation(
      createPurchaseOrder(s.shop.id, { number: "PO-2", destinationLocationId: s.warehouse.id, eta: "2026-02-30", lines: [{ sku: s.tee.item.sku, quantity: 0 }] }, ctx),
      [
        { path: "eta", message: "must be a date YYYY-MM-DD" },
        { path: "lines[0].quantity", message: "must be a whole number ≥ 1" },
      ],
    );
    const list = await listPurchaseOrders(s.shop.id, {}, { asOf: AS_OF });
    expect(list.map((p) => p.number)).toEqual(["PO-1"]);
    await expectNotFound(getPurchaseOrder(other.shop.id, list[0].id));
    await expectNotFound(receivePurchaseOrder(other.shop.id, list[0].id, [{ lineId: list[0].lines[0].id, quantity: 1 }], ctx));
    await expectNotFound(allocatePreorders(other.shop.id, list[0].id, ctx));
  });

  it("imports POs from CSV grouped by number, all or nothing", async () => {
    const s = await setup();
    const { ctx } = recordingContext();
    await createSupplier(s.shop.id, { name: "Factory A", onTimeRate: 0.7, delayDays: 7 }, ctx);
    const good = [
      "po_number,supplier,location,sku,quantity,eta,line_eta",
      `PO-10,Factory A,${s.warehouse.shopifyId},${s.tee.item.sku},400,2026-12-04,`,
      `PO-10,Factory A,${s.warehouse.shopifyId},${s.cap.item.sku},100,2026-12-04,2026-12-10`,
      `PO-11,,Brooklyn,${s.tee.item.sku},20,2026-12-01,`,
    ].join("\n");
    const bad = good + `\nPO-12,Factory Z,${s.warehouse.shopifyId},${s.tee.item.sku},ten,2026-12-01,\nPO-10,Factory A,Brooklyn,${s.tee.item.sku},1,2026-12-04,`;
    const err = await expectValidation(importPurchaseOrdersCsv(s.shop.id, bad, ctx), [
      { path: "row 5, quantity", message: "must be a whole number ≥ 1" },
      { path: "row 6, location", message: "differs from row 2 of the same po_number" },
    ]);
    expect(err.message).toMatch(/^nothing imported: 2 bad row\(s\)/);
    expect(await prisma.purchaseOrder.count({ where: { shopId: s.shop.id } })).toBe(0);

    const { created } = await importPurchaseOrdersCsv(s.shop.id, good, ctx);
    expect(created.map((p) => [p.number, p.supplier?.name ?? null, p.destination.id, p.lines.length])).toEqual([
      ["PO-10", "Factory A", s.warehouse.id, 2],
      ["PO-11", null, s.store.id, 1],
    ]);
    expect(created[0].lines[1]).toMatchObject({ eta: "2026-12-10", promiseDate: "2026-12-18" });
    await expectValidation(importPurchaseOrdersCsv(s.shop.id, good, ctx), [{ path: "row 2, po_number", message: 'purchase order "PO-10" already exists' }]);
  });
});
