import { Prisma, type Shop, type WebhookInbox, type WebhookStatus } from "@prisma/client";

/** Webhook inbox rows: one per delivery (unique X-Shopify-Webhook-Id), always scoped by shop. */

type Db = Prisma.TransactionClient;

export interface NewDelivery {
  shopId: number;
  webhookId: string;
  topic: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payload: unknown;
  /** `received` for a delivery to apply, `rejected` for a malformed one (with `error`). */
  status: Extract<WebhookStatus, "received" | "rejected">;
  error?: string | null;
}

export type InsertResult = { inserted: true; id: number } | { inserted: false; id: number; status: WebhookStatus };

/**
 * Records a delivery once: INSERT ... ON CONFLICT DO NOTHING, so concurrent duplicates race
 * safely in the database. A duplicate returns the existing row's id and status.
 */
export async function insertDelivery(db: Db, d: NewDelivery): Promise<InsertResult> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "webhook_inbox" ("shopId", "webhookId", "topic", "eventId", "apiVersion", "triggeredAt", "payload", "status", "error", "processedAt")
    VALUES (${d.shopId}, ${d.webhookId}, ${d.topic}, ${d.eventId}, ${d.apiVersion}, ${d.triggeredAt}, ${JSON.stringify(d.payload ?? null)}::jsonb,
            ${d.status}::"webhook_status", ${d.error ?? null}, ${d.status === "rejected" ? new Date() : null})
    ON CONFLICT ("webhookId") DO NOTHING
    RETURNING "id"`;
  if (rows.length > 0) return { inserted: true, id: rows[0].id };
  const existing = await db.webhookInbox.findFirst({ where: { shopId: d.shopId, webhookId: d.webhookId }, select: { id: true, status: true } });
  if (!existing) {
    // The id exists under another shop: webhook ids are global, so this is a forged or broken delivery.
    throw new Error(`webhook id ${d.webhookId} is already recorded for another shop`);
  }
  return { inserted: false, id: existing.id, status: existing.status };
}

/** Locks the row for the rest of the transaction (one applier at a time); null if it is gone. */
/** Locks the row and returns its status (the payload never changes; the caller read it already). */
export async function lockDelivery(tx: Db, shopId: number, inboxId: number): Promise<{ id: number; status: WebhookInbox["status"] } | null> {
  const rows = await tx.$queryRaw<{ id: number; status: WebhookInbox["status"] }[]>`
    SELECT "id", "status"::text AS "status" FROM "webhook_inbox" WHERE "id" = ${inboxId} AND "shopId" = ${shopId} FOR UPDATE`;
  return rows[0] ?? null;
}

export async function markDone(tx: Db, shopId: number, inboxId: number, note: string | null = null): Promise<void> {
  await tx.$executeRaw`
    UPDATE webhook_inbox SET status = 'done', error = ${note}, "processedAt" = ${new Date()}, attempts = attempts + 1
    WHERE id = ${inboxId} AND "shopId" = ${shopId}`;
}

export async function markRejected(tx: Db, shopId: number, inboxId: number, reason: string): Promise<void> {
  await tx.webhookInbox.updateMany({
    where: { id: inboxId, shopId },
    data: { status: "rejected", error: reason, processedAt: new Date(), attempts: { increment: 1 } },
  });
}

/** A failed attempt, recorded outside the rolled-back transaction; `processedAt` = last attempt. */
export async function markFailed(db: Db, shopId: number, inboxId: number, error: string): Promise<void> {
  await db.webhookInbox.updateMany({
    where: { id: inboxId, shopId, status: { in: ["received", "failed", "processing"] } },
    data: { status: "failed", error: error.slice(0, 2_000), processedAt: new Date(), attempts: { increment: 1 } },
  });
}

/**
 * The delivery and its shop in one raw round trip (the hot path of every webhook job; a model
 * query costs several times a raw one in CPU here).
 */
export async function getDeliveryWithShop(db: Db, shopId: number, inboxId: number): Promise<{ row: WebhookInbox; shop: Shop } | null> {
  const rows = await db.$queryRaw<{ row: Record<string, unknown>; shop: Record<string, unknown> }[]>`
    SELECT to_jsonb(i) - 'payload' || jsonb_build_object('payload', i.payload) AS row, to_jsonb(s) AS shop
    FROM webhook_inbox i JOIN shops s ON s.id = i."shopId"
    WHERE i.id = ${inboxId} AND i."shopId" = ${shopId}`;
  if (rows.length === 0) return null;
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(`${String(v).replace(/Z?$/, "Z")}`));
  const r = rows[0].row;
  const s = rows[0].shop;
  return {
    row: { ...(r as unknown as WebhookInbox), triggeredAt: date(r.triggeredAt), receivedAt: date(r.receivedAt)!, processedAt: date(r.processedAt) },
    shop: {
      ...(s as unknown as Shop),
      installedAt: date(s.installedAt)!,
      uninstalledAt: date(s.uninstalledAt),
      syncStartedAt: date(s.syncStartedAt),
      syncFinishedAt: date(s.syncFinishedAt),
      lastReconciledAt: date(s.lastReconciledAt),
      createdAt: date(s.createdAt)!,
      updatedAt: date(s.updatedAt)!,
    },
  };
}

export function findByWebhookId(db: Db, shopId: number, webhookId: string) {
  return db.webhookInbox.findFirst({ where: { shopId, webhookId } });
}

export interface DueDelivery {
  id: number;
  shopId: number;
  status: WebhookStatus;
  attempts: number;
}

/**
 * Rows of one shop the sweeper should (re)enqueue: `received` for longer than `staleMs`, and
 * `failed` whose backoff has passed (min(maxBackoff, base · 2^(attempts-1)) after the last attempt).
 */
export async function findDue(
  db: Db,
  shopId: number,
  opts: { now: Date; staleMs: number; baseBackoffMs: number; maxBackoffMs: number; limit: number },
): Promise<DueDelivery[]> {
  const staleBefore = new Date(opts.now.getTime() - opts.staleMs);
  return db.$queryRaw<DueDelivery[]>`
    SELECT "id", "shopId", "status", "attempts" FROM "webhook_inbox"
    WHERE "shopId" = ${shopId} AND (
      ("status" = 'received' AND "receivedAt" < ${staleBefore})
      OR ("status" = 'failed' AND COALESCE("processedAt", "receivedAt") +
            LEAST(${opts.maxBackoffMs}::float8, ${opts.baseBackoffMs}::float8 * power(2, GREATEST("attempts", 1) - 1)) * interval '1 millisecond'
          < ${opts.now})
    )
    ORDER BY "receivedAt", "id"
    LIMIT ${opts.limit}`;
}

/** Counts per status for one shop (ops pages, tests). */
export async function countByStatus(db: Db, shopId: number): Promise<Partial<Record<WebhookStatus, number>>> {
  const rows = await db.webhookInbox.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}
