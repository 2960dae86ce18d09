import { Prisma } from "@prisma/client";
import type { Db } from "./audit.server";

/**
 * The shop's network as the engine needs it: facilities, channels with their facility groups and
 * publish targets, exposure rules and suppliers. Every query is scoped by shopId.
 */

/** The shop's configuration version: anything that changes the compiled network moves it (deletes move a count). */
export function networkVersionSql(shopId: number): Prisma.Sql {
  return Prisma.sql`concat_ws('|',
      (SELECT concat(count(*), ':', coalesce(max(extract(epoch from "updatedAt")), 0)) FROM locations WHERE "shopId" = ${shopId}),
      (SELECT concat(count(*), ':', coalesce(max(extract(epoch from "updatedAt")), 0)) FROM channels WHERE "shopId" = ${shopId}),
      (SELECT concat(count(*), ':', coalesce(sum("locationId" * 31 + "position" * 7 + "channelId"), 0)) FROM channel_facilities WHERE "shopId" = ${shopId}),
      (SELECT concat(count(*), ':', coalesce(max(extract(epoch from "updatedAt")), 0)) FROM exposure_rules WHERE "shopId" = ${shopId}),
      (SELECT concat(count(*), ':', coalesce(max(extract(epoch from "updatedAt")), 0)) FROM suppliers WHERE "shopId" = ${shopId}),
      (SELECT concat("handlingDays", ':', timezone, ':', extract(epoch from "updatedAt")) FROM shops WHERE id = ${shopId}))`;
}

export async function networkConfigVersion(db: Db, shopId: number): Promise<string> {
  const rows = await db.$queryRaw<{ v: string }[]>`SELECT ${networkVersionSql(shopId)} AS v`;
  return rows[0]?.v ?? "";
}

export async function loadNetworkConfig(db: Db, shopId: number) {
  const [shop, locations, channels, rules, suppliers] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { id: true, domain: true, handlingDays: true, timezone: true } }),
    db.location.findMany({ where: { shopId, deletedAt: null }, orderBy: { id: "asc" } }),
    db.channel.findMany({
      where: { shopId, archivedAt: null },
      include: { facilities: { where: { shopId }, orderBy: { position: "asc" } } },
      orderBy: [{ priority: "asc" }, { id: "asc" }],
    }),
    db.exposureRule.findMany({ where: { shopId, channel: { archivedAt: null } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.supplier.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
  ]);
  return { shop, locations, channels, rules, suppliers };
}

export type NetworkConfig = Awaited<ReturnType<typeof loadNetworkConfig>>;
