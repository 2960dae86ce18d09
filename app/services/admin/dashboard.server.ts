import { enqueueRecomputeWith, recordRecomputeRequests } from "../recompute-outbox.server";
import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../../jobs/producer.server";
import type { QueueDepth, QueueDepthReader } from "./queue-depth.server";

/**
 * The dashboard's read model for one shop: channels running low or holding spare capacity (from
 * the availability snapshots the workers keep), double exposure, sync health and the pushes that
 * wait for a retry. Every query is filtered by the shop id.
 */

/** A channel × item is "low" when its ATS is at most this (and above zero). */
export const LOW_ATS = 5;

export interface ChannelHealth {
  id: number;
  key: string;
  name: string;
  mode: "shared" | "ringfenced";
  items: number;
  outOfStock: number;
  low: number;
  ats: number;
  atp: number;
  /** Σ max(0, ATP − ATS): units the channel could promise but does not offer for sale. */
  spare: number;
}

export interface DoubleExposedItem {
  itemId: number;
  sku: string | null;
  title: string;
  productShopifyId: string | null;
  units: number;
}

export interface PushProblem {
  id: number;
  status: "sent" | "failed";
  error: string | null;
  attempts: number;
  createdAt: string;
  quantities: number;
  skus: string[];
}

export interface Dashboard {
  lowThreshold: number;
  channels: ChannelHealth[];
  doubleExposure: { items: number; units: number; top: DoubleExposedItem[] };
  pushes: { lastPushAt: string | null; pending: number; waitingRetry: PushProblem[]; failed: PushProblem[] };
  /** Depth of each queue (all shops share the workers); null with the reason when Redis cannot be asked. */
  queues: QueueDepth[] | null;
  queueError: string | null;
}

const FAILED_SHOWN_MS = 7 * 24 * 60 * 60 * 1000;

const toNumber = (v: unknown) => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : Number(v ?? 0));

export async function channelHealth(prisma: PrismaClient, shopId: number): Promise<ChannelHealth[]> {
  const channels = await prisma.channel.findMany({
    where: { shopId, archivedAt: null },
    select: { id: true, key: true, name: true, mode: true },
    orderBy: [{ priority: "asc" }, { key: "asc" }],
  });
  const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
    SELECT "channelId",
           count(*) AS items,
           count(*) FILTER (WHERE ats = 0) AS out,
           count(*) FILTER (WHERE ats > 0 AND ats <= ${LOW_ATS}) AS low,
           coalesce(sum(ats), 0) AS ats,
           coalesce(sum(atp), 0) AS atp,
           coalesce(sum(GREATEST(atp - ats, 0)), 0) AS spare
    FROM availability_snapshots
    WHERE "shopId" = ${shopId}
    GROUP BY "channelId"`;
  const byChannel = new Map(rows.map((r) => [toNumber(r.channelId), r]));
  return channels.map((c) => {
    const r = byChannel.get(c.id);
    return {
      ...c,
      items: toNumber(r?.items),
      outOfStock: toNumber(r?.out),
      low: toNumber(r?.low),
      ats: toNumber(r?.ats),
      atp: toNumber(r?.atp),
      spare: toNumber(r?.spare),
    };
  });
}

export async function doubleExposure(prisma: PrismaClient, shopId: number, limit = 10): Promise<Dashboard["doubleExposure"]> {
  // The engine reports double exposure per item (the same figure on every channel's snapshot).
  const rows = await prisma.$queryRaw<Array<{ itemId: number; units: unknown }>>`
    SELECT "itemId", max((breakdown->>'doubleExposed')::numeric) AS units
    FROM availability_snapshots
    WHERE "shopId" = ${shopId} AND jsonb_typeof(breakdown->'doubleExposed') = 'number'
    GROUP BY "itemId"
    HAVING max((breakdown->>'doubleExposed')::numeric) > 0
    ORDER BY units DESC, "itemId" ASC`;
  const top = rows.slice(0, limit);
  const items = await prisma.inventoryItem.findMany({
    where: { shopId, id: { in: top.map((r) => r.itemId) } },
    select: { id: true, sku: true, variant: { select: { title: true, product: { select: { title: true, shopifyId: true } } } } },
  });
  const byId = new Map(items.map((i) => [i.id, i]));
  return {
    items: rows.length,
    units: rows.reduce((s, r) => s + Math.round(toNumber(r.units)), 0),
    top: top.map((r) => {
      const i = byId.get(r.itemId);
      const product = i?.variant?.product;
      return {
        itemId: r.itemId,
        sku: i?.sku ?? null,
        title: product ? [product.title, i?.variant?.title].filter(Boolean).join(" / ") : (i?.sku ?? "Deleted item"),
        productShopifyId: product ? product.shopifyId.toString() : null,
        units: Math.round(toNumber(r.units)),
      };
    }),
  };
}

export async function pushHealth(prisma: PrismaClient, shopId: number): Promise<Dashboard["pushes"]> {
  const [last, pending, problems] = await Promise.all([
    prisma.pushJob.findFirst({ where: { shopId, status: "succeeded", completedAt: { not: null } }, orderBy: { completedAt: "desc" }, select: { completedAt: true } }),
    prisma.pushJob.count({ where: { shopId, status: { in: ["pending", "sent"] } } }),
    prisma.pushJob.findMany({
      // Failed jobs stay listed for a week: a retry plans new jobs and leaves the refused one as it was.
      where: { shopId, OR: [{ status: "sent", error: { not: null } }, { status: "failed", createdAt: { gte: new Date(Date.now() - FAILED_SHOWN_MS) } }] },
      orderBy: { id: "desc" },
      take: 50,
      include: { entries: { where: { shopId }, select: { item: { select: { sku: true } } } } },
    }),
  ]);
  const view = (j: (typeof problems)[number]): PushProblem => ({
    id: j.id,
    status: j.status as "sent" | "failed",
    error: j.error,
    attempts: j.attempts,
    createdAt: j.createdAt.toISOString(),
    quantities: j.entries.length,
    skus: [...new Set(j.entries.map((e) => e.item.sku ?? "(no SKU)"))].slice(0, 5),
  });
  return {
    lastPushAt: last?.completedAt?.toISOString() ?? null,
    pending,
    waitingRetry: problems.filter((j) => j.status === "sent").map(view),
    failed: problems.filter((j) => j.status === "failed").map(view),
  };
}

export async function loadDashboard(prisma: PrismaClient, shopId: number, readQueues: QueueDepthReader): Promise<Dashboard> {
  const [channels, exposure, pushes] = await Promise.all([channelHealth(prisma, shopId), doubleExposure(prisma, shopId), pushHealth(prisma, shopId)]);
  let queues: QueueDepth[] | null = null;
  let queueError: string | null = null;
  try {
    queues = await readQueues();
  } catch (error) {
    queueError = (error as Error).message;
  }
  return { lowThreshold: LOW_ATS, channels, doubleExposure: exposure, pushes, queues, queueError };
}

/**
 * "Retry" on a push that waits or gave up. A job still `sent` is resent as it is (same input,
 * same idempotency key) by the next push run; a failed one is not resent (its input was refused):
 * its items are recomputed, which plans fresh writes from current numbers, then pushed.
 */
export async function retryPush(
  prisma: PrismaClient,
  shopId: number,
  jobId: number,
  producer: Pick<Producer, "enqueue">,
): Promise<{ found: false } | { found: true; action: "resend" | "recompute"; items: number }> {
  const job = await prisma.pushJob.findFirst({
    where: { id: jobId, shopId, status: { in: ["sent", "failed"] } },
    include: { entries: { where: { shopId }, select: { itemId: true } } },
  });
  if (!job) return { found: false };
  if (job.status === "sent") {
    await producer.enqueue("push", { shopId });
    return { found: true, action: "resend", items: new Set(job.entries.map((e) => e.itemId)).size };
  }
  const items = [...new Set(job.entries.map((e) => e.itemId))];
  await recordRecomputeRequests(prisma, shopId, items);
  await enqueueRecomputeWith(producer)(shopId, items);
  return { found: true, action: "recompute", items: items.length };
}
