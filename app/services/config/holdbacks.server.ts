import type { Prisma } from "@prisma/client";
import { writeCsv } from "../../lib/csv";
import type { Db } from "../../models/audit.server";
import { deleteHoldbackRow, findHoldback, insertHoldback, listHoldbacks as listHoldbackRows, updateHoldbackRow, type HoldbackRow } from "../../models/holdbacks.server";
import { dateFromDb, dateToDb, NotFoundError, parseOrThrow, ValidationError, zodIssues, type FieldIssue } from "../../validation/common";
import { HOLDBACK_CSV_COLUMNS, holdbackCreateSchema, holdbackCsvRowSchema, holdbackUpdateSchema } from "../../validation/holdback";
import { dbOf, runChange, type ConfigContext } from "./context.server";
import { readImportTable, refuseIfBadRows, rowIssue } from "./csv-import.server";
import { channelKeyMap, checkFacility, itemExists, itemsBySku, resolveLocationText, resolveSku, shopLocations } from "./lookups.server";

export interface HoldbackView {
  id: number;
  itemId: number;
  sku: string | null;
  channel: { id: number; key: string } | null;
  location: { id: number; shopifyId: string; name: string } | null;
  quantity: number;
  from: string | null;
  until: string | null;
  note: string | null;
}

export function holdbackView(h: HoldbackRow): HoldbackView {
  return {
    id: h.id,
    itemId: h.itemId,
    sku: h.item.sku,
    channel: h.channel ? { id: h.channel.id, key: h.channel.key } : null,
    location: h.location ? { id: h.location.id, shopifyId: h.location.shopifyId.toString(), name: h.location.name } : null,
    quantity: h.quantity,
    from: dateFromDb(h.from),
    until: dateFromDb(h.until),
    note: h.note,
  };
}

async function checkChannel(shopId: number, channelId: number | null | undefined, db: Db, issues: FieldIssue[]) {
  if (channelId === null || channelId === undefined) return;
  const ch = await db.channel.findFirst({ where: { shopId, id: channelId }, select: { archivedAt: true, key: true } });
  if (!ch) issues.push({ path: "channelId", message: `channel ${channelId} is not a channel of this shop` });
  else if (ch.archivedAt) issues.push({ path: "channelId", message: `channel "${ch.key}" is archived` });
}

export async function createHoldback(shopId: number, input: unknown, ctx: ConfigContext): Promise<HoldbackView> {
  const data = parseOrThrow(holdbackCreateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const issues: FieldIssue[] = [];
    let itemId: number | null = null;
    if (data.itemId !== undefined) {
      if (await itemExists(shopId, data.itemId, tx)) itemId = data.itemId;
      else issues.push({ path: "itemId", message: `item ${data.itemId} is not an item of this shop` });
    } else {
      itemId = resolveSku(await itemsBySku(shopId, [data.sku as string], tx), data.sku as string, "sku", issues);
    }
    await checkChannel(shopId, data.channelId, tx, issues);
    checkFacility(await shopLocations(shopId, tx), data.locationId, "locationId", issues);
    if (issues.length > 0) throw new ValidationError(issues);
    const row = await insertHoldback(
      shopId,
      {
        itemId: itemId as number,
        channelId: data.channelId ?? null,
        locationId: data.locationId ?? null,
        quantity: data.quantity,
        from: dateToDb(data.from),
        until: dateToDb(data.until),
        note: data.note ?? null,
      },
      tx,
    );
    const view = holdbackView(row);
    await change.audit({ action: "create", entity: "holdback", entityId: row.id, after: view });
    change.recompute([row.itemId]);
    return view;
  });
}

export async function updateHoldback(shopId: number, holdbackId: number, input: unknown, ctx: ConfigContext): Promise<HoldbackView> {
  const data = parseOrThrow(holdbackUpdateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const before = await findHoldback(shopId, holdbackId, tx);
    if (!before) throw new NotFoundError("holdback", holdbackId);
    const issues: FieldIssue[] = [];
    await checkChannel(shopId, data.channelId, tx, issues);
    checkFacility(await shopLocations(shopId, tx), data.locationId, "locationId", issues);
    const from = data.from === undefined ? dateFromDb(before.from) : data.from;
    const until = data.until === undefined ? dateFromDb(before.until) : data.until;
    if (from && until && until < from) issues.push({ path: "until", message: `must be on or after from (${from})` });
    if (issues.length > 0) throw new ValidationError(issues);
    const patch: Prisma.HoldbackUncheckedUpdateManyInput = {
      ...(data.quantity !== undefined ? { quantity: data.quantity } : {}),
      ...(data.channelId !== undefined ? { channelId: data.channelId } : {}),
      ...(data.locationId !== undefined ? { locationId: data.locationId } : {}),
      ...(data.from !== undefined ? { from: dateToDb(data.from) } : {}),
      ...(data.until !== undefined ? { until: dateToDb(data.until) } : {}),
      ...(data.note !== undefined ? { note: data.note } : {}),
    };
    await updateHoldbackRow(shopId, holdbackId, patch, tx);
    const after = holdbackView((await findHoldback(shopId, holdbackId, tx)) as HoldbackRow);
    await change.audit({ action: "update", entity: "holdback", entityId: holdbackId, before: holdbackView(before), after });
    change.recompute([before.itemId]);
    return after;
  });
}

export async function deleteHoldback(shopId: number, holdbackId: number, ctx: ConfigContext): Promise<void> {
  await runChange(shopId, ctx, async (change) => {
    const before = await findHoldback(shopId, holdbackId, change.tx);
    if (!before) throw new NotFoundError("holdback", holdbackId);
    await deleteHoldbackRow(shopId, holdbackId, change.tx);
    await change.audit({ action: "delete", entity: "holdback", entityId: holdbackId, before: holdbackView(before) });
    change.recompute([before.itemId]);
  });
}

export async function getHoldback(shopId: number, holdbackId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<HoldbackView> {
  const row = await findHoldback(shopId, holdbackId, dbOf(ctx));
  if (!row) throw new NotFoundError("holdback", holdbackId);
  return holdbackView(row);
}

export async function listHoldbacks(shopId: number, filter: { itemId?: number; channelId?: number } = {}, ctx: Pick<ConfigContext, "db"> = {}): Promise<HoldbackView[]> {
  return (await listHoldbackRows(shopId, filter, dbOf(ctx))).map(holdbackView);
}

/**
 * Imports holdbacks from CSV (columns sku, channel, quantity, location, from, until, note), all or
 * nothing: every row is checked first and any bad row means nothing is saved and the error lists
 * each bad row and field. Rows are numbered as a spreadsheet shows them (the header is row 1).
 */
export async function importHoldbacksCsv(shopId: number, text: string, ctx: ConfigContext): Promise<{ created: HoldbackView[] }> {
  const table = readImportTable(text, HOLDBACK_CSV_COLUMNS);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx;
    const issues: FieldIssue[] = [];
    const parsed = table.records.map((r) => {
      const res = holdbackCsvRowSchema.safeParse(r.values);
      if (!res.success) {
        for (const i of zodIssues(res.error)) issues.push(rowIssue(r.row, i.path || "row", i.message));
        return null;
      }
      return { row: r.row, value: res.data };
    });
    const good = parsed.filter((p): p is NonNullable<typeof p> => p !== null);
    const bySku = await itemsBySku(shopId, good.map((p) => p.value.sku), tx);
    const channels = await channelKeyMap(shopId, tx);
    const locations = await shopLocations(shopId, tx);
    const rows: Prisma.HoldbackUncheckedCreateInput[] = [];
    for (const { row, value } of good) {
      const before = issues.length;
      const sub: FieldIssue[] = [];
      const itemId = resolveSku(bySku, value.sku, "sku", sub);
      let channelId: number | null = null;
      if (value.channel !== "") {
        const id = channels.get(value.channel);
        if (id === undefined) sub.push({ path: "channel", message: `unknown channel "${value.channel}" (leave empty to hold from every channel)` });
        else channelId = id;
      }
      let locationId: number | null = null;
      if (value.location !== "") {
        const loc = resolveLocationText(locations, value.location, "location", sub);
        if (loc) {
          checkFacility(locations, loc.id, "location", sub);
          locationId = loc.id;
        }
      }
      for (const s of sub) issues.push(rowIssue(row, s.path, s.message));
      if (issues.length > before) continue;
      rows.push({
        shopId,
        itemId: itemId as number,
        channelId,
        locationId,
        quantity: value.quantity,
        from: dateToDb(value.from),
        until: dateToDb(value.until),
        note: value.note ?? null,
      });
    }
    refuseIfBadRows(issues);
    const ids = (await tx.holdback.createManyAndReturn({ data: rows, select: { id: true } })).map((r) => r.id);
    const created = (await listHoldbackRows(shopId, { ids }, tx)).map(holdbackView);
    await change.audit({
      action: "import",
      entity: "holdback",
      after: { count: created.length, holdbacks: created.slice(0, 1000) },
      note: `CSV import of ${created.length} holdback(s)${created.length > 1000 ? "; the first 1000 are recorded" : ""}`,
    });
    change.recompute(created.map((c) => c.itemId));
    return { created };
  });
}

/** The shop's holdbacks in the import format, so an export can be edited and imported again. */
export async function exportHoldbacksCsv(shopId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<string> {
  const rows = await listHoldbackRows(shopId, {}, dbOf(ctx));
  return writeCsv([
    ["sku", "channel", "quantity", "location", "from", "until", "note"],
    ...rows.map((h) => [h.item.sku, h.channel?.key ?? "", h.quantity, h.location ? h.location.shopifyId.toString() : "", dateFromDb(h.from), dateFromDb(h.until), h.note]),
  ]);
}
