import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";

/**
 * First authenticated visit or token exchange (shopify.server.ts afterAuth): the Shop row, and
 * an initial sync unless one already finished. Safe to call on every visit.
 */
export async function installShop(
  deps: { prisma: PrismaClient; producer: Pick<Producer, "enqueue" | "queue"> },
  domain: string,
  opts: { scopes?: string | null } = {},
): Promise<{ shopId: number; syncEnqueued: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)) throw new Error(`shop: not a myshopify.com domain: ${JSON.stringify(domain)}`);
  const shop = await deps.prisma.shop.upsert({
    where: { domain },
    create: { domain, scopes: opts.scopes ?? null },
    update: { installState: "installed", uninstalledAt: null, ...(opts.scopes ? { scopes: opts.scopes } : {}) },
  });
  const needsSync = shop.syncStatus === "pending" || shop.syncStatus === "failed";
  if (needsSync) await deps.producer.enqueue("sync", { shopId: shop.id, mode: "initial" });
  await scheduleReconciliation(deps.producer, shop.id);
  return { shopId: shop.id, syncEnqueued: needsSync };
}

/** Nightly reconciliation per shop (03:00 UTC plus a per-shop offset so shops do not all start at once). */
export async function scheduleReconciliation(producer: Pick<Producer, "queue">, shopId: number): Promise<void> {
  const minute = shopId % 60;
  await producer.queue("reconcile").upsertJobScheduler(
    `reconcile-nightly-${shopId}`,
    { pattern: `${minute} 3 * * *`, tz: "UTC" },
    { name: "reconcile-shop", data: { shopId }, opts: { attempts: 3, backoff: { type: "exponential", delay: 60_000 } } },
  );
}
