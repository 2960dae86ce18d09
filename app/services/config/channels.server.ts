import { Prisma } from "@prisma/client";
import {
  channelsUsingLocation,
  findChannel,
  insertChannel,
  listChannels as listChannelRows,
  replaceChannelFacilities,
  setLocationRole,
  updateChannelRow,
  type ChannelRow,
} from "../../models/channels.server";
import { channelCreateSchema, channelUpdateSchema, type OrderMatch, type PublishInput } from "../../validation/channel";
import { dateFromDb, dateToDb, NotFoundError, parseOrThrow, ValidationError, type FieldIssue } from "../../validation/common";
import { dbOf, runChange, type ConfigContext } from "./context.server";
import { checkFacility, shopLocations } from "./lookups.server";

export interface ChannelView {
  id: number;
  key: string;
  name: string;
  priority: number;
  promiseWindowDays: number;
  safetyStock: number;
  mode: "shared" | "ringfenced";
  percent: number;
  cap: number | null;
  zeroBelow: number;
  liveFrom: string | null;
  liveUntil: string | null;
  facilities: { id: number; shopifyId: string; name: string }[];
  orders: { sourceNames: string[]; appIds: string[]; b2b: boolean; posLocationIds: string[]; tags: string[] };
  publish: { kind: "location"; location: { id: number; shopifyId: string; name: string } } | { kind: "in_place" };
  archivedAt: string | null;
}

/** A channel as the admin and the audit trail see it (JSON-safe: ids of Shopify as strings). */
export function channelView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    priority: row.priority,
    promiseWindowDays: row.promiseWindowDays,
    safetyStock: row.safetyStock,
    mode: row.mode,
    percent: row.percent,
    cap: row.cap,
    zeroBelow: row.zeroBelow,
    liveFrom: dateFromDb(row.liveFrom),
    liveUntil: dateFromDb(row.liveUntil),
    facilities: row.facilities.map((f) => ({ id: f.location.id, shopifyId: f.location.shopifyId.toString(), name: f.location.name })),
    orders: {
      sourceNames: row.matchSourceNames,
      appIds: row.matchAppIds.map(String),
      b2b: row.matchB2b,
      posLocationIds: row.matchPosLocationIds.map(String),
      tags: row.matchOrderTags,
    },
    publish:
      row.publishKind === "location" && row.publishLocation
        ? { kind: "location", location: { id: row.publishLocation.id, shopifyId: row.publishLocation.shopifyId.toString(), name: row.publishLocation.name } }
        : { kind: "in_place" },
    archivedAt: row.archivedAt ? row.archivedAt.toISOString() : null,
  };
}

function orderMatchData(o: OrderMatch) {
  return {
    matchSourceNames: o.sourceNames,
    matchAppIds: o.appIds.map((id) => BigInt(id)),
    matchB2b: o.b2b,
    matchPosLocationIds: o.posLocationIds.map((id) => BigInt(id)),
    matchOrderTags: o.tags,
  };
}

/** Checks facility and publish locations against the shop's locations and the other channels. */
async function checkLocations(
  shopId: number,
  channelId: number | null,
  facilityIds: readonly number[],
  publish: PublishInput,
  db: Prisma.TransactionClient,
): Promise<void> {
  const issues: FieldIssue[] = [];
  const locations = await shopLocations(shopId, db);
  facilityIds.forEach((id, i) => checkFacility(locations, id, `facilityIds[${i}]`, issues));
  if (publish.kind === "location") {
    const path = "publish.locationId";
    const loc = locations.find((l) => l.id === publish.locationId);
    if (!loc) issues.push({ path, message: `location ${publish.locationId} is not a location of this shop` });
    else if (facilityIds.includes(loc.id)) issues.push({ path, message: `"${loc.name}" is one of the channel's facilities; publish to a dedicated channel location or in place` });
    else {
      const users = await channelsUsingLocation(shopId, loc.id, channelId, db);
      if (users.length > 0) {
        const u = users[0];
        issues.push({
          path,
          message: `"${loc.name}" is already ${u.publishLocationId === loc.id ? "the publish location" : "a facility"} of channel "${u.key}"`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createChannel(shopId: number, input: unknown, ctx: ConfigContext): Promise<ChannelView> {
  const data = parseOrThrow(channelCreateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx as Prisma.TransactionClient;
    const existing = await tx.channel.findUnique({ where: { shopId_key: { shopId, key: data.key } }, select: { id: true } });
    if (existing) throw new ValidationError([{ path: "key", message: `a channel with key "${data.key}" already exists` }]);
    await checkLocations(shopId, null, data.facilityIds, data.publish, tx);
    let row: ChannelRow;
    try {
      row = await insertChannel(
        shopId,
        {
          key: data.key,
          name: data.name ?? data.key,
          priority: data.priority,
          promiseWindowDays: data.promiseWindowDays,
          safetyStock: data.safetyStock,
          mode: data.mode,
          percent: data.percent,
          cap: data.cap ?? null,
          zeroBelow: data.zeroBelow,
          liveFrom: dateToDb(data.liveFrom),
          liveUntil: dateToDb(data.liveUntil),
          publishKind: data.publish.kind,
          publishLocationId: data.publish.kind === "location" ? data.publish.locationId : null,
          ...orderMatchData(data.orders),
        },
        data.facilityIds,
        tx,
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError([{ path: "key", message: `a channel with key "${data.key}" already exists` }]);
      throw error;
    }
    if (data.publish.kind === "location") await setLocationRole(shopId, data.publish.locationId, "channel", tx);
    const view = channelView(row);
    await change.audit({ action: "create", entity: "channel", entityId: row.id, after: view });
    change.recomputeAll();
    return view;
  });
}

export async function updateChannel(shopId: number, channelId: number, input: unknown, ctx: ConfigContext): Promise<ChannelView> {
  const data = parseOrThrow(channelUpdateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx as Prisma.TransactionClient;
    const before = await findChannel(shopId, channelId, tx);
    if (!before) throw new NotFoundError("channel", channelId);
    const facilityIds = data.facilityIds ?? before.facilities.map((f) => f.locationId);
    const publish: PublishInput =
      data.publish ?? (before.publishKind === "location" && before.publishLocationId ? { kind: "location", locationId: before.publishLocationId } : { kind: "in_place" });
    await checkLocations(shopId, channelId, facilityIds, publish, tx);
    const liveFrom = data.liveFrom === undefined ? dateFromDb(before.liveFrom) : data.liveFrom;
    const liveUntil = data.liveUntil === undefined ? dateFromDb(before.liveUntil) : data.liveUntil;
    if (liveFrom && liveUntil && liveUntil < liveFrom) {
      throw new ValidationError([{ path: "liveUntil", message: `must be on or after liveFrom (${liveFrom})` }]);
    }

    await updateChannelRow(
      shopId,
      channelId,
      {
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.priority !== undefined ? { priority: data.priority } : {}),
        ...(data.promiseWindowDays !== undefined ? { promiseWindowDays: data.promiseWindowDays } : {}),
        ...(data.safetyStock !== undefined ? { safetyStock: data.safetyStock } : {}),
        ...(data.mode !== undefined ? { mode: data.mode } : {}),
        ...(data.percent !== undefined ? { percent: data.percent } : {}),
        ...(data.cap !== undefined ? { cap: data.cap } : {}),
        ...(data.zeroBelow !== undefined ? { zeroBelow: data.zeroBelow } : {}),
        ...(data.liveFrom !== undefined ? { liveFrom: dateToDb(data.liveFrom) } : {}),
        ...(data.liveUntil !== undefined ? { liveUntil: dateToDb(data.liveUntil) } : {}),
        ...(data.orders !== undefined ? orderMatchData(data.orders) : {}),
        publishKind: publish.kind,
        publishLocationId: publish.kind === "location" ? publish.locationId : null,
      },
      tx,
    );
    if (data.facilityIds) await replaceChannelFacilities(shopId, channelId, data.facilityIds, tx);
    if (publish.kind === "location") await setLocationRole(shopId, publish.locationId, "channel", tx);
    const after = (await findChannel(shopId, channelId, tx)) as ChannelRow;
    const beforeView = channelView(before);
    const afterView = channelView(after);
    await change.audit({ action: "update", entity: "channel", entityId: channelId, before: beforeView, after: afterView });
    // A new name moves no number, and matching rules classify orders as they arrive (existing
    // orders keep their channel), so only the other fields trigger a recompute of every item.
    const numbers = (v: ChannelView) => JSON.stringify({ ...v, name: "", orders: null });
    if (numbers(beforeView) !== numbers(afterView)) change.recomputeAll();
    return afterView;
  });
}

/**
 * Archiving takes the channel out of every computation (its key stays reserved: history and
 * audit name it). Its rules stay, inert, and come back if it is ever restored.
 */
export async function archiveChannel(shopId: number, channelId: number, ctx: ConfigContext): Promise<ChannelView> {
  return runChange(shopId, ctx, async (change) => {
    const tx = change.tx as Prisma.TransactionClient;
    const before = await findChannel(shopId, channelId, tx);
    if (!before) throw new NotFoundError("channel", channelId);
    if (before.archivedAt) return channelView(before);
    await updateChannelRow(shopId, channelId, { archivedAt: new Date() }, tx);
    const after = (await findChannel(shopId, channelId, tx)) as ChannelRow;
    await change.audit({ action: "archive", entity: "channel", entityId: channelId, before: channelView(before), after: channelView(after) });
    change.recomputeAll();
    return channelView(after);
  });
}

export async function getChannel(shopId: number, channelId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<ChannelView> {
  const row = await findChannel(shopId, channelId, dbOf(ctx));
  if (!row) throw new NotFoundError("channel", channelId);
  return channelView(row);
}

export async function listChannels(shopId: number, opts: { includeArchived?: boolean } = {}, ctx: Pick<ConfigContext, "db"> = {}): Promise<ChannelView[]> {
  return (await listChannelRows(shopId, opts, dbOf(ctx))).map(channelView);
}
