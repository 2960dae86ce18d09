/**
 * The per-item path: everything about one item for every channel, from a compiled network.
 * This is what a worker calls on every order; evaluate() calls it for each item of a scenario.
 * No allocation beyond the result (pass `out` to reuse one) and no sorting of large arrays.
 */
import { argMinFrom, buildTimeline, computeViewPab, NO_EXEMPT } from "./balance";
import {
  F_CAP,
  F_FROM,
  F_PERCENT,
  F_SS,
  F_UNTIL,
  F_ZERO,
  isLive,
  NFIELDS,
  percentCapRule,
  resolvePolicies,
  ringfencedAts,
  sharedAts,
} from "./exposure";
import type { CompiledNetwork } from "./network";
import { entitlement, placePool } from "./pools";
import type { ItemState } from "./types";

export interface ItemResult {
  nC: number;
  nF: number;
  /** ATP per channel (other channels' pools subtracted). */
  atp: Float64Array;
  ats: Float64Array;
  /** Index of the rule that set percent/cap per channel, -1 for channel defaults. */
  rule: Int32Array;
  /** ATP before any pool is subtracted (what a rebalance splits). */
  atpBeforePools: Float64Array;
  /** Unclamped min over t ≥ window of PAB, without pools. */
  minPab: Float64Array;
  /** Binding date t* per channel, in days from asOf. */
  bindingDay: Int32Array;
  /** Pools of other channels subtracted from each channel's ATP. */
  otherPools: Float64Array;
  /** Ring-fenced pool per channel (0 for shared channels). */
  pool: Float64Array;
  /** Rebalance entitlement per channel; NaN when pools were given or the channel is shared. */
  entitlement: Float64Array;
  /** nC × nF: units of each pool placed at each facility. */
  placed: Float64Array;
  live: Uint8Array;
  /**
   * Free supply F over the ring-fenced channels' facilities (unclamped; holdbacks for ring-fenced
   * channels count as free for them); NaN without ring-fenced channels.
   */
  freeSupply: number;
  networkSupply: number;
  sumAts: number;
  doubleExposed: number;
  /** Resolved policy (nC × NFIELDS), its rule sources and ranks. */
  policyVal: Float64Array;
  policySrc: Int32Array;
  policyRank: Float64Array;
  /** Timeline (days from asOf) and PAB per channel over it (nC × n), filled when requested. */
  n: number;
  days: Int32Array | null;
  pab: Float64Array | null;
}

export function newItemResult(net: CompiledNetwork): ItemResult {
  const nC = net.nC;
  const nF = net.nF;
  return {
    nC,
    nF,
    atp: new Float64Array(nC),
    ats: new Float64Array(nC),
    rule: new Int32Array(nC),
    atpBeforePools: new Float64Array(nC),
    minPab: new Float64Array(nC),
    bindingDay: new Int32Array(nC),
    otherPools: new Float64Array(nC),
    pool: new Float64Array(nC),
    entitlement: new Float64Array(nC),
    placed: new Float64Array(nC * nF),
    live: new Uint8Array(nC),
    freeSupply: NaN,
    networkSupply: 0,
    sumAts: 0,
    doubleExposed: 0,
    policyVal: new Float64Array(nC * NFIELDS),
    policySrc: new Int32Array(nC * NFIELDS),
    policyRank: new Float64Array(nC * NFIELDS),
    n: 0,
    days: null,
    pab: null,
  };
}

export interface EvaluateItemOptions {
  /** Keep the timeline and per-channel PAB in the result (promise checks, explanations). */
  timeline?: boolean;
}

export function evaluateItem(
  net: CompiledNetwork,
  item: ItemState,
  asOf: number,
  out: ItemResult = newItemResult(net),
  options: EvaluateItemOptions = {},
): ItemResult {
  const nC = net.nC;
  const nF = net.nF;
  const ws = buildTimeline(net, item, asOf);
  const pv = ws.polVal;
  resolvePolicies(net.rules, item, pv, ws.polRank, ws.polSrc);
  const cap = ws.cap;
  const pab = ws.pab;
  const days = ws.days;

  for (let c = 0; c < nC; c++) {
    computeViewPab(net, item, ws, c, pv[c * NFIELDS + F_SS], c, null);
    const h = net.window[c];
    const k = argMinFrom(ws, c, h);
    const m = pab[c * cap + k];
    out.minPab[c] = m;
    out.atpBeforePools[c] = m > 0 ? m : 0;
    out.bindingDay[c] = days[k] > h ? days[k] : h;
    out.rule[c] = percentCapRule(c, ws.polRank, ws.polSrc);
    const o = c * NFIELDS;
    out.live[c] = isLive(asOf, pv[o + F_FROM], pv[o + F_UNTIL]) ? 1 : 0;
  }

  const placed = out.placed;
  placed.fill(0);
  out.pool.fill(0);
  out.entitlement.fill(NaN);
  const rf = net.ringfenced;
  if (rf.length > 0) {
    const u = net.unionView;
    computeViewPab(net, item, ws, u, 0, NO_EXEMPT, net.isRingfenced);
    out.freeSupply = pab[u * cap + argMinFrom(ws, u, net.unionWindow)];
    const placedTotal = ws.placedTotal;
    placedTotal.fill(0);
    const given = item.pools;
    for (let i = 0; i < rf.length; i++) {
      const c = rf[i];
      let pool: number;
      if (given === null) {
        let taken = 0;
        for (let f = 0; f < nF; f++) if (net.inGroup[c * nF + f] === 1) taken += placedTotal[f];
        const avail = out.minPab[c] - taken;
        const o = c * NFIELDS;
        const e = entitlement(out.atpBeforePools[c], pv[o + F_PERCENT], pv[o + F_CAP]);
        out.entitlement[c] = e;
        pool = e < avail ? e : avail;
        if (pool < 0) pool = 0;
      } else {
        pool = given[c] ?? 0;
      }
      out.pool[c] = pool;
      placePool(net, item, ws, c, pool, placed);
    }
    for (let c = 0; c < nC; c++) {
      let other = 0;
      for (let f = 0; f < nF; f++)
        if (net.inGroup[c * nF + f] === 1) other += ws.placedTotal[f] - placed[c * nF + f];
      out.otherPools[c] = other;
    }
  } else {
    out.freeSupply = NaN;
    out.otherPools.fill(0);
  }

  let sumAts = 0;
  for (let c = 0; c < nC; c++) {
    const a = out.minPab[c] - out.otherPools[c];
    const atp = a > 0 ? a : 0;
    out.atp[c] = atp;
    const o = c * NFIELDS;
    const live = out.live[c] === 1;
    const ats =
      net.isRingfenced[c] === 1
        ? ringfencedAts(atp, out.pool[c], pv[o + F_ZERO], live)
        : sharedAts(atp, pv[o + F_PERCENT], pv[o + F_CAP], pv[o + F_ZERO], live);
    out.ats[c] = ats;
    sumAts += ats;
  }

  const nv = net.networkView;
  computeViewPab(net, item, ws, nv, 0, NO_EXEMPT, net.allChannels);
  const supply = pab[nv * cap + argMinFrom(ws, nv, net.networkWindow)];
  out.networkSupply = supply > 0 ? supply : 0;
  out.sumAts = sumAts;
  out.doubleExposed = sumAts > out.networkSupply ? sumAts - out.networkSupply : 0;

  out.policyVal.set(pv);
  out.policySrc.set(ws.polSrc);
  out.policyRank.set(ws.polRank);
  if (options.timeline) {
    const n = ws.n;
    out.n = n;
    out.days = ws.days.slice(0, n);
    const rows = new Float64Array(nC * n);
    for (let c = 0; c < nC; c++) rows.set(pab.subarray(c * cap, c * cap + n), c * n);
    out.pab = rows;
  } else {
    out.n = 0;
    out.days = null;
    out.pab = null;
  }
  return out;
}
