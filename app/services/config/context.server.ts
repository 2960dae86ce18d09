import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "../../db.server";
import { getProducer } from "../../jobs/producer.server";
import { createLogger } from "../../lib/logger";
import { recordAudit, type AuditEntry, type Db } from "../../models/audit.server";

/** Queues a recompute of these items (deduplicated per shop+item by the queue contract). */
export type EnqueueRecompute = (shopId: number, itemIds: readonly number[]) => Promise<void>;

export interface ConfigContext {
  /** Recorded on every audit event: "user:<email>", "replay", ... */
  actor: string;
  /** Default: the app's Prisma client. */
  db?: PrismaClient;
  /** Default: the BullMQ `recompute` queue. null: change data only (tests, dry tooling). */
  enqueueRecompute?: EnqueueRecompute | null;
  /** Today for previews and pre-order promise dates (YYYY-MM-DD). Default: today in the shop's time zone. */
  asOf?: string;
  /** The clock (tests): the instant of a rebalance and of evaluations. Default: now, or noon UTC of `asOf`. */
  now?: Date;
  /** Set by runChange: a change running inside another (applyAppConfig) joins its transaction. */
  scope?: ChangeScope;
}

/** One transaction and what it must do after commit. */
export interface ChangeScope {
  tx: Db;
  items: Set<number>;
  allItems: boolean;
  after: (() => Promise<void>)[];
}

export interface Change {
  tx: Db;
  ctx: ConfigContext;
  audit(entry: Omit<AuditEntry, "actor">): Promise<unknown>;
  /** These items' numbers may move. */
  recompute(itemIds: Iterable<number | null | undefined>): void;
  /** Every item of the shop may move (a channel or a rule on everything changed). */
  recomputeAll(): void;
}

const log = createLogger("info", { component: "config" });

const PARALLEL_ENQUEUES = 200;

export const enqueueRecomputeOnQueue: EnqueueRecompute = async (shopId, itemIds) => {
  const producer = getProducer();
  for (let i = 0; i < itemIds.length; i += PARALLEL_ENQUEUES) {
    await Promise.all(itemIds.slice(i, i + PARALLEL_ENQUEUES).map((itemId) => producer.enqueue("recompute", { shopId, itemId })));
  }
};

export function dbOf(ctx: Pick<ConfigContext, "db">): PrismaClient {
  return ctx.db ?? defaultPrisma;
}

/**
 * Runs one configuration change: in a transaction of its own, or inside the caller's when the
 * context carries a scope. Audit rows are written in the same transaction as the change; the
 * recompute is enqueued only after commit (a job must never see uncommitted configuration).
 */
export async function runChange<T>(shopId: number, ctx: ConfigContext, fn: (change: Change) => Promise<T>): Promise<T> {
  if (ctx.scope) return fn(changeFor(shopId, ctx, ctx.scope));
  const db = dbOf(ctx);
  let scope!: ChangeScope;
  const result = await db.$transaction(
    async (tx) => {
      scope = { tx, items: new Set(), allItems: false, after: [] };
      return fn(changeFor(shopId, { ...ctx, scope }, scope));
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
  await afterCommit(shopId, ctx, scope);
  return result;
}

function changeFor(shopId: number, ctx: ConfigContext, scope: ChangeScope): Change {
  return {
    tx: scope.tx,
    ctx,
    audit: (entry) => recordAudit(shopId, { ...entry, actor: ctx.actor }, scope.tx),
    recompute(itemIds) {
      for (const id of itemIds) if (typeof id === "number") scope.items.add(id);
    },
    recomputeAll() {
      scope.allItems = true;
    },
  };
}

async function afterCommit(shopId: number, ctx: ConfigContext, scope: ChangeScope): Promise<void> {
  for (const fn of scope.after) await fn();
  const enqueue = ctx.enqueueRecompute === undefined ? enqueueRecomputeOnQueue : ctx.enqueueRecompute;
  if (enqueue === null) return;
  let ids = [...scope.items];
  if (scope.allItems) {
    const rows = await dbOf(ctx).inventoryItem.findMany({ where: { shopId, deletedAt: null }, select: { id: true } });
    ids = rows.map((r) => r.id);
  }
  if (ids.length === 0) return;
  try {
    await enqueue(shopId, ids.sort((a, b) => a - b));
  } catch (error) {
    // The change is committed; the nightly reconciliation recomputes every item, so a queue outage
    // delays these numbers but loses nothing. Say so loudly.
    log.error("recompute enqueue failed after a configuration change", { shopId, items: ids.length, error });
  }
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** The instant evaluations run at. Noon UTC is the asOf day in every time zone within ±11 h. */
export function clockOf(ctx: Pick<ConfigContext, "asOf" | "now">): Date {
  return ctx.now ?? (ctx.asOf ? new Date(`${ctx.asOf}T12:00:00Z`) : new Date());
}

export async function asOfFor(shopId: number, ctx: Pick<ConfigContext, "asOf">, db: Db): Promise<string> {
  if (ctx.asOf) return ctx.asOf;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { timezone: true } });
  return todayIn(shop?.timezone ?? "UTC");
}
