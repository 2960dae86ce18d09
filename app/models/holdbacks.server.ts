import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { Db } from "./audit.server";

const include = {
  item: { select: { id: true, sku: true, shopifyId: true } },
  channel: { select: { id: true, key: true } },
  location: { select: { id: true, shopifyId: true, name: true } },
} satisfies Prisma.HoldbackInclude;

export type HoldbackRow = Prisma.HoldbackGetPayload<{ include: typeof include }>;

export function findHoldback(shopId: number, id: number, db: Db = prisma): Promise<HoldbackRow | null> {
  return db.holdback.findFirst({ where: { id, shopId }, include });
}

export function listHoldbacks(shopId: number, filter: { itemId?: number; channelId?: number; ids?: number[] } = {}, db: Db = prisma): Promise<HoldbackRow[]> {
  return db.holdback.findMany({
    where: {
      shopId,
      ...(filter.itemId ? { itemId: filter.itemId } : {}),
      ...(filter.channelId ? { channelId: filter.channelId } : {}),
      ...(filter.ids ? { id: { in: filter.ids } } : {}),
    },
    include,
    orderBy: [{ id: "asc" }],
  });
}

export function insertHoldback(shopId: number, data: Omit<Prisma.HoldbackUncheckedCreateInput, "shopId">, db: Db = prisma): Promise<HoldbackRow> {
  return db.holdback.create({ data: { ...data, shopId }, include });
}

export async function updateHoldbackRow(shopId: number, id: number, data: Prisma.HoldbackUncheckedUpdateManyInput, db: Db = prisma): Promise<boolean> {
  const { count } = await db.holdback.updateMany({ where: { id, shopId }, data });
  return count === 1;
}

export async function deleteHoldbackRow(shopId: number, id: number, db: Db = prisma): Promise<boolean> {
  const { count } = await db.holdback.deleteMany({ where: { id, shopId } });
  return count === 1;
}
