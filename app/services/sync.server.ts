import type { PrismaClient } from "@prisma/client";
import type { Producer } from "../jobs/producer.server";
import { createLogger, type Logger } from "../lib/logger";
import { upsertItems, upsertProducts, upsertVariants } from "../models/catalog-import.server";
import { setLevels, type LevelWrite } from "../models/pushes.server";
import type { AdminClient } from "../shopify/client";
import { ShopifyUserError } from "../shopify/errors";
import { bulkOperationRunQuery, CATALOGUE_QUERY } from "../shopify/operations/bulk-operation-run-query";
import { currentBulkOperation, type BulkOperationStatus } from "../shopify/operations/current-bulk-operation";
import { READ_NAMES } from "../shopify/operations/inventory-quantities";
import { readLocations } from "../shopify/operations/locations";
import { adminForShop } from "../shopify/transport.server";
import { enqueueRecomputeWith, enqueueRequested, recordRecomputeRequests } from "./recompute-outbox.server";

/**
 * Initial (and full) sync: locations by paging, then catalogue and stock by one bulk query whose
 * JSONL is parsed without relying on line order (children name their parent by `__parentId`).
 * Progress (objects imported / total / status) lives on the shop row for the admin's progress
 * bar. Completion is found by polling `currentBulkOperation`; a `bulk_operations/finish`
 * webhook only needs to enqueue the (deduplicated) sync again to resume it.
 */

export interface SyncDeps {
  prisma: PrismaClient;
  adminFor?: (shop: string) => AdminClient;
  producer?: Pick<Producer, "enqueue">;
  log?: Logger;
  pollMs?: number;
  /** Gives up waiting for the bulk operation after this long (the job retries and resumes it). */
  timeoutMs?: number;
  fetchJsonl?: (url: string) => Promise<string>;
}

export interface CatalogueRow {
  variantId: string;
  sku: string | null;
  title: string | null;
  product: {
    id: string;
    title: string;
    vendor: string | null;
    productType: string | null;
    status: string | null;
    tags: string[];
    updatedAt: string | null;
    /** Collection handles (exposure rules can target a collection). */
    collections: string[];
  };
  item: { id: string; tracked: boolean };
  levels: { locationId: string; updatedAt: string | null; quantities: Record<string, number> }[];
}

const numeric = (gid: string) => BigInt(gid.replace(/^.*\//, "").replace(/\?.*$/, ""));

/**
 * Pure: JSONL of CATALOGUE_QUERY → one row per variant with its levels. Lines may come in any
 * order; a level whose parent never appears is reported, not dropped silently.
 */
export function parseCatalogueJsonl(jsonl: string): { rows: CatalogueRow[]; orphans: number; objects: number } {
  const variants = new Map<string, CatalogueRow>();
  const children: { parent: string; node: Record<string, unknown> }[] = [];
  let objects = 0;
  const lines = jsonl.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let node: Record<string, unknown>;
    try {
      node = JSON.parse(line);
    } catch {
      throw new Error(`bulk JSONL line ${i + 1}: not JSON`);
    }
    objects++;
    if (typeof node.__parentId === "string") {
      children.push({ parent: node.__parentId, node });
      return;
    }
    const p = (node.product ?? {}) as Record<string, unknown>;
    const item = (node.inventoryItem ?? null) as Record<string, unknown> | null;
    if (typeof node.id !== "string" || !item || typeof item.id !== "string") throw new Error(`bulk JSONL line ${i + 1}: a variant needs id and inventoryItem.id`);
    variants.set(node.id, {
      variantId: node.id,
      sku: (node.sku as string | null) || null,
      title: (node.title as string | null) ?? null,
      product: {
        id: String(p.id),
        title: String(p.title ?? ""),
        vendor: (p.vendor as string | null) || null,
        productType: (p.productType as string | null) || null,
        // GraphQL's ProductStatus (ACTIVE) in the form products/update sends (active): otherwise the
        // first webhook of every product after a sync looks like an edit and recomputes its items.
        status: typeof p.status === "string" ? p.status.toLowerCase() : null,
        tags: Array.isArray(p.tags) ? (p.tags as string[]) : [],
        updatedAt: (p.updatedAt as string | null) ?? null,
        collections: [],
      },
      item: { id: item.id, tracked: item.tracked !== false },
      levels: [],
    });
  });
  const byItem = new Map([...variants.values()].map((v) => [v.item.id, v]));
  const byProduct = new Map<string, CatalogueRow[]>();
  for (const v of variants.values()) byProduct.set(v.product.id, [...(byProduct.get(v.product.id) ?? []), v]);
  let orphans = 0;
  for (const { parent, node } of children) {
    const owner = variants.get(parent) ?? byItem.get(parent);
    if (typeof node.handle === "string") {
      // A collection row names its variant's row or, as the connection's owner, the product.
      const owners = owner ? [owner] : (byProduct.get(parent) ?? []);
      for (const o of owners) if (!o.product.collections.includes(node.handle)) o.product.collections.push(node.handle);
      if (owners.length === 0) orphans++;
      continue;
    }
    const loc = (node.location ?? null) as { id?: string } | null;
    if (!owner || !loc?.id) {
      orphans++;
      continue;
    }
    const quantities: Record<string, number> = {};
    for (const q of (node.quantities ?? []) as { name: string; quantity: number }[]) quantities[q.name] = q.quantity;
    owner.levels.push({ locationId: loc.id, updatedAt: (node.updatedAt as string | null) ?? null, quantities });
  }
  return { rows: [...variants.values()], orphans, objects };
}

export async function syncShop(
  deps: SyncDeps,
  shopId: number,
  mode: "initial" | "full" = "initial",
  opts: { requestedAt?: Date } = {},
): Promise<{ objects: number; items: number; locations: number; skipped?: string }> {
  const { prisma } = deps;
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  // A request made while a sync was running (e.g. by bulk_operations/finish) is satisfied by it.
  if (opts.requestedAt && shop.syncStatus === "done" && shop.syncFinishedAt && shop.syncFinishedAt >= opts.requestedAt) {
    return { objects: 0, items: 0, locations: 0, skipped: "a sync finished after this one was requested" };
  }
  // A follow-up queued by bulk_operations/finish while the initial sync was still polling: the
  // sync it was meant to resume has finished, and starting another would queue yet another.
  if (mode === "initial" && shop.syncStatus === "done") return { objects: 0, items: 0, locations: 0 };
  const client = (deps.adminFor ?? ((d) => adminForShop(prisma, d)))(shop.domain);
  await prisma.shop.update({
    where: { id: shopId },
    data: { syncStatus: "running", syncStartedAt: new Date(), syncFinishedAt: null, syncError: null, syncObjectsImported: 0, syncObjectsTotal: null },
  });
  try {
    const locations = await importLocations(prisma, shopId, client);
    await ensureDefaultChannel(prisma, shopId);
    const jsonl = await runCatalogueBulk(deps, shopId, client, shop.syncBulkOperationId);
    const { rows, orphans, objects } = parseCatalogueJsonl(jsonl);
    if (orphans > 0) deps.log?.warn("bulk rows without a parent", { shopId, orphans });
    await prisma.shop.update({ where: { id: shopId }, data: { syncObjectsTotal: objects + locations } });
    const itemIds = await importCatalogue(prisma, shopId, rows, locations);
    // Recorded before the sync counts as done: a crash here re-runs the sync, which records them again.
    await recordRecomputeRequests(prisma, shopId, itemIds);
    await prisma.shop.update({
      where: { id: shopId },
      data: { syncStatus: "done", syncFinishedAt: new Date(), syncObjectsImported: objects + locations, syncBulkOperationId: null },
    });
    if (deps.producer) await enqueueRequested(enqueueRecomputeWith(deps.producer), shopId, itemIds, deps.log ?? createLogger("error"));
    deps.log?.info("sync done", { shopId, mode, objects, items: itemIds.length });
    return { objects, items: itemIds.length, locations };
  } catch (error) {
    await prisma.shop.update({ where: { id: shopId }, data: { syncStatus: "failed", syncError: (error as Error).message.slice(0, 1000) } });
    throw error;
  }
}

async function importLocations(prisma: PrismaClient, shopId: number, client: AdminClient): Promise<number> {
  const locations = await readLocations(client);
  for (const l of locations) {
    const shopifyId = numeric(l.id);
    await prisma.location.upsert({
      where: { shopId_shopifyId: { shopId, shopifyId } },
      create: { shopId, shopifyId, name: l.name, isActive: l.isActive, fulfillsOnlineOrders: l.fulfillsOnlineOrders, isFulfillmentService: l.isFulfillmentService },
      update: { name: l.name, isActive: l.isActive, fulfillsOnlineOrders: l.fulfillsOnlineOrders, isFulfillmentService: l.isFulfillmentService, deletedAt: null },
    });
  }
  await prisma.shop.update({ where: { id: shopId }, data: { syncObjectsImported: locations.length } });
  return locations.length;
}

/**
 * Until the merchant configures channels: one shared "Online Store" (source web) on the
 * locations that fulfil online orders, published in place at 100%, so ATS = available and the
 * shop's numbers stay as they are.
 */
export async function ensureDefaultChannel(prisma: PrismaClient, shopId: number): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.channel.count({ where: { shopId } });
    if (existing > 0) return false;
    const facilities = await tx.location.findMany({
      where: { shopId, role: "facility", isActive: true, fulfillsOnlineOrders: true, deletedAt: null },
      orderBy: { id: "asc" },
    });
    await tx.channel.create({
      data: {
        shopId,
        key: "online-store",
        name: "Online Store",
        mode: "shared",
        percent: 100,
        publishKind: "in_place",
        matchSourceNames: ["web"],
        facilities: { create: facilities.map((l, position) => ({ shopId, locationId: l.id, position })) },
      },
    });
    return true;
  });
}

async function runCatalogueBulk(deps: SyncDeps, shopId: number, client: AdminClient, resumeId: string | null): Promise<string> {
  const { prisma } = deps;
  return runBulkQuery(client, CATALOGUE_QUERY, {
    what: "sync",
    resumeId,
    pollMs: deps.pollMs,
    timeoutMs: deps.timeoutMs,
    fetchJsonl: deps.fetchJsonl,
    onStarted: async (id) => {
      await prisma.shop.update({ where: { id: shopId }, data: { syncBulkOperationId: id } });
    },
    onProgress: async (op) => {
      await prisma.shop.update({ where: { id: shopId }, data: { syncObjectsTotal: Number(op.objectCount) || null } });
    },
    onGone: async () => {
      await prisma.shop.update({ where: { id: shopId }, data: { syncBulkOperationId: null } });
    },
  });
}

/**
 * Runs (or resumes) a bulk query and returns its JSONL: start it, poll `currentBulkOperation`
 * until it completes, download the file. Only one bulk query runs per shop and app: when another
 * of ours is running, this fails so the job retries later.
 */
export async function runBulkQuery(
  client: AdminClient,
  query: string,
  opts: {
    what: string;
    resumeId?: string | null;
    pollMs?: number;
    timeoutMs?: number;
    fetchJsonl?: (url: string) => Promise<string>;
    onStarted?: (id: string) => Promise<void>;
    onProgress?: (op: BulkOperationStatus) => Promise<void>;
    onGone?: () => Promise<void>;
  },
): Promise<string> {
  let resumeId = opts.resumeId ?? null;
  let op: BulkOperationStatus | null = resumeId ? await currentBulkOperation(client) : null;
  if (!op || op.id !== resumeId || ["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
    try {
      const started = await bulkOperationRunQuery(client, query);
      await opts.onStarted?.(started.id);
      resumeId = started.id;
    } catch (error) {
      if (error instanceof ShopifyUserError && /in progress/i.test(error.message)) {
        throw new Error(`${opts.what}: another bulk operation is running for ${client.shop}; will retry`);
      }
      throw error;
    }
  }
  const started = Date.now();
  const pollMs = opts.pollMs ?? 1_000;
  for (;;) {
    op = await currentBulkOperation(client);
    if (!op || op.id !== resumeId) throw new Error(`${opts.what}: bulk operation ${resumeId} is no longer the current one`);
    await opts.onProgress?.(op);
    if (op.status === "COMPLETED") break;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
      await opts.onGone?.();
      throw new Error(`${opts.what}: bulk operation ${op.id} ${op.status}${op.errorCode ? ` (${op.errorCode})` : ""}`);
    }
    if (Date.now() - started > (opts.timeoutMs ?? 10 * 60_000)) throw new Error(`${opts.what}: bulk operation ${op.id} still ${op.status}; will resume`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if (!op.url) return ""; // nothing matched: Shopify gives no file
  const fetchJsonl =
    opts.fetchJsonl ??
    (async (url: string) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${opts.what}: downloading the bulk result failed with HTTP ${res.status}`);
      return res.text();
    });
  return fetchJsonl(op.url);
}

async function importCatalogue(prisma: PrismaClient, shopId: number, rows: CatalogueRow[], already: number): Promise<number[]> {
  const locations = await prisma.location.findMany({ where: { shopId }, select: { id: true, shopifyId: true } });
  const locBy = new Map(locations.map((l) => [l.shopifyId, l.id]));
  const itemIds: number[] = [];
  let imported = already;
  const CHUNK = 1_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await prisma.$transaction(
      async (tx) => {
        const products = await upsertProducts(
          tx,
          shopId,
          chunk.map((r) => ({
            shopifyId: numeric(r.product.id),
            title: r.product.title,
            vendor: r.product.vendor,
            productType: r.product.productType,
            status: r.product.status,
            tags: r.product.tags,
            collections: r.product.collections,
            updatedAt: r.product.updatedAt,
          })),
        );
        const variants = await upsertVariants(
          tx,
          shopId,
          chunk.map((r) => ({ shopifyId: numeric(r.variantId), productShopifyId: numeric(r.product.id), title: r.title, sku: r.sku })),
          products,
        );
        const items = await upsertItems(
          tx,
          shopId,
          chunk.map((r) => ({ shopifyId: numeric(r.item.id), variantShopifyId: numeric(r.variantId), sku: r.sku, tracked: r.item.tracked })),
          variants,
        );
        const levels: LevelWrite[] = [];
        for (const r of chunk) {
          const itemId = items.get(numeric(r.item.id));
          if (itemId === undefined) continue;
          itemIds.push(itemId);
          for (const l of r.levels) {
            const locationId = locBy.get(numeric(l.locationId));
            if (locationId === undefined) continue;
            const at = l.updatedAt ? new Date(l.updatedAt) : new Date();
            for (const name of READ_NAMES) {
              if (l.quantities[name] !== undefined) levels.push({ itemId, locationId, name, quantity: l.quantities[name], at });
            }
          }
          imported += 1 + r.levels.length;
        }
        await setLevels(tx, shopId, levels);
        await tx.shop.update({ where: { id: shopId }, data: { syncObjectsImported: imported } });
      },
      { timeout: 120_000 },
    );
  }
  return [...new Set(itemIds)];
}
