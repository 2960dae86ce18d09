/**
 * Ring-fenced pools: the rebalance carve and placement at facilities (used inside the item
 * evaluation), and the order-independent state transition workers apply between rebalances.
 * See docs/decisions/002-pools.md for the interpretation of the model text.
 */
import { computeViewPab } from "./balance";
import { facilityView, type CompiledNetwork, type Workspace } from "./network";
import type { ItemState } from "./types";

/**
 * Units physically free for channel c at facility f today: the facility's own balance at day 0
 * (on hand, inbound already due, routed orders due by today, holdbacks held there today except
 * c's own), minus pools already placed there. Today only, not a look-ahead: where a pool sits
 * then moves only with what happens at that facility today, so more inbound never pulls a pool
 * into another channel's facilities and a future-dated order never pushes one out (002).
 */
function facilityFree(net: CompiledNetwork, item: ItemState, ws: Workspace, c: number, f: number): number {
  const v = facilityView(net, f);
  computeViewPab(net, item, ws, v, 0, c, null);
  const free = ws.pab[v * ws.cap] - ws.placedTotal[f];
  return free > 0 ? free : 0;
}

/**
 * Places `pool` units of channel c at its facilities in carve order (facilities no lower-priority
 * ring-fenced channel uses first), each up to what is free there. Whatever the facilities cannot
 * take one by one (a pool given larger than the stock, or stock that is only free across
 * facilities together) is placed at the first facility of the carve order, so every unit of
 * every pool is held somewhere and others keep subtracting it.
 */
export function placePool(
  net: CompiledNetwork,
  item: ItemState,
  ws: Workspace,
  c: number,
  pool: number,
  placed: Float64Array,
): void {
  const order = net.carveOrder[c];
  if (order.length === 0 || pool <= 0) return;
  const nF = net.nF;
  let rem = pool;
  for (let i = 0; i < order.length && rem > 0; i++) {
    const f = order[i];
    const free = facilityFree(net, item, ws, c, f);
    const take = free < rem ? free : rem;
    if (take > 0) {
      placed[c * nF + f] += take;
      ws.placedTotal[f] += take;
      rem -= take;
    }
  }
  if (rem > 0) {
    const f0 = order[0];
    placed[c * nF + f0] += rem;
    ws.placedTotal[f0] += rem;
  }
}

/** Rebalance entitlement: min(cap, floor(percent · ATP before any carving)). */
export function entitlement(atpBeforeCarving: number, percentBp: number, cap: number): number {
  const a = atpBeforeCarving > 0 ? atpBeforeCarving : 0;
  const n = a * percentBp;
  const e = (n - (n % 10000)) / 10000;
  return cap >= 0 && cap < e ? cap : e;
}

export interface PoolChannelSnapshot {
  channel: string;
  priority: number;
  /** 0..100 */
  percent: number;
  cap: number | null;
  /** Pool the channel received at the rebalance. */
  entitlement: number;
}

export interface PoolSnapshot {
  /** Free supply at the rebalance (the item's freeSupply then). */
  freeSupply: number;
  /** Ring-fenced channels of the item; any order (sorted by priority inside). */
  channels: PoolChannelSnapshot[];
}

export interface PoolStateNow {
  /** Units on each channel's orders placed since the rebalance and not cancelled (shipped or not). */
  sold: Record<string, number>;
  /** Free supply now. */
  freeSupply: number;
}

/**
 * Current pools from state, never from the order events arrived in:
 * ΔS = F + Σ sold − F_T. A positive ΔS is split by percent (each channel up to its cap), the
 * rounding remainder to the highest priority first; pool_c = E_c − sold_c + share_c. A negative
 * ΔS beyond the supply no pool held at the rebalance is taken from the lowest priority first.
 */
export function transitionPools(snapshot: PoolSnapshot, now: PoolStateNow): Record<string, number> {
  const chans = [...snapshot.channels].sort((a, b) => a.priority - b.priority);
  let soldTotal = 0;
  for (const ch of chans) soldTotal += now.sold[ch.channel] ?? 0;
  const dS = now.freeSupply + soldTotal - snapshot.freeSupply;
  const pool = chans.map((ch) => ch.entitlement - (now.sold[ch.channel] ?? 0));
  const room = (i: number): number => {
    const cap = chans[i].cap;
    if (cap === null) return Infinity;
    const r = cap - pool[i];
    return r > 0 ? r : 0;
  };
  if (dS > 0) {
    const bp = chans.map((ch) => Math.round(ch.percent * 100));
    const pctSum = bp.reduce((a, b) => a + b, 0);
    // Percents above 100 in total (channels on disjoint facilities) are scaled so the shares
    // never add up to more than the increase.
    const denom = pctSum > 10000 ? pctSum : 10000;
    const target = Math.floor((dS * Math.min(pctSum, 10000)) / 10000);
    const raw = bp.map((p) => Math.floor((dS * p) / denom));
    // Only the rounding remainder goes to the highest priority; what a cap refuses stays free,
    // as it would at a rebalance.
    let rem = target - raw.reduce((a, b) => a + b, 0);
    for (let i = 0; i < chans.length; i++) pool[i] += Math.min(raw[i], room(i));
    for (let i = 0; i < chans.length && rem > 0; i++) {
      const add = Math.min(rem, room(i));
      pool[i] += add;
      rem -= add;
    }
  }
  // Pools are cut back until they fit: a shrink first uses up the free supply no pool held at the
  // rebalance (F_T − ΣE), then takes from the lowest priority. Measured against the snapshot, not
  // against F alone, so that a network already short somewhere the pools do not sit (F_T < ΣE)
  // does not cut pools while nothing changes.
  let entitled = 0;
  for (const ch of chans) entitled += ch.entitlement;
  const slack = snapshot.freeSupply - entitled;
  let cut = -dS - (slack > 0 ? slack : 0);
  for (let i = chans.length - 1; i >= 0 && cut > 0; i--) {
    const have = pool[i] > 0 ? pool[i] : 0;
    const take = Math.min(cut, have);
    pool[i] -= take;
    cut -= take;
  }
  const out: Record<string, number> = {};
  chans.forEach((ch, i) => (out[ch.channel] = pool[i] > 0 ? pool[i] : 0));
  return out;
}
