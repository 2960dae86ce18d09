import { Prisma, type Shop, type WebhookInbox, type WebhookStatus } from "@prisma/client";
import type { RawDb } from "../raw-db.server";

/** Webhook inbox rows: one per delivery (unique X-Shopify-Webhook-Id), always scoped by shop. */

type Db = Prisma.TransactionClient;

export interface NewDelivery {
  /** The shop, by id or by its myshopify domain (the webhook's X-Shopify-Shop-Domain). */
  shop: { id: number } | { domain: string };
  webhookId: string;
  topic: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payload: unknown;
  /** `received` for a delivery to apply, `rejected` for a malformed one (with `error`). */
  status: Extract<WebhookStatus, "received" | "rejected">;
  error?: string | null;
  /** The shop's lane (app/services/inbox-lanes.ts), or null: a job per delivery. */
  lane?: number | null;
}

export type InsertResult =
  | { inserted: true; id: number; shopId: number }
  | { inserted: false; id: number; shopId: number; status: WebhookStatus }
  | { inserted: false; unknownShop: true };

/**
 * Records a delivery once: INSERT ... ON CONFLICT DO NOTHING, so concurrent duplicates race
 * safely in the database; the shop is looked up in the same statement (the ingest hot path). A
 * duplicate returns the existing row's id and status; a shop without a row records nothing.
 */
export async function insertDelivery(db: RawDb, d: NewDelivery): Promise<InsertResult> {
  const shopIs = "id" in d.shop ? Prisma.sql`s.id = ${d.shop.id}` : Prisma.sql`s.domain = ${d.shop.domain}`;
  const rows = await db.$queryRaw<{ id: number; shopId: number }[]>`
    INSERT INTO "webhook_inbox" ("shopId", "webhookId", "topic", "eventId", "apiVersion", "triggeredAt", "payload", "status", "error", "processedAt", "lane")
    SELECT s.id, ${d.webhookId}, ${d.topic}, ${d.eventId}, ${d.apiVersion}, ${d.triggeredAt}, ${JSON.stringify(d.payload ?? null)}::jsonb,
           ${d.status}::"webhook_status", ${d.error ?? null}, ${d.status === "rejected" ? new Date() : null}, ${d.lane ?? null}::int
    FROM shops s WHERE ${shopIs}
    ON CONFLICT ("webhookId") DO NOTHING
    RETURNING "id", "shopId"`;
  if (rows.length > 0) return { inserted: true, id: rows[0].id, shopId: rows[0].shopId };
  const [found] = await db.$queryRaw<{ shopId: number | null; existing: { id: number; status: WebhookStatus; shopId: number } | null }[]>`
    SELECT (SELECT s.id FROM shops s WHERE ${shopIs}) AS "shopId",
           (SELECT json_build_object('id', id, 'status', status, 'shopId', "shopId") FROM webhook_inbox WHERE "webhookId" = ${d.webhookId}) AS existing`;
  if (found.shopId === null) return { inserted: false, unknownShop: true };
  if (!found.existing || found.existing.shopId !== found.shopId) {
    // The id exists under another shop: webhook ids are global, so this is a forged or broken delivery.
    throw new Error(`webhook id ${d.webhookId} is already recorded for another shop`);
  }
  return { inserted: false, id: found.existing.id, shopId: found.shopId, status: found.existing.status };
}

/**
 * Records deliveries of shops named by domain in one statement (the ingest's group insert:
 * app/services/ingest.server.ts): the same outcome for each as `insertDelivery`, in the order
 * given. Two deliveries with one webhook id in the same call: the first is inserted, the second
 * is its duplicate. An id already recorded for another shop is an Error in that delivery's place
 * (the others are unaffected). A statement error (one payload PostgreSQL refuses) fails the whole
 * call: the caller records those deliveries one by one.
 */
export async function insertDeliveries(db: RawDb, ds: (NewDelivery & { shop: { domain: string } })[]): Promise<(InsertResult | Error)[]> {
  if (ds.length === 0) return [];
  const col = <T>(f: (d: (typeof ds)[number]) => T) => ds.map(f);
  const inserted = await db.$queryRaw<{ ord: bigint; id: number; shopId: number }[]>`
    WITH d AS (
      SELECT * FROM unnest(${col((d) => d.shop.domain)}::text[], ${col((d) => d.webhookId)}::text[], ${col((d) => d.topic)}::text[],
                           ${col((d) => d.eventId)}::text[], ${col((d) => d.apiVersion)}::text[], ${col((d) => d.triggeredAt)}::timestamp[],
                           ${col((d) => JSON.stringify(d.payload ?? null))}::text[], ${col((d) => d.status)}::text[], ${col((d) => d.error ?? null)}::text[],
                           ${col((d) => d.lane ?? null)}::int[])
        WITH ORDINALITY AS d(domain, "webhookId", topic, "eventId", "apiVersion", "triggeredAt", payload, status, error, lane, ord)
    ), ins AS (
      INSERT INTO "webhook_inbox" ("shopId", "webhookId", "topic", "eventId", "apiVersion", "triggeredAt", "payload", "status", "error", "processedAt", "lane")
      SELECT s.id, d."webhookId", d.topic, d."eventId", d."apiVersion", d."triggeredAt", d.payload::jsonb, d.status::"webhook_status", d.error,
             CASE WHEN d.status = 'rejected' THEN ${new Date()}::timestamp END, d.lane
      FROM d JOIN shops s ON s.domain = d.domain
      ORDER BY d.ord
      ON CONFLICT ("webhookId") DO NOTHING
      RETURNING "id", "shopId", "webhookId"
    )
    SELECT min(d.ord) AS ord, ins.id, ins."shopId" FROM ins JOIN d ON d."webhookId" = ins."webhookId" GROUP BY ins.id, ins."shopId"`;
  const out: (InsertResult | Error | undefined)[] = new Array(ds.length);
  for (const r of inserted) out[Number(r.ord) - 1] = { inserted: true, id: r.id, shopId: r.shopId };
  const rest = ds.flatMap((d, i) => (out[i] ? [] : [{ i, d }]));
  if (rest.length === 0) return out as InsertResult[];
  const found = await db.$queryRaw<{ ord: bigint; shopId: number | null; id: number | null; status: WebhookStatus | null; rowShopId: number | null }[]>`
    SELECT d.ord, s.id AS "shopId", w.id, w.status::text AS status, w."shopId" AS "rowShopId"
    FROM unnest(${rest.map((r) => r.d.shop.domain)}::text[], ${rest.map((r) => r.d.webhookId)}::text[]) WITH ORDINALITY AS d(domain, "webhookId", ord)
    LEFT JOIN shops s ON s.domain = d.domain
    LEFT JOIN webhook_inbox w ON w."webhookId" = d."webhookId"`;
  for (const f of found) {
    const { i, d } = rest[Number(f.ord) - 1]!;
    if (f.shopId === null) out[i] = { inserted: false, unknownShop: true };
    else if (f.id === null || f.rowShopId !== f.shopId) out[i] = new Error(`webhook id ${d.webhookId} is already recorded for another shop`);
    else out[i] = { inserted: false, id: f.id, shopId: f.shopId, status: f.status! };
  }
  return out as (InsertResult | Error)[];
}

/**
 * Locks the row for the rest of the transaction (one applier at a time) and returns its status
 * (the payload never changes; the caller read it already). Null if it is gone, or if another
 * transaction holds it (SKIP LOCKED: that applier, often a batch that claimed it, decides its fate).
 */
export async function lockDelivery(tx: Db, shopId: number, inboxId: number): Promise<{ id: number; status: WebhookInbox["status"] } | null> {
  const rows = await tx.$queryRaw<{ id: number; status: WebhookInbox["status"] }[]>`
    SELECT "id", "status"::text AS "status" FROM "webhook_inbox" WHERE "id" = ${inboxId} AND "shopId" = ${shopId} FOR UPDATE SKIP LOCKED`;
  return rows[0] ?? null;
}

export async function markDone(tx: Db, shopId: number, inboxId: number, note: string | null = null): Promise<void> {
  await tx.$executeRaw`
    UPDATE webhook_inbox SET status = 'done', error = ${note}, "processedAt" = ${new Date()}, attempts = attempts + 1
    WHERE id = ${inboxId} AND "shopId" = ${shopId}`;
}

export async function markRejected(tx: RawDb, shopId: number, inboxId: number, reason: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE webhook_inbox SET status = 'rejected', error = ${reason}, "processedAt" = ${new Date()}, attempts = attempts + 1
    WHERE id = ${inboxId} AND "shopId" = ${shopId}`;
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
  const s = rows[0].shop;
  return {
    row: inboxRow(rows[0].row),
    shop: {
      ...(s as unknown as Shop),
      installedAt: jsonDate(s.installedAt)!,
      uninstalledAt: jsonDate(s.uninstalledAt),
      syncStartedAt: jsonDate(s.syncStartedAt),
      syncFinishedAt: jsonDate(s.syncFinishedAt),
      lastReconciledAt: jsonDate(s.lastReconciledAt),
      createdAt: jsonDate(s.createdAt)!,
      updatedAt: jsonDate(s.updatedAt)!,
    },
  };
}

/** to_jsonb renders timestamp(3) columns (UTC wall time) without a zone. */
const jsonDate = (v: unknown) => (v === null || v === undefined ? null : new Date(`${String(v).replace(/Z?$/, "Z")}`));

function inboxRow(r: Record<string, unknown>): WebhookInbox {
  return { ...(r as unknown as WebhookInbox), triggeredAt: jsonDate(r.triggeredAt), receivedAt: jsonDate(r.receivedAt)!, processedAt: jsonDate(r.processedAt) };
}

/**
 * How long a products/update may wait behind the lane's stock and order deliveries. Shopify sends
 * one for nearly every stock change of a product (a flash sale's third of all deliveries), and
 * almost all change nothing we keep; stock and orders are what ATS is made of. Older than this, a
 * products/update takes its turn by arrival like the rest, so none waits for ever.
 */
export const PRODUCT_DEFER_MS = 10_000;

/**
 * Up to `limit` deliveries of one lane of the shop waiting to be applied (status `received`),
 * locked for the caller's transaction, except `exceptId` (the caller's own row): oldest first,
 * except that products/update deliveries younger than PRODUCT_DEFER_MS come after the others
 * (deliveries apply in any order, so this only decides what waits under a backlog). Rows another
 * applier holds are passed over (SKIP LOCKED), never waited for.
 */
export async function claimWaiting(tx: RawDb, shopId: number, lane: number, limit: number, exceptId = 0, now = new Date()): Promise<WebhookInbox[]> {
  const rows = await tx.$queryRaw<{ row: Record<string, unknown> }[]>`
    SELECT to_jsonb(i) AS row FROM webhook_inbox i
    WHERE i."shopId" = ${shopId} AND i.lane = ${lane} AND i.status = 'received' AND i.id <> ${exceptId}
    ORDER BY (i.topic = 'products/update' AND i."receivedAt" > ${new Date(now.getTime() - PRODUCT_DEFER_MS)}), i.id LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => inboxRow(r.row));
}

/** Whether the lane still has deliveries waiting (held by another applier, if a claim found none). */
export async function laneWaiting(db: RawDb, shopId: number, lane: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM webhook_inbox WHERE "shopId" = ${shopId} AND lane = ${lane} AND status = 'received' LIMIT 1`;
  return rows.length > 0;
}

/** markDone for several rows in one statement. */
export async function markDoneMany(tx: RawDb, shopId: number, rows: { id: number; note: string | null }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE webhook_inbox AS i SET status = 'done', error = t.note, "processedAt" = ${new Date()}, attempts = i.attempts + 1
    FROM unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.note)}::text[]) AS t(id, note)
    WHERE i.id = t.id AND i."shopId" = ${shopId}`;
}

export function findByWebhookId(db: Db, shopId: number, webhookId: string) {
  return db.webhookInbox.findFirst({ where: { shopId, webhookId } });
}

export interface DueDelivery {
  id: number;
  shopId: number;
  status: WebhookStatus;
  attempts: number;
  lane: number | null;
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
    SELECT "id", "shopId", "status", "attempts", "lane" FROM "webhook_inbox"
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
