import type { PrismaClient } from "@prisma/client";
import { unexplainedCommitted } from "../domain/committed";
import {
  buildItemState,
  compileNetwork,
  evaluateItem,
  formatDay,
  newItemResult,
  parseDay,
  transitionPools,
  type ChannelDef,
  type CompiledNetwork,
  type HoldbackDef,
  type InboundDef,
  type ItemResult,
  type PoolDef,
  type PreorderDef,
  type ReservationDef,
  type RuleDef,
} from "../domain";
import { planPushes, type PublishTarget } from "../domain/push-plan";
import type { Producer } from "../jobs/producer.server";
import { prismaRaw, type RawDb, type RawPool } from "../raw-db.server";
import type { Logger } from "../lib/logger";
import { dayIn } from "../lib/day";
import { loadItem, saveSnapshots, savePools, soldSince, type ItemInputs, type PoolRow, type SnapshotRow } from "../models/availability.server";
import { loadNetworkConfig, networkConfigVersion, type NetworkConfig } from "../models/network.server";
import { knownFrom, replacePendingEntries, type PendingEntry, type PendingPlan } from "../models/pushes.server";

/**
 * Recompute one item: load its inputs → the engine's per-item path → persist snapshots, history
 * and pools → plan the Shopify writes and queue them as pending push entries → enqueue a push.
 * Shared by the recompute worker, the push service (after a stale write) and reconciliation.
 */

export interface AvailabilityDeps {
  prisma: PrismaClient;
  producer?: Pick<Producer, "enqueue">;
  log?: Logger;
  /**
   * Debounce of the shop's push: the first recompute of a burst schedules it this far ahead and
   * the rest join it (the push queue deduplicates per shop), so a flash sale's recomputes share
   * mutations of up to 250 quantities instead of one call each. Latency added: at most this.
   */
  pushDelayMs?: number;
  /**
   * Where a recompute reads its inputs and writes its results: the worker's own `pg` pool
   * (app/raw-db.server.ts: the same SQL without Prisma's per-statement cost), else `prisma`.
   */
  raw?: RawPool;
}

/**
 * A mutation costs the same 10 points whether it carries 1 quantity or 250: at flash-sale rates a
 * second's worth of changes shares one mutation per kind (measured with bench:flash: 250 ms made
 * four times the mutations for the same changed SKUs, past a tenth of the naive app's cost).
 */
export const DEFAULT_PUSH_DELAY_MS = 1_000;

interface ShopNetwork {
  version: string;
  cfg: NetworkConfig;
  net: CompiledNetwork;
  facilityIds: Set<number>;
  /** Channel location id → channel id. */
  channelLocations: Map<number, number>;
  targets: PublishTarget[];
}

const networks = new Map<number, ShopNetwork>();

/** Day (YYYY-MM-DD) of an instant in the shop's time zone. */
export { dayIn };

const isoDay = (d: Date | null): string | null => (d === null ? null : d.toISOString().slice(0, 10));

/**
 * The shop's compiled network, rebuilt only when its configuration version moves. `version`: the
 * version as the caller just read it (loadItem reads it with the item's inputs).
 */
export async function shopNetwork(prisma: PrismaClient, shopId: number, knownVersion?: string): Promise<ShopNetwork> {
  const version = knownVersion ?? (await networkConfigVersion(prisma, shopId));
  const hit = networks.get(shopId);
  if (hit && hit.version === version) return hit;
  const cfg = await loadNetworkConfig(prisma, shopId);
  // Channel locations are not facilities: their stock is what we published, not supply.
  const facilities = cfg.locations.filter((l) => l.role === "facility" && l.isActive);
  const facilityIds = new Set(facilities.map((l) => l.id));
  const channels: ChannelDef[] = cfg.channels.map((c) => ({
    id: String(c.id),
    facilities: c.facilities.filter((f) => facilityIds.has(f.locationId)).map((f) => String(f.locationId)),
    priority: c.priority,
    promiseWindowDays: c.promiseWindowDays,
    safetyStock: c.safetyStock,
    mode: c.mode,
    percent: c.percent,
    cap: c.cap,
    zeroBelow: c.zeroBelow,
    liveFrom: isoDay(c.liveFrom),
    liveUntil: isoDay(c.liveUntil),
  }));
  const rules = ruleDefs(cfg.rules);
  const net = compileNetwork({
    facilities: facilities.map((l) => ({ id: String(l.id), safetyStock: l.safetyStock })),
    channels,
    suppliers: cfg.suppliers.map((s) => ({ id: String(s.id), onTimeRate: s.onTimeRate, delayDays: s.delayDays })),
    rules,
    handlingDays: cfg.shop.handlingDays,
  });
  const channelLocations = new Map<number, number>();
  const targets: PublishTarget[] = [];
  for (const c of cfg.channels) {
    if (c.publishKind === "location" && c.publishLocationId !== null) {
      channelLocations.set(c.publishLocationId, c.id);
      targets.push({ kind: "location", channel: String(c.id), location: String(c.publishLocationId) });
    } else if (c.publishKind === "in_place") {
      targets.push({ kind: "in_place", channel: String(c.id), facilities: channels.find((d) => d.id === String(c.id))!.facilities });
    }
  }
  const entry = { version, cfg, net, facilityIds, channelLocations, targets };
  networks.set(shopId, entry);
  return entry;
}

export interface RecomputeResult {
  itemId: number;
  skipped?: string;
  ats: Record<string, number>;
  atp: Record<string, number>;
  historyPoints: number;
  pendingEntries: number;
  rebalanced: boolean;
}

/** The shop's rules in the engine's shape (channels are named by their row id). */
export function ruleDefs(rules: NetworkConfig["rules"]): RuleDef[] {
  return rules.map((r) => ({
    id: String(r.id),
    channel: String(r.channelId),
    target:
      r.targetKind === "all" || r.targetValue === null
        ? {}
        : r.targetKind === "variant"
          ? { sku: r.targetValue }
          : { [r.targetKind]: r.targetValue },
    percent: r.percent,
    cap: r.cap,
    zeroBelow: r.zeroBelow,
    safetyStock: r.safetyStock,
    liveFrom: isoDay(r.liveFrom),
    liveUntil: isoDay(r.liveUntil),
  }));
}

/** The same network with other rules (a preview of a rule change): channel indices are unchanged. */
export function withRules(net: CompiledNetwork, rules: readonly RuleDef[]): CompiledNetwork {
  return compileNetwork({
    facilities: net.facilityIds.map((id, f) => ({ id, safetyStock: net.facilitySafetyStock[f] })),
    channels: net.channels,
    suppliers: net.supplierIds.map((id, s) => ({ id, onTimeRate: net.supplierRate[s], delayDays: net.supplierDelay[s] })),
    rules,
    handlingDays: net.handlingDays,
  });
}

export interface ItemEvaluation {
  itemId: number;
  skipped?: string;
  asOf: string;
  net: CompiledNetwork;
  /** Evaluated with pools carried forward from the last rebalance (or rebalanced). */
  result: ItemResult | null;
  /** Evaluated as a fresh rebalance. */
  fresh: ItemResult | null;
  rebalanced: boolean;
}

/**
 * Loads one item and evaluates it exactly as recomputeItem does, writing nothing. `net` replaces
 * the shop's compiled network (see withRules); `rebalance` evaluates a fresh split.
 */
export async function evaluateItemNow(
  prisma: PrismaClient,
  shopId: number,
  itemId: number,
  opts: { now?: Date; rebalance?: boolean; net?: CompiledNetwork; timeline?: boolean } = {},
): Promise<ItemEvaluation> {
  const ev = await evaluateLoaded(prisma, prisma, shopId, itemId, opts.now ?? new Date(), opts.rebalance ?? false, opts.net, opts.timeline ?? false);
  return { itemId, skipped: ev.skipped, asOf: ev.asOfIso, net: ev.net, result: ev.result, fresh: ev.fresh, rebalanced: ev.rebalanced };
}

// `timeline` keeps the day-by-day balance in the results (the admin's promise check reads it).
// `raw` runs the item's own reads; the shop's network (cached by version) is read through `prisma`.
async function evaluateLoaded(prisma: PrismaClient, raw: RawDb, shopId: number, itemId: number, now: Date, rebalance: boolean, netOverride?: CompiledNetwork, timeline = false) {
  const { inputs, requestedAt, networkVersion, soldSincePools } = await loadItem(raw, shopId, itemId);
  const sn0 = await shopNetwork(prisma, shopId, networkVersion);
  const sn: ShopNetwork = netOverride ? { ...sn0, net: netOverride } : sn0;
  const asOfIso = dayIn(now, sn.cfg.shop.timezone);
  const none = { sn, net: sn.net, asOfIso, inputs: null, parts: null, fresh: null, result: null, rebalanced: false, requestedAt };
  if (!inputs) return { ...none, skipped: "no such item in this shop" };
  if (inputs.item.deletedAt || !inputs.item.tracked) return { ...none, skipped: "item deleted or not tracked" };
  if (sn.net.nC === 0) return { ...none, skipped: "no channels configured" };

  const asOf = parseDay(asOfIso);
  const parts = itemParts(sn, inputs, asOfIso, now, sn.cfg.shop.timezone);
  const itemDef = {
    sku: inputs.item.sku ?? inputs.item.variant?.sku ?? `item-${itemId}`,
    product: inputs.item.variant ? String(inputs.item.variant.product.shopifyId) : null,
    vendor: inputs.item.variant?.product.vendor ?? null,
    tags: inputs.item.variant?.product.tags ?? [],
    collections: inputs.item.variant?.product.collections ?? [],
    onHand: parts.onHand,
  };

  // Fresh evaluation: free supply now, and the pools a rebalance would carve.
  const fresh = evaluateItem(sn.net, buildItemState(sn.net, asOf, itemDef, { ...parts, pools: null }).state, asOf, newItemResult(sn.net), { timeline });
  let result: ItemResult = fresh;
  let rebalanced = false;
  const rf = [...sn.net.ringfenced].map((c) => Number(sn.net.channelIds[c]));
  if (rf.length > 0) {
    const stored = inputs.pools.filter((p) => rf.includes(p.channelId));
    if (rebalance || stored.length !== rf.length) {
      rebalanced = true;
    } else {
      const since = new Date(Math.min(...stored.map((p) => p.rebalancedAt.getTime())));
      // Read with the inputs when it counts from the same date (every pool is a ring-fenced channel's).
      const sold =
        soldSincePools && soldSincePools.since.getTime() === since.getTime()
          ? new Map([...soldSincePools.sold].filter(([c]) => rf.includes(c)))
          : await soldSince(raw, shopId, itemId, rf, since);
      const pools = transitionPools(
        {
          freeSupply: stored[0].freeSupplyAtRebalance,
          channels: stored.map((p) => {
            const c = sn.net.channelIndex.get(String(p.channelId))!;
            const cap = fresh.policyVal[c * 6 + 1];
            return {
              channel: String(p.channelId),
              priority: sn.net.priority[c],
              percent: fresh.policyVal[c * 6] / 100,
              cap: Number.isFinite(cap) && cap >= 0 ? cap : null,
              entitlement: p.entitlement,
            };
          }),
        },
        { sold: Object.fromEntries([...sold].map(([k, v]) => [String(k), v])), freeSupply: fresh.freeSupply },
      );
      const poolDefs: PoolDef[] = Object.entries(pools).map(([channel, qty]) => ({ sku: itemDef.sku, channel, qty }));
      result = evaluateItem(sn.net, buildItemState(sn.net, asOf, itemDef, { ...parts, pools: poolDefs }).state, asOf, newItemResult(sn.net), { timeline });
    }
  }
  return { sn, net: sn.net, asOfIso, inputs, parts, fresh, result, rebalanced, skipped: undefined, requestedAt };
}

export type RecomputeOptions = { now?: Date; cause?: string; rebalance?: boolean; enqueuePush?: boolean };

export async function recomputeItem(deps: AvailabilityDeps, shopId: number, itemId: number, opts: RecomputeOptions = {}): Promise<RecomputeResult> {
  return (await recomputeSeeingRequest(deps, shopId, itemId, opts)).result;
}

/**
 * recomputeItem, with the item's recompute request as the read of its inputs saw it: that
 * request (not a newer one) is what the recompute has done (app/services/recompute-outbox.server.ts).
 */
export async function recomputeSeeingRequest(
  deps: AvailabilityDeps,
  shopId: number,
  itemId: number,
  opts: RecomputeOptions = {},
): Promise<{ result: RecomputeResult; requestSeen: Date | null }> {
  const { prisma } = deps;
  const now = opts.now ?? new Date();
  const empty: RecomputeResult = { itemId, ats: {}, atp: {}, historyPoints: 0, pendingEntries: 0, rebalanced: false };
  const raw = deps.raw ?? prismaRaw(prisma);
  const ev = await evaluateLoaded(prisma, raw, shopId, itemId, now, opts.rebalance ?? false);
  const requestSeen = ev.requestedAt;
  if (ev.skipped !== undefined) return { result: { ...empty, skipped: ev.skipped }, requestSeen };
  const { sn, asOfIso, rebalanced } = ev;
  const inputs = ev.inputs!;
  const parts = ev.parts!;
  const result = ev.result!;

  const snapshots: SnapshotRow[] = [];
  const ats: Record<string, number> = {};
  const atp: Record<string, number> = {};
  for (let c = 0; c < sn.net.nC; c++) {
    const channelId = Number(sn.net.channelIds[c]);
    const rule = result.rule[c];
    ats[String(channelId)] = result.ats[c];
    atp[String(channelId)] = result.atp[c];
    snapshots.push({
      channelId,
      atp: result.atp[c],
      ats: result.ats[c],
      ruleId: rule < 0 ? null : Number(sn.net.rules.ids[rule]),
      breakdown: {
        asOf: asOfIso,
        minPab: result.minPab[c],
        bindingDay: result.bindingDay[c],
        otherPools: result.otherPools[c],
        pool: result.pool[c],
        live: result.live[c] === 1,
        networkSupply: result.networkSupply,
        doubleExposed: result.doubleExposed,
        unexplainedCommitted: parts.unexplained,
      },
    });
  }
  const poolRows: PoolRow[] = [...sn.net.ringfenced].map((c) => ({
    channelId: Number(sn.net.channelIds[c]),
    quantity: result.pool[c],
    rebalance: rebalanced ? { entitlement: result.pool[c], freeSupply: result.freeSupply, at: now } : null,
    carves: sn.net.facilityIds.map((f, i) => ({ locationId: Number(f), quantity: result.placed[c * sn.net.nF + i] })),
  }));

  const known = knownFrom(inputs.levels.filter((l) => l.name === "available"), inputs.held);
  const plan = planPushes({ ats, targets: sn.targets, known });
  const entry = (kind: "set" | "move", location: string, channel: string, after: number): PendingEntry => ({
    kind: kind === "set" ? "available" : "reserved",
    locationId: Number(location),
    channelId: Number(channel),
    after,
    ats: ats[channel],
  });
  const pending: PendingPlan = {
    base: known,
    changes: plan.changes.map((ch) => entry(ch.kind, ch.location, ch.channel, ch.to)),
    // In the order of `changes` (by location), so an all-changed plan is recognised as such.
    targets: [...plan.targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([location, t]) => entry(t.kind, location, t.channel, t.to)),
  };
  for (const s of plan.skipped) deps.log?.warn("push target skipped", { shopId, itemId, ...s });

  const { changed: saved, entries } = await raw.transaction(async (tx) => {
    const { changed } = await saveSnapshots(tx, shopId, itemId, snapshots, now);
    if (poolRows.length > 0) await savePools(tx, shopId, itemId, poolRows);
    const { entries } = await replacePendingEntries(tx, shopId, itemId, pending, { actor: "worker:recompute", cause: opts.cause ?? `recompute item ${itemId}` });
    return { changed, entries };
  });
  if (entries > 0 && opts.enqueuePush !== false && deps.producer) {
    await deps.producer.enqueue("push", { shopId }, { delay: deps.pushDelayMs ?? DEFAULT_PUSH_DELAY_MS });
  }
  return { result: { itemId, ats, atp, historyPoints: saved, pendingEntries: entries, rebalanced }, requestSeen };
}

interface Parts {
  onHand: Record<string, number>;
  reservations: ReservationDef[];
  holdbacks: HoldbackDef[];
  inbound: InboundDef[];
  preorders: PreorderDef[];
  unexplained: Record<string, number>;
}

/**
 * Rows → the engine's id-based item parts.
 *
 * Shopify's `available` is what webhooks keep fresh; `committed` only changes in our rows on a
 * sync, a reconciliation or a re-read, so it is not used for facilities. Supply at a facility is
 * available + reserved + safety_stock (damaged and quality control are not sellable) plus the
 * open units of the orders we know are committed there; those orders are then reservations, so
 * each known order counts once and carries its channel, facility and due date. An order not yet
 * routed is counted at its channel's first facility, except for channels published to a channel
 * location: their orders land there, where stock is what we published, not supply, so they only
 * reserve. At a channel location, committed units no known order explains are that channel's
 * reservations too (a sale whose webhook has not arrived): never erase a sale.
 */
function itemParts(sn: ShopNetwork, inputs: ItemInputs, asOf: string, now: Date, tz: string): Parts {
  const sku = inputs.item.sku ?? inputs.item.variant?.sku ?? `item-${inputs.item.id}`;
  const channelIds = new Set(sn.cfg.channels.map((c) => c.id));
  const firstChannel = String(sn.cfg.channels[0].id);
  const channelOfFacility = (locationId: number): string => {
    const c = sn.cfg.channels.find((ch) => ch.facilities.some((f) => f.locationId === locationId));
    return String(c?.id ?? firstChannel);
  };
  const publishesAt = new Map([...sn.channelLocations].map(([loc, ch]) => [ch, loc]));
  const firstFacilityOf = (channelId: string): string | null => {
    const ch = sn.net.channels[sn.net.channelIndex.get(channelId)!];
    return ch.facilities[0] ?? sn.net.facilityIds[0] ?? null;
  };
  const onHand: Record<string, number> = {};
  const add = (facility: string, qty: number) => (onHand[facility] = (onHand[facility] ?? 0) + qty);
  const committed = new Map<number, number>();
  for (const l of inputs.levels) {
    // Shopify's committed is only re-read now and then; an order changed since (cancelled,
    // refunded, shipped) makes that reading stale, and its units would look like an unknown sale.
    if (l.name === "committed" && l.afterLines) committed.set(l.locationId, l.quantity);
    if (!sn.facilityIds.has(l.locationId)) continue;
    if (l.name === "available" || l.name === "reserved" || l.name === "safety_stock") add(String(l.locationId), l.quantity);
  }

  const reservations: ReservationDef[] = [];
  const preorders: PreorderDef[] = [];
  const assigned = new Map<number, number>();
  const unroutedAtChannelLocation = new Map<number, number>();
  for (const line of inputs.lines) {
    const channel =
      line.order.channelId !== null && channelIds.has(line.order.channelId)
        ? String(line.order.channelId)
        : line.assignedLocationId !== null && sn.channelLocations.has(line.assignedLocationId)
          ? String(sn.channelLocations.get(line.assignedLocationId))
          : line.assignedLocationId !== null
            ? channelOfFacility(line.assignedLocationId)
            : firstChannel;
    // Shopify commits every open line, pre-orders included, so its units come back into on-hand
    // here; the engine then counts them once, as a pre-order or as a reservation.
    const at = line.assignedLocationId;
    if (at !== null) {
      assigned.set(at, (assigned.get(at) ?? 0) + line.openQuantity);
      if (sn.facilityIds.has(at)) add(String(at), line.openQuantity);
    } else {
      const loc = publishesAt.get(Number(channel));
      if (loc !== undefined) unroutedAtChannelLocation.set(loc, (unroutedAtChannelLocation.get(loc) ?? 0) + line.openQuantity);
      else {
        const f = firstFacilityOf(channel);
        if (f !== null) add(f, line.openQuantity);
      }
    }
    if (line.preOrder || line.order.preOrder) {
      preorders.push({ id: String(line.id), sku, channel, qty: line.openQuantity, placedAt: dayIn(line.order.shopifyCreatedAt ?? now, tz) });
      continue;
    }
    const dueDate = line.dueDate ?? line.order.shipBy;
    // Date-only columns are stored as midnight UTC (apply-orders, config services): read them in UTC.
    const due = dueDate ? isoDay(dueDate) : null;
    reservations.push({
      id: String(line.id),
      sku,
      channel,
      qty: line.openQuantity,
      facility: at !== null && sn.facilityIds.has(at) ? String(at) : null,
      due: due !== null && due > asOf ? due : null,
    });
  }
  for (const f of Object.keys(onHand)) onHand[f] = Math.max(0, onHand[f]);

  const unexplained: Record<string, number> = {};
  for (const [loc, channelId] of sn.channelLocations) {
    const extra = unexplainedCommitted(
      [{ location: String(loc), committed: committed.get(loc) ?? 0, assigned: assigned.get(loc) ?? 0 }],
      unroutedAtChannelLocation.get(loc) ?? 0,
    ).get(String(loc));
    if (!extra) continue;
    unexplained[String(loc)] = extra;
    reservations.push({ id: `committed-${loc}`, sku, channel: String(channelId), qty: extra, facility: null, due: null });
  }

  const holdbacks: HoldbackDef[] = inputs.holdbacks
    .filter((h) => h.channelId === null || channelIds.has(h.channelId))
    .map((h) => ({
      id: String(h.id),
      sku,
      channel: h.channelId === null ? null : String(h.channelId),
      qty: h.quantity,
      facility: h.locationId !== null && sn.facilityIds.has(h.locationId) ? String(h.locationId) : null,
      from: isoDay(h.from),
      until: isoDay(h.until),
    }));

  const supplierIds = new Set(sn.cfg.suppliers.map((s) => s.id));
  const inbound: InboundDef[] = [];
  for (const l of inputs.poLines) {
    const remaining = l.quantityOrdered - l.quantityReceived;
    const eta = l.etaOverride ?? l.purchaseOrder.eta;
    if (remaining <= 0 || !eta || !sn.facilityIds.has(l.purchaseOrder.destinationLocationId)) continue;
    const etaDay = isoDay(eta) as string;
    inbound.push({
      id: String(l.id),
      sku,
      facility: String(l.purchaseOrder.destinationLocationId),
      qty: remaining,
      eta: etaDay < asOf ? asOf : etaDay,
      supplier: l.purchaseOrder.supplierId !== null && supplierIds.has(l.purchaseOrder.supplierId) ? String(l.purchaseOrder.supplierId) : null,
    });
  }
  return { onHand, reservations, holdbacks, inbound, preorders, unexplained };
}

/** For tests and config changes that bypass the version (none should). */
export function forgetShopNetwork(shopId: number): void {
  networks.delete(shopId);
}

export { formatDay };
