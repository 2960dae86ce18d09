import { dayIn } from "../../lib/day";
import type { PrismaClient } from "@prisma/client";
import defaultPrisma from "../../db.server";
import { getProducer } from "../../jobs/producer.server";
import { createLogger } from "../../lib/logger";
import { recordAudit, type AuditEntry, type Db } from "../../models/audit.server";
import {
  enqueueRecomputeWith,
  enqueueRequested,
  recordRecomputeRequests,
  recordRecomputeRequestsForShop,
  type EnqueueRecompute,
} from "../recompute-outbox.server";

export type { EnqueueRecompute };

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

export const enqueueRecomputeOnQueue: EnqueueRecompute = (shopId, itemIds) => enqueueRecomputeWith(getProducer())(shopId, itemIds);

export function dbOf(ctx: Pick<ConfigContext, "db">): PrismaClient {
  return ctx.db ?? defaultPrisma;
}

/**
 * Runs one configuration change: in a transaction of its own, or inside the caller's when the
 * context carries a scope. Audit rows and the recompute requests (the outbox,
 * app/services/recompute-outbox.server.ts) are written in the same transaction as the change; the
 * recompute is enqueued only after commit (a job must never see uncommitted configuration), and
 * if that enqueue is lost the sweeper enqueues the requests later.
 */
export async function runChange<T>(shopId: number, ctx: ConfigContext, fn: (change: Change) => Promise<T>): Promise<T> {
  if (ctx.scope) return fn(changeFor(shopId, ctx, ctx.scope));
  const db = dbOf(ctx);
  let scope!: ChangeScope;
  let requested: number[] = [];
  const result = await db.$transaction(
    async (tx) => {
      scope = { tx, items: new Set(), allItems: false, after: [] };
      const value = await fn(changeFor(shopId, { ...ctx, scope }, scope));
      requested = await recordRequests(shopId, ctx, scope);
      return value;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
  await afterCommit(shopId, ctx, scope, requested);
  return result;
}

/** The items this change asked to recompute, recorded in its transaction (none when enqueueRecompute is null). */
async function recordRequests(shopId: number, ctx: ConfigContext, scope: ChangeScope): Promise<number[]> {
  if (ctx.enqueueRecompute === null) return [];
  if (scope.allItems) return recordRecomputeRequestsForShop(scope.tx, shopId);
  const ids = [...scope.items].sort((a, b) => a - b);
  await recordRecomputeRequests(scope.tx, shopId, ids);
  return ids;
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

async function afterCommit(shopId: number, ctx: ConfigContext, scope: ChangeScope, requested: number[]): Promise<void> {
  for (const fn of scope.after) await fn();
  const enqueue = ctx.enqueueRecompute === undefined ? enqueueRecomputeOnQueue : ctx.enqueueRecompute;
  if (enqueue === null) return;
  await enqueueRequested(enqueue, shopId, requested, log);
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return dayIn(now, timeZone);
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
