import { Prisma } from "@prisma/client";
import type { RawDb } from "../raw-db.server";
import { networkVersionSql } from "./network.server";

/**
 * What one item's evaluation reads and writes: its stock, open order lines, holdbacks, open
 * purchase-order lines, pre-order allocations and pools; then its availability snapshots,
 * ATS history and pools. Every query is scoped by shopId.
 */

/**
 * Everything one evaluation reads, in ONE round trip (this runs on every order: the per-query
 * overhead of seven ORM queries was most of a recompute's time): the item's inputs (null if no
 * such item), its recompute request as of this read (the outbox settles what the read saw), and
 * the shop's configuration version (the compiled network is cached by it).
 */
export async function loadItem(
  db: RawDb,
  shopId: number,
  itemId: number,
): Promise<{ inputs: ItemInputs | null; requestedAt: Date | null; networkVersion: string; soldSincePools: { since: Date; sold: Map<number, number> } | null }> {
  const rebalancedSince = Prisma.sql`(SELECT min("rebalancedAt") FROM ringfence_pools WHERE "shopId" = ${shopId} AND "itemId" = ${itemId})`;
  const rows = await db.$queryRaw<(RawInputs & { requestedAt: Date | null; networkVersion: string; soldSincePools: { since: string | null; sold: { channelId: number; sold: number }[] } })[]>`
    SELECT
      (SELECT "requestedAt" FROM recompute_requests WHERE "shopId" = ${shopId} AND "itemId" = ${itemId}) AS "requestedAt",
      ${networkVersionSql(shopId)} AS "networkVersion",
      (SELECT row_to_json(x) FROM (
         SELECT i.id, i.sku, i.tracked, i."deletedAt", v.sku AS "variantSku", p."shopifyId"::text AS "productShopifyId",
                p.vendor, p.tags, p.collections
         FROM inventory_items i
         LEFT JOIN variants v ON v.id = i."variantId" AND v."shopId" = i."shopId"
         LEFT JOIN products p ON p.id = v."productId" AND p."shopId" = i."shopId"
         WHERE i.id = ${itemId} AND i."shopId" = ${shopId}) x) AS item,
      (SELECT coalesce(json_agg(json_build_object('locationId', "locationId", 'name', name, 'quantity', quantity,
                -- Stored after the item's last order-line change: a reading that already reflects every order we know.
                'afterLines', "updatedAt" >= (SELECT coalesce(max(ol."updatedAt"), '-infinity') FROM order_lines ol
                                              WHERE ol."shopId" = ${shopId} AND ol."itemId" = ${itemId}))), '[]'::json)
         FROM inventory_levels WHERE "shopId" = ${shopId} AND "itemId" = ${itemId}) AS levels,
      -- Open lines summed per channel, location and due date: the engine only ever adds up
      -- reservations that share those, and a flash sale leaves hundreds of open lines on a hot
      -- variant. Pre-orders stay one row a line (each is placed in its own turn for inbound stock).
      (SELECT coalesce(json_agg(g), '[]'::json) FROM (
         SELECT min(l.id) AS id, sum(l."openQuantity")::int AS "openQuantity", l."assignedLocationId",
                coalesce(l."dueDate", CASE WHEN NOT (l."preOrder" OR o."preOrder") THEN o."shipBy" END) AS "dueDate",
                (l."preOrder" OR o."preOrder") AS "preOrder", o."channelId", NULL::timestamp(3) AS "shipBy",
                min(o."shopifyCreatedAt") AS "shopifyCreatedAt", false AS "orderPreOrder"
         FROM order_lines l JOIN orders o ON o.id = l."orderId" AND o."shopId" = l."shopId"
         WHERE l."shopId" = ${shopId} AND l."itemId" = ${itemId} AND l."openQuantity" > 0
           AND o."cancelledAt" IS NULL AND NOT o.closed AND NOT o.test
         GROUP BY o."channelId", l."assignedLocationId", 4, 5, CASE WHEN l."preOrder" OR o."preOrder" THEN l.id END
         ORDER BY 1) g) AS lines,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'channelId', "channelId", 'locationId', "locationId", 'quantity', quantity,
                'from', "from", 'until', "until")), '[]'::json)
         FROM holdbacks WHERE "shopId" = ${shopId} AND "itemId" = ${itemId}) AS holdbacks,
      (SELECT coalesce(json_agg(json_build_object('id', l.id, 'quantityOrdered', l."quantityOrdered", 'quantityReceived', l."quantityReceived",
                'etaOverride', l."etaOverride", 'destinationLocationId', po."destinationLocationId", 'eta', po.eta, 'supplierId', po."supplierId")), '[]'::json)
         FROM purchase_order_lines l JOIN purchase_orders po ON po.id = l."purchaseOrderId" AND po."shopId" = l."shopId"
         WHERE l."shopId" = ${shopId} AND l."itemId" = ${itemId} AND po.status IN ('open', 'partially_received')) AS "poLines",
      (SELECT coalesce(json_agg(json_build_object('channelId', "channelId", 'quantity', quantity, 'entitlement', entitlement,
                'freeSupplyAtRebalance', "freeSupplyAtRebalance", 'rebalancedAt', "rebalancedAt")), '[]'::json)
         FROM ringfence_pools WHERE "shopId" = ${shopId} AND "itemId" = ${itemId}) AS pools,
      (SELECT coalesce(json_agg(json_build_object('locationId', "locationId", 'quantity', quantity)), '[]'::json)
         FROM pushed_quantities WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND name = 'reserved') AS held,
      -- soldSince from the earliest rebalance of the item's pools, read here rather than in a
      -- round trip of its own (the recompute of a ring-fenced item needs it every time). The date
      -- and channel tests stay out of the WHERE clause on purpose: there they matched the orders
      -- index on (shopId, channelId, shopifyCreatedAt), and with the statistics a flash sale
      -- leaves behind (tables grown from nothing since the last analyze) the planner scanned that
      -- index once per line: 40 of a hot item's 46 ms. Here an order is only reached by its key.
      (SELECT json_build_object('since', ${rebalancedSince}, 'sold', coalesce(json_agg(json_build_object('channelId', s."channelId", 'sold', s.sold)), '[]'::json))
         FROM (SELECT o."channelId", (sum(l.quantity) FILTER (WHERE o."shopifyCreatedAt" >= ${rebalancedSince}))::int AS sold
               FROM order_lines l JOIN orders o ON o.id = l."orderId" AND o."shopId" = l."shopId"
               WHERE ${rebalancedSince} IS NOT NULL AND l."shopId" = ${shopId} AND l."itemId" = ${itemId} AND o."cancelledAt" IS NULL AND o.test = false
               GROUP BY o."channelId"
               HAVING o."channelId" IS NOT NULL AND count(*) FILTER (WHERE o."shopifyCreatedAt" >= ${rebalancedSince}) > 0) s) AS "soldSincePools"`;
  const r = rows[0];
  const since = r.soldSincePools.since === null ? null : date(r.soldSincePools.since)!;
  return {
    inputs: itemInputs(r),
    requestedAt: r.requestedAt,
    networkVersion: r.networkVersion,
    soldSincePools: since === null ? null : { since, sold: new Map(r.soldSincePools.sold.map((x) => [x.channelId, x.sold])) },
  };
}

function itemInputs(r: RawInputs) {
  if (!r.item) return null;
  const i = r.item;
  return {
    item: {
      id: i.id,
      sku: i.sku,
      tracked: i.tracked,
      deletedAt: date(i.deletedAt),
      variant: i.productShopifyId === null ? null : { sku: i.variantSku, product: { shopifyId: BigInt(i.productShopifyId), vendor: i.vendor, tags: i.tags ?? [], collections: i.collections ?? [] } },
    },
    levels: r.levels,
    lines: r.lines.map((l) => ({
      id: l.id,
      openQuantity: l.openQuantity,
      assignedLocationId: l.assignedLocationId,
      dueDate: date(l.dueDate),
      preOrder: l.preOrder,
      order: { channelId: l.channelId, shipBy: date(l.shipBy), shopifyCreatedAt: date(l.shopifyCreatedAt), preOrder: l.orderPreOrder },
    })),
    holdbacks: r.holdbacks.map((h) => ({ ...h, from: date(h.from), until: date(h.until) })),
    poLines: r.poLines.map((l) => ({
      id: l.id,
      quantityOrdered: l.quantityOrdered,
      quantityReceived: l.quantityReceived,
      etaOverride: date(l.etaOverride),
      purchaseOrder: { destinationLocationId: l.destinationLocationId, eta: date(l.eta), supplierId: l.supplierId },
    })),
    pools: r.pools.map((p) => ({ ...p, rebalancedAt: date(p.rebalancedAt)! })),
    held: r.held,
  };
}

/** timestamp(3) columns hold UTC wall time; json renders them without a zone. */
function date(v: string | null): Date | null {
  return v === null ? null : new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
}

interface RawInputs {
  item: {
    id: number;
    sku: string | null;
    tracked: boolean;
    deletedAt: string | null;
    variantSku: string | null;
    productShopifyId: string | null;
    vendor: string | null;
    tags: string[] | null;
    collections: string[] | null;
  } | null;
  levels: { locationId: number; name: string; quantity: number; afterLines: boolean }[];
  lines: {
    id: number;
    openQuantity: number;
    assignedLocationId: number | null;
    dueDate: string | null;
    preOrder: boolean;
    channelId: number | null;
    shipBy: string | null;
    shopifyCreatedAt: string | null;
    orderPreOrder: boolean;
  }[];
  holdbacks: { id: number; channelId: number | null; locationId: number | null; quantity: number; from: string | null; until: string | null }[];
  poLines: {
    id: number;
    quantityOrdered: number;
    quantityReceived: number;
    etaOverride: string | null;
    destinationLocationId: number;
    eta: string | null;
    supplierId: number | null;
  }[];
  pools: { channelId: number; quantity: number; entitlement: number; freeSupplyAtRebalance: number; rebalancedAt: string }[];
  held: { locationId: number; quantity: number }[];
}

export type ItemInputs = NonNullable<ReturnType<typeof itemInputs>>;

/** Units sold per channel on orders placed since `since` and not cancelled (shipped or not). */
export async function soldSince(db: RawDb, shopId: number, itemId: number, channelIds: number[], since: Date): Promise<Map<number, number>> {
  if (channelIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ channelId: number; sold: number }[]>`
    SELECT o."channelId", sum(l.quantity)::int AS sold
    FROM order_lines l JOIN orders o ON o.id = l."orderId" AND o."shopId" = l."shopId"
    WHERE l."shopId" = ${shopId} AND l."itemId" = ${itemId} AND o."channelId" = ANY(${channelIds}::int[])
      AND o."cancelledAt" IS NULL AND o.test = false AND o."shopifyCreatedAt" >= ${since}
    GROUP BY o."channelId"`;
  return new Map(rows.map((r) => [r.channelId, r.sold]));
}

export interface SnapshotRow {
  channelId: number;
  atp: number;
  ats: number;
  ruleId: number | null;
  breakdown: Prisma.InputJsonValue;
}

/**
 * Upserts the item's snapshot per channel, adds a history point where ATP or ATS changed, and
 * drops snapshots of channels gone: one statement (its parts all see the snapshots as they were).
 */
export async function saveSnapshots(db: RawDb, shopId: number, itemId: number, rows: SnapshotRow[], at: Date): Promise<{ changed: number }> {
  const when = at.toISOString().replace("Z", "");
  const [{ changed }] = await db.$queryRaw<{ changed: number }[]>`
    WITH t AS (
      SELECT * FROM unnest(${rows.map((r) => r.channelId)}::int[], ${rows.map((r) => r.atp)}::int[], ${rows.map((r) => r.ats)}::int[],
                           ${rows.map((r) => r.ruleId)}::int[], ${rows.map((r) => JSON.stringify(r.breakdown))}::jsonb[])
        AS t("channelId", "atp", "ats", "ruleId", "breakdown")),
    history AS (
      INSERT INTO ats_history ("shopId", "itemId", "channelId", atp, ats, at)
      SELECT ${shopId}, ${itemId}, t."channelId", t.atp, t.ats, ${when}::timestamp(3)
      FROM t LEFT JOIN availability_snapshots s ON s."shopId" = ${shopId} AND s."itemId" = ${itemId} AND s."channelId" = t."channelId"
      WHERE s."channelId" IS NULL OR s.atp <> t.atp OR s.ats <> t.ats
      RETURNING 1),
    gone AS (
      DELETE FROM availability_snapshots
      WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND NOT ("channelId" = ANY(${rows.map((r) => r.channelId)}::int[]))),
    upserted AS (
      INSERT INTO "availability_snapshots" ("shopId", "itemId", "channelId", "atp", "ats", "ruleId", "breakdown", "computedAt")
      SELECT ${shopId}, ${itemId}, t."channelId", t."atp", t."ats", t."ruleId", t."breakdown", ${when}::timestamp(3) FROM t
      ON CONFLICT ("shopId", "itemId", "channelId") DO UPDATE
        SET "atp" = EXCLUDED."atp", "ats" = EXCLUDED."ats", "ruleId" = EXCLUDED."ruleId", "breakdown" = EXCLUDED."breakdown", "computedAt" = EXCLUDED."computedAt")
    SELECT count(*)::int AS changed FROM history`;
  return { changed };
}

export interface PoolRow {
  channelId: number;
  quantity: number;
  /** Set on a rebalance; otherwise the stored snapshot stays. */
  rebalance: { entitlement: number; freeSupply: number; at: Date } | null;
  carves: { locationId: number; quantity: number }[];
}

export async function savePools(db: RawDb, shopId: number, itemId: number, rows: PoolRow[]): Promise<void> {
  const keep = rows.map((r) => r.channelId);
  // A pool keeps its rebalance snapshot unless this write is a rebalance.
  const rebalance = rows.length > 0 && rows[0].rebalance !== null;
  if (rows.some((r) => (r.rebalance !== null) !== rebalance)) throw new Error("savePools: a rebalance writes every pool of the item");
  const ts = (d: Date) => d.toISOString().replace("Z", "");
  const now = ts(new Date());
  const carves = rows.flatMap((r) => r.carves.filter((c) => c.quantity > 0).map((c) => ({ channelId: r.channelId, ...c })));
  // One statement: pools of channels gone, the pools upserted, then their carves (those placed
  // now upserted, the others deleted).
  await db.$executeRaw`
    WITH gone AS (
      DELETE FROM ringfence_pools WHERE "shopId" = ${shopId} AND "itemId" = ${itemId} AND NOT ("channelId" = ANY(${keep}::int[]))),
    pools AS (
      INSERT INTO ringfence_pools ("shopId", "itemId", "channelId", "quantity", "entitlement", "freeSupplyAtRebalance", "rebalancedAt", "updatedAt")
      SELECT ${shopId}, ${itemId}, t."channelId", t."quantity", t."entitlement", t."freeSupply", t."at", ${now}::timestamp(3)
      FROM unnest(${keep}::int[], ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.rebalance?.entitlement ?? r.quantity)}::int[],
                  ${rows.map((r) => r.rebalance?.freeSupply ?? 0)}::int[], ${rows.map((r) => ts(r.rebalance?.at ?? new Date()))}::timestamp(3)[])
        AS t("channelId", "quantity", "entitlement", "freeSupply", "at")
      ON CONFLICT ("shopId", "itemId", "channelId") DO UPDATE SET
        "quantity" = EXCLUDED."quantity",
        "entitlement" = CASE WHEN ${rebalance}::boolean THEN EXCLUDED."entitlement" ELSE ringfence_pools."entitlement" END,
        "freeSupplyAtRebalance" = CASE WHEN ${rebalance}::boolean THEN EXCLUDED."freeSupplyAtRebalance" ELSE ringfence_pools."freeSupplyAtRebalance" END,
        "rebalancedAt" = CASE WHEN ${rebalance}::boolean THEN EXCLUDED."rebalancedAt" ELSE ringfence_pools."rebalancedAt" END,
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING id, "channelId"),
    placed AS (
      SELECT p.id AS "poolId", c."locationId", c.quantity
      FROM unnest(${carves.map((c) => c.channelId)}::int[], ${carves.map((c) => c.locationId)}::int[], ${carves.map((c) => c.quantity)}::int[])
        AS c("channelId", "locationId", "quantity")
      JOIN pools p ON p."channelId" = c."channelId"),
    unplaced AS (
      DELETE FROM pool_carves pc USING pools p
      WHERE pc."shopId" = ${shopId} AND pc."poolId" = p.id
        AND NOT EXISTS (SELECT 1 FROM placed x WHERE x."poolId" = pc."poolId" AND x."locationId" = pc."locationId"))
    INSERT INTO pool_carves ("shopId", "poolId", "locationId", "quantity")
    SELECT ${shopId}, "poolId", "locationId", quantity FROM placed
    ON CONFLICT ("poolId", "locationId") DO UPDATE SET quantity = EXCLUDED.quantity`;
}
