import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { Db } from "./audit.server";

export const channelInclude = {
  facilities: { orderBy: { position: "asc" }, include: { location: { select: { id: true, shopifyId: true, name: true } } } },
  publishLocation: { select: { id: true, shopifyId: true, name: true } },
} satisfies Prisma.ChannelInclude;

export type ChannelRow = Prisma.ChannelGetPayload<{ include: typeof channelInclude }>;

export function findChannel(shopId: number, id: number, db: Db = prisma): Promise<ChannelRow | null> {
  return db.channel.findFirst({ where: { id, shopId }, include: channelInclude });
}

export function findChannelByKey(shopId: number, key: string, db: Db = prisma): Promise<ChannelRow | null> {
  return db.channel.findUnique({ where: { shopId_key: { shopId, key } }, include: channelInclude });
}

export function listChannels(shopId: number, opts: { includeArchived?: boolean } = {}, db: Db = prisma): Promise<ChannelRow[]> {
  return db.channel.findMany({
    where: { shopId, ...(opts.includeArchived ? {} : { archivedAt: null }) },
    include: channelInclude,
    orderBy: [{ priority: "asc" }, { key: "asc" }],
  });
}

export async function insertChannel(
  shopId: number,
  data: Omit<Prisma.ChannelUncheckedCreateInput, "shopId" | "facilities">,
  facilityIds: readonly number[],
  db: Db = prisma,
): Promise<ChannelRow> {
  const row = await db.channel.create({
    data: {
      ...data,
      shopId,
      facilities: { create: facilityIds.map((locationId, position) => ({ shopId, locationId, position })) },
    },
  });
  return (await findChannel(shopId, row.id, db)) as ChannelRow;
}

/** Updates a channel of this shop; false when there is none with that id. */
export async function updateChannelRow(
  shopId: number,
  id: number,
  data: Prisma.ChannelUncheckedUpdateManyInput,
  db: Db = prisma,
): Promise<boolean> {
  const { count } = await db.channel.updateMany({ where: { id, shopId }, data });
  return count === 1;
}

export async function replaceChannelFacilities(shopId: number, channelId: number, locationIds: readonly number[], db: Db = prisma): Promise<void> {
  await db.channelFacility.deleteMany({ where: { shopId, channelId } });
  await db.channelFacility.createMany({
    data: locationIds.map((locationId, position) => ({ shopId, channelId, locationId, position })),
  });
}

/** Locations of this shop among `ids` (others' ids are simply absent). */
export function findLocations(shopId: number, ids: readonly number[], db: Db = prisma) {
  return db.location.findMany({ where: { shopId, id: { in: [...ids] } } });
}

export function findLocationsByShopifyIds(shopId: number, shopifyIds: readonly bigint[], db: Db = prisma) {
  return db.location.findMany({ where: { shopId, shopifyId: { in: [...shopifyIds] } } });
}

export function listShopLocations(shopId: number, db: Db = prisma) {
  return db.location.findMany({ where: { shopId, deletedAt: null }, orderBy: { id: "asc" } });
}

/** Marks a location as a channel location (the app writes the channel's ATS there). */
export async function setLocationRole(shopId: number, locationId: number, role: "facility" | "channel", db: Db = prisma): Promise<void> {
  await db.location.updateMany({ where: { shopId, id: locationId }, data: { role } });
}

/** Channels (other than `exceptChannelId`) that use the location as a facility or publish target. */
export function channelsUsingLocation(shopId: number, locationId: number, exceptChannelId: number | null, db: Db = prisma) {
  return db.channel.findMany({
    where: {
      shopId,
      archivedAt: null,
      ...(exceptChannelId === null ? {} : { id: { not: exceptChannelId } }),
      OR: [{ publishLocationId: locationId }, { facilities: { some: { locationId } } }],
    },
    select: { id: true, key: true, publishLocationId: true },
  });
}
