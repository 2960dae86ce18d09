import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "./audit.server";
import type { RawDb } from "../raw-db.server";

/**
 * Push jobs and their entries (the outbox of Shopify writes), and what we believe Shopify holds.
 * A push job is one Admin mutation: `quantityName` "available" is inventorySetQuantities,
 * "reserved" is inventoryMoveQuantities (in-place holds). Lifecycle: pending (collecting
 * entries; split to 250 when frozen) → sent (input frozen, idempotency key fixed; a retry resends it
 * unchanged) → succeeded | stale | failed. Every query is scoped by shopId.
 */

export const MAX_ENTRIES_PER_JOB = 250;
export type PushKind = "available" | "reserved";

export interface PendingEntry {
  kind: PushKind;
  locationId: number;
  channelId: number | null;
  /** Target `available` at the location. */
  after: number;
  ats: number | null;
}

/**
 * A recompute's plan. `changes` holds the entries that differ from `base` (what we believed
 * Shopify holds when the inputs were read); `targets` holds every target, changed or not.
 */
export interface PendingPlan {
  base: ReadonlyMap<string, { available: number; heldByUs: number }>;
  changes: PendingEntry[];
  targets: PendingEntry[];
}

/**
 * Replaces the item's not-yet-sent entries with the plan's (only the latest plan matters), adding
 * them to the shop's open job of each kind. Run inside a transaction. Recomputes of one shop run
 * side by side: each holds the open job row FOR SHARE (they do not wait for each other), which is
 * enough to keep the push service from freezing the job under them (its FOR UPDATE waits), and
 * none waits for a freeze either (SKIP LOCKED: a job being frozen is passed over for a new one).
 * A job may collect more than 250 entries here; freezeNextJob splits it.
 *
 * A target equal to the base is left out, unless a write of the item is in flight (being frozen
 * or sent) or landed since the base was read: that write moves the level after the base, so the
 * plan keeps every target and the freeze compares them with the level the write leaves. (Else a
 * push planned before a cancel lands after the recompute that saw the cancel, and stays.)
 */
export async function replacePendingEntries(
  db: RawDb,
  shopId: number,
  itemId: number,
  plan: PendingPlan,
  meta: { actor: string; cause: string },
): Promise<{ jobIds: number[]; entries: number }> {
  // Entries a freeze has locked are being sent as they are: leave them (SKIP LOCKED, no waiting);
  // the new plan goes to a job frozen after that one, from the levels its result leaves.
  await db.$executeRaw`
    DELETE FROM "push_job_entries" WHERE id IN (
      SELECT e.id FROM "push_job_entries" e JOIN "push_jobs" j ON j.id = e."pushJobId"
      WHERE j."shopId" = ${shopId} AND j.status = 'pending' AND e."shopId" = ${shopId} AND e."itemId" = ${itemId}
      FOR UPDATE OF e SKIP LOCKED)`;
  const entries = sameEntries(plan.changes, plan.targets) || (await baseStillHolds(db, shopId, itemId, plan.base)) ? plan.changes : plan.targets;
  const jobIds: number[] = [];
  for (const kind of ["available", "reserved"] as const) {
    const mine = entries.filter((e) => e.kind === kind);
    if (mine.length === 0) continue;
    const jobId = await openJob(db, shopId, kind, meta);
    await db.$executeRaw`
      INSERT INTO "push_job_entries" ("shopId", "pushJobId", "itemId", "locationId", "channelId", "after", "ats")
      SELECT ${shopId}, ${jobId}, ${itemId}, t."locationId", t."channelId", t."after", t."ats"
      FROM unnest(${mine.map((e) => e.locationId)}::int[], ${mine.map((e) => e.channelId)}::int[], ${mine.map((e) => e.after)}::int[],
                  ${mine.map((e) => e.ats)}::int[]) AS t("locationId", "channelId", "after", "ats")`;
    jobIds.push(jobId);
  }
  return { jobIds, entries: entries.length };
}

const sameEntries = (a: PendingEntry[], b: PendingEntry[]) =>
  a.length === b.length && a.every((e, i) => e.kind === b[i].kind && e.locationId === b[i].locationId && e.after === b[i].after);

/**
 * No write of the item is in flight (an entry left after the DELETE above is locked by a freeze;
 * a sent job's live entry is on its way to Shopify), and our levels and holds still equal `base`.
 */
async function baseStillHolds(db: RawDb, shopId: number, itemId: number, base: PendingPlan["base"]): Promise<boolean> {
  const rows = await db.$queryRaw<{ busy: boolean; levels: { locationId: number; quantity: number }[]; held: { locationId: number; quantity: number }[] }[]>`
    SELECT
      EXISTS (SELECT 1 FROM push_job_entries e JOIN push_jobs j ON j.id = e."pushJobId" AND j."shopId" = e."shopId"
              WHERE e."shopId" = ${shopId} AND e."itemId" = ${itemId}
                AND (j.status = 'pending' OR (j.status = 'sent' AND e.result IS NULL AND e.before IS NOT NULL))) AS busy,
      (SELECT coalesce(json_agg(json_build_object('locationId', "locationId", 'quantity', quantity)), '[]'::json)
         FROM inventory_levels WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND name = 'available') AS levels,
      (SELECT coalesce(json_agg(json_build_object('locationId', "locationId", 'quantity', quantity)), '[]'::json)
         FROM pushed_quantities WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND name = 'reserved') AS held`;
  const r = rows[0];
  if (r.busy) return false;
  const now = knownFrom(r.levels, r.held);
  if (now.size !== base.size) return false;
  for (const [location, k] of now) {
    const b = base.get(location);
    if (!b || b.available !== k.available || b.heldByUs !== k.heldByUs) return false;
  }
  return true;
}

/** What we believe Shopify holds per location id: `available` from our levels, our holds in `reserved`. */
export function knownFrom(
  available: readonly { locationId: number; quantity: number }[],
  held: readonly { locationId: number; quantity: number }[],
): Map<string, { available: number; heldByUs: number }> {
  const known = new Map<string, { available: number; heldByUs: number }>();
  for (const l of available) known.set(String(l.locationId), { available: l.quantity, heldByUs: 0 });
  for (const h of held) {
    const k = known.get(String(h.locationId));
    if (k) k.heldByUs = h.quantity;
  }
  return known;
}

async function openJob(db: RawDb, shopId: number, kind: PushKind, meta: { actor: string; cause: string }): Promise<number> {
  const open = () => db.$queryRaw<{ id: number }[]>`
    SELECT j.id FROM push_jobs j
    WHERE j."shopId" = ${shopId} AND j.status = 'pending' AND j."quantityName" = ${kind}
    ORDER BY j.id LIMIT 1
    FOR SHARE OF j SKIP LOCKED`;
  // A job being frozen (locked FOR UPDATE) is skipped, not waited for: the entries go to a new one.
  const rows = await open();
  if (rows.length > 0) return rows[0].id;
  // None open: creating one is serialised per (shop, kind), so a burst of recomputes after a
  // freeze shares one new job instead of each making its own. Only this window waits.
  await db.$executeRaw`SELECT pg_advisory_xact_lock(${kind === "available" ? 7301 : 7302}::int, ${shopId}::int)`;
  const again = await open();
  if (again.length > 0) return again[0].id;
  return createJob(db, shopId, kind, meta);
}

/** A new job with its key and reference document; `sent` for a write its caller sends itself (createDeltaJob). */
async function createJob(db: RawDb, shopId: number, kind: PushKind | typeof DELTA_KIND, meta: { actor: string; cause: string }, sent = false): Promise<number> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO push_jobs ("shopId", status, "sentAt", "quantityName", "reason", "idempotencyKey", "actor", "cause")
    VALUES (${shopId}, ${sent ? "sent" : "pending"}::push_status, CASE WHEN ${sent}::boolean THEN now() END, ${kind}, ${kind === "reserved" ? "reservation_updated" : "correction"}, ${randomUUID()}, ${meta.actor}, ${meta.cause})
    RETURNING id`;
  const id = rows[0].id;
  await db.$executeRaw`UPDATE push_jobs SET "referenceDocumentUri" = ${`gid://ringfence/PushJob/${id}`} WHERE id = ${id} AND "shopId" = ${shopId}`;
  return id;
}

/** Who takes back, in routing's own call, what its moves return to a channel location (createDeltaJob). */
export const ROUTE_ACTOR = "worker:route";
/** quantityName of a delta write (inventoryAdjustQuantities): each entry's `after` holds its delta, `before` is null. */
export const DELTA_KIND = "available_delta";

/**
 * A delta write routing makes in the call that moves orders off a channel location, on record
 * like any push (Shopify's history points at it): created `sent`, with its key. Never resent by
 * the push service: a delta sent without the moves it undoes would take units that are there.
 */
export async function createDeltaJob(
  db: Prisma.TransactionClient,
  shopId: number,
  meta: { actor: string; cause: string },
  entries: { itemId: number; locationId: number; channelId: number | null; delta: number }[],
): Promise<number> {
  const jobId = await createJob(db, shopId, DELTA_KIND, meta, true);
  await db.$executeRaw`
    INSERT INTO "push_job_entries" ("shopId", "pushJobId", "itemId", "locationId", "channelId", "after")
    SELECT ${shopId}, ${jobId}, t."itemId", t."locationId", t."channelId", t."delta"
    FROM unnest(${entries.map((e) => e.itemId)}::int[], ${entries.map((e) => e.locationId)}::int[], ${entries.map((e) => e.channelId)}::int[],
                ${entries.map((e) => e.delta)}::int[]) AS t("itemId", "locationId", "channelId", "delta")`;
  return jobId;
}

/** Shopify's answer to a delta write: applied (the caller re-reads the levels) or refused. */
export async function recordDeltaOutcome(db: Prisma.TransactionClient, shopId: number, jobId: number, outcome: { applied: true; costPoints: number } | { applied: false; error: string }): Promise<void> {
  if (outcome.applied) {
    await db.pushJob.updateMany({ where: { id: jobId, shopId }, data: { status: "succeeded", completedAt: new Date(), costPoints: outcome.costPoints, error: null } });
    await db.pushJobEntry.updateMany({ where: { shopId, pushJobId: jobId, result: null }, data: { result: "applied" } });
  } else await recordRejected(db, shopId, jobId, "failed", outcome.error);
}

/**
 * Delta writes a route run left `sent`: it died between making them and recording Shopify's
 * answer (one route run per shop at a time, so a new run finds only those). Marked failed
 * (whether Shopify applied them is not known) and returned, so the caller re-reads their items
 * where they were written and pushes from what Shopify says.
 */
export async function orphanedDeltaJobs(db: Db, shopId: number, now = new Date()): Promise<{ itemId: number; locationId: number }[]> {
  const jobs = await db.pushJob.findMany({
    where: { shopId, status: "sent", quantityName: DELTA_KIND },
    select: { id: true, entries: { where: { shopId }, select: { itemId: true, locationId: true } } },
  });
  for (const j of jobs) {
    await db.pushJob.updateMany({ where: { id: j.id, shopId, status: "sent" }, data: { status: "failed", completedAt: now, error: "orphaned: its route job ended before Shopify's answer was recorded; the location is re-read" } });
    await db.pushJobEntry.updateMany({ where: { shopId, pushJobId: j.id, result: null }, data: { result: "failed" } });
  }
  return jobs.flatMap((j) => j.entries);
}

export function jobWithEntries(db: Db, shopId: number, jobId: number) {
  return db.pushJob.findFirst({
    where: { id: jobId, shopId },
    include: {
      entries: {
        where: { shopId },
        orderBy: { id: "asc" },
        include: { item: { select: { shopifyId: true } }, location: { select: { shopifyId: true } } },
      },
    },
  });
}

export type JobWithEntries = NonNullable<Awaited<ReturnType<typeof jobWithEntries>>>;

/** Jobs frozen by an attempt that did not finish (resent as they are), oldest first; never routing's deltas (see createDeltaJob). */
export async function inFlightJobIds(db: Db, shopId: number): Promise<number[]> {
  const rows = await db.pushJob.findMany({ where: { shopId, status: "sent", quantityName: { not: DELTA_KIND } }, select: { id: true }, orderBy: { id: "asc" } });
  return rows.map((r) => r.id);
}

/**
 * Freezes the oldest open job: locks it, fills each entry's `before` from `believed` (dropping
 * entries with nothing left to change) and marks it sent. Null when nothing is pending.
 */
export async function freezeNextJob(
  db: Prisma.TransactionClient,
  shopId: number,
  believed: (entries: { itemId: number; locationId: number }[]) => Promise<Map<string, { available: number; heldByUs: number }>>,
): Promise<number | null> {
  // Waits for recomputes holding the job FOR SHARE to commit, so no entry is added after this.
  const rows = await db.$queryRaw<{ id: number; quantityName: string; actor: string; cause: string }[]>`
    SELECT id, "quantityName", actor, cause FROM push_jobs WHERE "shopId" = ${shopId} AND status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE`;
  if (rows.length === 0) return null;
  const jobId = rows[0].id;
  // One mutation carries at most 250 quantities: what is beyond waits in a new open job.
  const extra = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM push_job_entries WHERE "shopId" = ${shopId} AND "pushJobId" = ${jobId} ORDER BY id OFFSET ${MAX_ENTRIES_PER_JOB}`;
  if (extra.length > 0) {
    const next = await createJob(db, shopId, rows[0].quantityName as PushKind, { actor: rows[0].actor, cause: rows[0].cause });
    await db.$executeRaw`UPDATE push_job_entries SET "pushJobId" = ${next} WHERE "shopId" = ${shopId} AND id = ANY(${extra.map((e) => e.id)}::int[])`;
  }
  const job = await db.pushJob.findFirstOrThrow({ where: { id: jobId, shopId }, include: { entries: { where: { shopId } } } });
  const known = await believed(job.entries);
  const ids: number[] = [];
  const befores: (number | null)[] = [];
  const afters: number[] = [];
  const results: (string | null)[] = [];
  let live = 0;
  for (const e of job.entries) {
    const k = known.get(levelKey(e.itemId, e.locationId));
    const before: number | null = k ? k.available : null;
    let after = e.after;
    if (k && job.quantityName === "reserved") {
      // Releases are bounded by what we hold; the entry records the available we will reach.
      const diff = k.available - e.after;
      after = diff >= 0 ? e.after : k.available + Math.min(-diff, k.heldByUs);
    }
    const skip = before === null ? "skipped: not stocked" : before === after ? "skipped: already there" : null;
    if (!skip) live++;
    ids.push(e.id);
    befores.push(before);
    afters.push(after);
    results.push(skip);
  }
  if (ids.length > 0) {
    await db.$executeRaw`
      UPDATE "push_job_entries" AS e SET "before" = t."before", "after" = t."after", "result" = t."result"
      FROM unnest(${ids}::int[], ${befores}::int[], ${afters}::int[], ${results}::text[]) AS t("id", "before", "after", "result")
      WHERE e."id" = t."id" AND e."shopId" = ${shopId}`;
  }
  await db.pushJob.update({
    where: { id: jobId },
    data: live > 0 ? { status: "sent", sentAt: new Date() } : { status: "succeeded", sentAt: new Date(), completedAt: new Date() },
  });
  return jobId;
}

export const levelKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

/** What we believe Shopify holds: `available` from our levels, our holds from pushed quantities. */
export async function believedLevels(db: Db, shopId: number, pairs: { itemId: number; locationId: number }[]) {
  const itemIds = [...new Set(pairs.map((p) => p.itemId))];
  const [levels, held] = await Promise.all([
    db.inventoryLevel.findMany({ where: { shopId, itemId: { in: itemIds }, name: "available" } }),
    db.pushedQuantity.findMany({ where: { shopId, itemId: { in: itemIds }, name: "reserved" } }),
  ]);
  const out = new Map<string, { available: number; heldByUs: number }>();
  for (const l of levels) out.set(levelKey(l.itemId, l.locationId), { available: l.quantity, heldByUs: 0 });
  for (const h of held) {
    const k = out.get(levelKey(h.itemId, h.locationId));
    if (k) k.heldByUs = h.quantity;
  }
  return out;
}

/** Counts one send of the job (before it goes out, so a crash mid-call is still counted). */
export async function markAttempt(db: Db, shopId: number, jobId: number): Promise<void> {
  await db.pushJob.updateMany({ where: { id: jobId, shopId }, data: { attempts: { increment: 1 } } });
}

/** The job stays `sent` (its retry resends the same input and key); the error is visible. */
export async function recordRetryableError(db: Db, shopId: number, jobId: number, error: string): Promise<void> {
  await db.pushJob.updateMany({ where: { id: jobId, shopId }, data: { error } });
}

/**
 * A job Shopify applied: the job and its entries say so, our levels and pushed quantities take
 * the values written (so the echo webhook is recognised as ours), all in one transaction.
 */
export async function recordApplied(
  db: Prisma.TransactionClient,
  job: JobWithEntries,
  opts: { costPoints: number; at: Date; shopifyAt: Date | null },
): Promise<void> {
  const shopId = job.shopId;
  const live = job.entries.filter((e) => e.result === null && e.before !== null);
  await db.pushJob.update({ where: { id: job.id }, data: { status: "succeeded", completedAt: opts.at, costPoints: opts.costPoints, error: null } });
  await db.pushJobEntry.updateMany({ where: { shopId, pushJobId: job.id, result: null, before: { not: null } }, data: { result: "applied" } });
  const stamp = opts.shopifyAt ?? opts.at;
  const levels: LevelWrite[] = live.map((e) => ({ itemId: e.itemId, locationId: e.locationId, name: "available", quantity: e.after, at: stamp }));
  const pushed: PushedWrite[] = live.map((e) => ({ itemId: e.itemId, locationId: e.locationId, name: "available", quantity: e.after, lastAts: e.ats }));
  if (job.quantityName === "reserved") {
    const itemIds = [...new Set(live.map((e) => e.itemId))];
    const [held, reserved] = await Promise.all([
      db.pushedQuantity.findMany({ where: { shopId, itemId: { in: itemIds }, name: "reserved" } }),
      db.inventoryLevel.findMany({ where: { shopId, itemId: { in: itemIds }, name: "reserved" } }),
    ]);
    for (const e of live) {
      const moved = e.before! - e.after;
      const h = held.find((x) => x.itemId === e.itemId && x.locationId === e.locationId)?.quantity ?? 0;
      const r = reserved.find((x) => x.itemId === e.itemId && x.locationId === e.locationId)?.quantity ?? 0;
      pushed.push({ itemId: e.itemId, locationId: e.locationId, name: "reserved", quantity: h + moved, lastAts: e.ats });
      levels.push({ itemId: e.itemId, locationId: e.locationId, name: "reserved", quantity: r + moved, at: stamp });
    }
  }
  await setLevels(db, shopId, levels);
  await upsertPushed(db, shopId, pushed, job.id, opts.at);
}

export async function recordRejected(db: Prisma.TransactionClient, shopId: number, jobId: number, status: "stale" | "failed", error: string): Promise<void> {
  await db.pushJob.updateMany({ where: { id: jobId, shopId }, data: { status, error, completedAt: new Date() } });
  await db.pushJobEntry.updateMany({ where: { shopId, pushJobId: jobId, result: null }, data: { result: status } });
}

export interface LevelWrite {
  itemId: number;
  locationId: number;
  name: string;
  quantity: number;
  at: Date;
}

/**
 * Writes many levels in one statement, each unless a newer Shopify state (a later webhook) is
 * already recorded for it. Returns how many rows were written.
 *
 * Rows are written (and so locked) in the order a webhook lane batch locks levels: by the item's
 * Shopify id, then the location's, then the name (inbox-lanes.ts `lockKey`). In the order given
 * (a read's), a route run's re-read locked one level, waited for a lane batch holding the next,
 * while that batch waited for the first: PostgreSQL broke the deadlock by failing the route run,
 * whose retry waited seconds of backoff. The joins keep the rows to the shop's own items and
 * locations.
 */
export async function setLevels(db: Db, shopId: number, rows: LevelWrite[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    // timestamp(3) columns hold UTC wall time (Prisma's convention): send it without a zone.
    const at = chunk.map((r) => r.at.toISOString().replace("Z", ""));
    written += await db.$executeRaw`
      INSERT INTO "inventory_levels" ("shopId", "itemId", "locationId", "name", "quantity", "shopifyUpdatedAt", "updatedAt")
      SELECT ${shopId}, t."itemId", t."locationId", t."name", t."quantity", t."at", now()
      FROM unnest(${chunk.map((r) => r.itemId)}::int[], ${chunk.map((r) => r.locationId)}::int[], ${chunk.map((r) => r.name)}::text[],
                  ${chunk.map((r) => r.quantity)}::int[], ${at}::timestamp(3)[]) AS t("itemId", "locationId", "name", "quantity", "at")
      JOIN "inventory_items" i ON i.id = t."itemId" AND i."shopId" = ${shopId}
      JOIN "locations" l ON l.id = t."locationId" AND l."shopId" = ${shopId}
      ORDER BY i."shopifyId", l."shopifyId", t."name"
      ON CONFLICT ("shopId", "itemId", "locationId", "name") DO UPDATE
        SET "quantity" = EXCLUDED."quantity", "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "updatedAt" = now()
        WHERE "inventory_levels"."shopifyUpdatedAt" IS NULL OR "inventory_levels"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"`;
  }
  return written;
}

interface PushedWrite {
  itemId: number;
  locationId: number;
  name: string;
  quantity: number;
  lastAts: number | null;
}

async function upsertPushed(db: Prisma.TransactionClient, shopId: number, rows: PushedWrite[], pushJobId: number, at: Date) {
  if (rows.length === 0) return;
  const when = at.toISOString().replace("Z", "");
  await db.$executeRaw`
    INSERT INTO "pushed_quantities" ("shopId", "itemId", "locationId", "name", "quantity", "lastAts", "pushedAt", "pushJobId")
    SELECT ${shopId}, t."itemId", t."locationId", t."name", t."quantity", t."lastAts", ${when}::timestamp(3), ${pushJobId}
    FROM unnest(${rows.map((r) => r.itemId)}::int[], ${rows.map((r) => r.locationId)}::int[], ${rows.map((r) => r.name)}::text[],
                ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.lastAts)}::int[]) AS t("itemId", "locationId", "name", "quantity", "lastAts")
    ON CONFLICT ("shopId", "itemId", "locationId", "name") DO UPDATE
      SET "quantity" = EXCLUDED."quantity", "lastAts" = EXCLUDED."lastAts", "pushedAt" = EXCLUDED."pushedAt", "pushJobId" = EXCLUDED."pushJobId"`;
}

export function pendingPushCount(db: Db, shopId: number): Promise<number> {
  return db.pushJob.count({ where: { shopId, status: { in: ["pending", "sent"] } } });
}

