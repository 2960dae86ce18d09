import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { Db } from "./audit.server";

export type RuleRow = Prisma.ExposureRuleGetPayload<{ include: { channel: { select: { key: true } } } }>;

const include = { channel: { select: { key: true } } } as const;

/** Oldest first: between equally specific rules the newer (later) one wins. */
export const ruleOrder: Prisma.ExposureRuleOrderByWithRelationInput[] = [{ createdAt: "asc" }, { id: "asc" }];

export function findRule(shopId: number, id: number, db: Db = prisma): Promise<RuleRow | null> {
  return db.exposureRule.findFirst({ where: { id, shopId }, include });
}

export function listRules(shopId: number, filter: { channelId?: number } = {}, db: Db = prisma): Promise<RuleRow[]> {
  return db.exposureRule.findMany({
    where: { shopId, ...(filter.channelId ? { channelId: filter.channelId } : {}), channel: { archivedAt: null } },
    include,
    orderBy: ruleOrder,
  });
}

export function insertRule(shopId: number, data: Omit<Prisma.ExposureRuleUncheckedCreateInput, "shopId">, db: Db = prisma): Promise<RuleRow> {
  return db.exposureRule.create({ data: { ...data, shopId }, include });
}

export async function updateRuleRow(shopId: number, id: number, data: Prisma.ExposureRuleUncheckedUpdateManyInput, db: Db = prisma): Promise<boolean> {
  const { count } = await db.exposureRule.updateMany({ where: { id, shopId }, data });
  return count === 1;
}

export async function deleteRuleRow(shopId: number, id: number, db: Db = prisma): Promise<boolean> {
  const { count } = await db.exposureRule.deleteMany({ where: { id, shopId } });
  return count === 1;
}
