import { describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { parseCsv } from "../../../app/lib/csv";
import { createChannel } from "../../../app/services/config/channels.server";
import {
  createHoldback,
  deleteHoldback,
  exportHoldbacksCsv,
  getHoldback,
  importHoldbacksCsv,
  listHoldbacks,
  updateHoldback,
} from "../../../app/services/config/holdbacks.server";
import { auditFor, basicShop, expectNotFound, expectValidation, recordingContext } from "./helpers";

async function shopWithChannel() {
  const s = await basicShop();
  const { ctx } = recordingContext();
  const wholesale = await createChannel(s.shop.id, { key: "wholesale", facilityIds: [s.warehouse.id], priority: 3, promiseWindowDays: 14 }, ctx);
  return { ...s, wholesale };
}

describe("holdbacks", () => {
  it("creates, updates and deletes with an audit trail and a recompute of the item", async () => {
    const s = await shopWithChannel();
    const { ctx, itemsEnqueued } = recordingContext();
    const h = await createHoldback(
      s.shop.id,
      { sku: s.tee.item.sku, channelId: s.wholesale.id, quantity: 24, locationId: s.warehouse.id, until: "2026-12-31", note: "size run" },
      ctx,
    );
    expect(h).toMatchObject({ itemId: s.tee.item.id, quantity: 24, channel: { key: "wholesale" }, location: { id: s.warehouse.id }, until: "2026-12-31", note: "size run" });
    const u = await updateHoldback(s.shop.id, h.id, { quantity: 30, channelId: null }, ctx);
    expect(u).toMatchObject({ quantity: 30, channel: null });
    await deleteHoldback(s.shop.id, h.id, ctx);
    await expectNotFound(getHoldback(s.shop.id, h.id));
    const audit = await auditFor(s.shop.id, "holdback");
    expect(audit.map((a) => a.action)).toEqual(["create", "update", "delete"]);
    expect(audit[1].before).toMatchObject({ quantity: 24 });
    expect(audit[1].after).toMatchObject({ quantity: 30 });
    expect(audit[2].after).toBeNull();
    expect(itemsEnqueued()).toEqual([s.tee.item.id]);
  });

  it("names the field: negative quantity, unknown sku, from after until, another shop's channel", async () => {
    const s = await shopWithChannel();
    const other = await shopWithChannel();
    const { ctx } = recordingContext();
    await expectValidation(createHoldback(s.shop.id, { sku: s.tee.item.sku, quantity: -1 }, ctx), [{ path: "quantity", message: "must be a whole number ≥ 0" }]);
    await expectValidation(createHoldback(s.shop.id, { sku: "NOPE", quantity: 1 }, ctx), [{ path: "sku", message: 'unknown SKU "NOPE"' }]);
    await expectValidation(createHoldback(s.shop.id, { sku: s.tee.item.sku, quantity: 1, from: "2026-12-05", until: "2026-12-01" }, ctx), [
      { path: "until", message: "must be on or after from (2026-12-05)" },
    ]);
    await expectValidation(createHoldback(s.shop.id, { sku: s.tee.item.sku, quantity: 1, channelId: other.wholesale.id }, ctx), [
      { path: "channelId", message: /not a channel of this shop/ },
    ]);
    // Another shop's item, by id, is not found either.
    await expectValidation(createHoldback(s.shop.id, { itemId: other.tee.item.id, quantity: 1 }, ctx), [{ path: "itemId" }]);
    expect(await prisma.holdback.count({ where: { shopId: s.shop.id } })).toBe(0);
  });

  it("imports a CSV (channel key or empty, location by Shopify id or name) and exports it back in the same format", async () => {
    const s = await shopWithChannel();
    const { ctx, itemsEnqueued } = recordingContext();
    const csv = [
      "sku,channel,quantity,location,from,until,note",
      `${s.tee.item.sku},wholesale,24,${s.warehouse.shopifyId},,2026-12-31,"size run, S-XL"`,
      `${s.cap.item.sku},,10,Central Warehouse,2026-11-25,,promo`,
      `${s.tee.item.sku},,5,,,,`,
    ].join("\r\n");
    const { created } = await importHoldbacksCsv(s.shop.id, csv, ctx);
    expect(created).toHaveLength(3);
    expect(created[0]).toMatchObject({ channel: { key: "wholesale" }, quantity: 24, location: { id: s.warehouse.id }, note: "size run, S-XL" });
    expect(created[1]).toMatchObject({ channel: null, location: { id: s.warehouse.id }, from: "2026-11-25" });
    expect(created[2]).toMatchObject({ channel: null, location: null, quantity: 5 });
    expect(itemsEnqueued()).toEqual([s.tee.item.id, s.cap.item.id].sort((a, b) => a - b));

    const exported = await exportHoldbacksCsv(s.shop.id);
    const rows = parseCsv(exported);
    expect(rows[0]).toEqual(["sku", "channel", "quantity", "location", "from", "until", "note"]);
    expect(rows[1]).toEqual([s.tee.item.sku, "wholesale", "24", String(s.warehouse.shopifyId), "", "2026-12-31", "size run, S-XL"]);

    // The export imports again (into another shop with the same SKUs it would be refused by SKU).
    await importHoldbacksCsv(s.shop.id, exported, ctx);
    expect(await listHoldbacks(s.shop.id)).toHaveLength(6);
  });

  it("refuses a CSV with one bad row whole: row and field named, nothing saved, no recompute", async () => {
    const s = await shopWithChannel();
    const { ctx, enqueued } = recordingContext();
    const csv = [
      "sku,channel,quantity,location,from,until,note",
      `${s.tee.item.sku},wholesale,24,,,,`,
      `${s.cap.item.sku},,10,,,,`,
      `${s.tee.item.sku},,-3,,,,`,
      `${s.cap.item.sku},,7,,,,`,
    ].join("\n");
    const err = await expectValidation(importHoldbacksCsv(s.shop.id, csv, ctx), [{ path: "row 4, quantity", message: "must be a whole number ≥ 0" }]);
    expect(err.message).toContain("row 4, quantity: must be a whole number ≥ 0");
    expect(err.issues).toHaveLength(1);
    expect(await prisma.holdback.count({ where: { shopId: s.shop.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { shopId: s.shop.id, entity: "holdback" } })).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it("lists every bad row of an import: unknown SKU, unknown channel, bad date, unknown location", async () => {
    const s = await shopWithChannel();
    const { ctx } = recordingContext();
    const csv = [
      "sku,channel,quantity,location,from,until,note",
      `NOPE,,1,,,,`,
      `${s.tee.item.sku},amazon,1,,,,`,
      `${s.tee.item.sku},,1,,2026-13-01,,`,
      `${s.tee.item.sku},,1.5,Nowhere,,,`,
    ].join("\n");
    const err = await expectValidation(importHoldbacksCsv(s.shop.id, csv, ctx), [
      { path: "row 2, sku", message: 'unknown SKU "NOPE"' },
      { path: "row 3, channel", message: /unknown channel "amazon"/ },
      { path: "row 4, from", message: "must be a date YYYY-MM-DD" },
      { path: "row 5, quantity", message: "must be a whole number ≥ 0" },
    ]);
    expect(err.message).toMatch(/^nothing imported: 4 bad row\(s\)/);
    await expectValidation(importHoldbacksCsv(s.shop.id, "sku,qty\nX,1", ctx), [{ path: "line 1", message: /unknown column "qty"/ }]);
    expect(await prisma.holdback.count({ where: { shopId: s.shop.id } })).toBe(0);
  });

  it("scopes by shop: shop B cannot read, change or delete shop A's holdback", async () => {
    const a = await shopWithChannel();
    const b = await shopWithChannel();
    const { ctx } = recordingContext();
    const h = await createHoldback(a.shop.id, { itemId: a.tee.item.id, quantity: 5 }, ctx);
    await expectNotFound(getHoldback(b.shop.id, h.id));
    await expectNotFound(updateHoldback(b.shop.id, h.id, { quantity: 0 }, ctx));
    await expectNotFound(deleteHoldback(b.shop.id, h.id, ctx));
    expect((await getHoldback(a.shop.id, h.id)).quantity).toBe(5);
    expect(await listHoldbacks(b.shop.id)).toEqual([]);
    expect(await exportHoldbacksCsv(b.shop.id)).toBe("sku,channel,quantity,location,from,until,note\r\n");
  });
});
