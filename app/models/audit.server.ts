import type { Prisma, PrismaClient } from "@prisma/client";
import prisma from "../db.server";

export type Db = PrismaClient | Prisma.TransactionClient;

export interface AuditEntry {
  /** Who: "user:<email>", "replay", "worker:<name>". */
  actor: string;
  /** What was done: create, update, archive, delete, import, receive, allocate, rebalance. */
  action: string;
  /** channel, exposure_rule, holdback, supplier, purchase_order, preorder_allocation, pool. */
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  note?: string | null;
}

/** JSON for an audit column: bigints as strings, dates as ISO strings, undefined dropped. */
export function toAuditJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}

export function recordAudit(shopId: number, entry: AuditEntry, db: Db = prisma) {
  return db.auditEvent.create({
    data: {
      shopId,
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      before: toAuditJson(entry.before),
      after: toAuditJson(entry.after),
      note: entry.note ?? null,
    },
  });
}

export function listAuditEvents(
  shopId: number,
  filter: { entity?: string; entityId?: string | number; limit?: number } = {},
  db: Db = prisma,
) {
  return db.auditEvent.findMany({
    where: {
      shopId,
      ...(filter.entity ? { entity: filter.entity } : {}),
      ...(filter.entityId !== undefined ? { entityId: String(filter.entityId) } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(filter.limit ?? 100, 1000),
  });
}
