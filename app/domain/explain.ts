/**
 * Breakdowns: the terms behind each number, recomputed plainly (no timeline tricks) at the
 * binding date, so the explanation is an independent check of the fast path.
 */
import { formatDay } from "./dates";
import { F_CAP, F_PERCENT, F_SS, F_ZERO, NFIELDS, POLICY_FIELDS, type PolicyField } from "./exposure";
import { heldConsumed } from "./holdbacks";
import type { ItemResult } from "./item";
import type { CompiledNetwork } from "./network";
import { sellableOnHand, splitInbound } from "./supply";
import type { ItemState } from "./types";

export interface AtpTerms {
  onHand: number;
  inbound: number;
  reservations: number;
  holdbacks: number;
  parkedPreorders: number;
  safetyStock: number;
}

function reservationInScope(net: CompiledNetwork, c: number, channel: number, facility: number): boolean {
  return facility >= 0 ? net.inGroup[c * net.nF + facility] === 1 : net.overlap[c * net.nC + channel] === 1;
}

/** PAB terms of channel c at `day` days from asOf (pools not included). */
export function atpTermsAt(net: CompiledNetwork, item: ItemState, asOf: number, c: number, day: number, ss: number): AtpTerms {
  const nF = net.nF;
  let onHand = 0;
  for (let f = 0; f < nF; f++)
    if (net.inGroup[c * nF + f] === 1) onHand += sellableOnHand(item.onHand[f] ?? 0, net.facilitySafetyStock[f]);
  let inbound = 0;
  for (const l of item.inbound) {
    if (net.inGroup[c * nF + l.facility] !== 1) continue;
    const rate = l.supplier >= 0 ? net.supplierRate[l.supplier] : 1;
    const delay = l.supplier >= 0 ? net.supplierDelay[l.supplier] : 0;
    const s = splitInbound(l.qty, l.eta, asOf, rate, delay);
    if (s.day1 <= day) inbound += s.qty1;
    if (s.day2 <= day) inbound += s.qty2;
  }
  const t = asOf + day;
  let reservations = 0;
  for (const r of item.reservations)
    if (r.due <= t && reservationInScope(net, c, r.channel, r.facility)) reservations += r.qty;
  let holdbacks = 0;
  const beneficiaries = new Set<number>();
  for (const h of item.holdbacks) {
    if (h.channel === c || t < h.from || t > h.until) continue;
    if (h.channel >= 0) beneficiaries.add(h.channel);
    else if (h.facility < 0 || net.inGroup[c * nF + h.facility] === 1) holdbacks += h.qty;
  }
  for (const w of beneficiaries) {
    const hf = new Float64Array(nF);
    const rf = new Float64Array(nF);
    let hStar = 0;
    let rStar = 0;
    for (const h of item.holdbacks) {
      if (h.channel !== w || t < h.from || t > h.until) continue;
      if (h.facility >= 0) {
        if (net.inGroup[c * nF + h.facility] === 1) hf[h.facility] += h.qty;
      } else if (net.overlap[c * net.nC + w] === 1) hStar += h.qty;
    }
    for (const r of item.reservations)
      if (r.channel === w && r.due <= t && reservationInScope(net, c, r.channel, r.facility)) {
        if (r.facility >= 0) rf[r.facility] += r.qty;
        else rStar += r.qty;
      }
    let held = hStar;
    for (let f = 0; f < nF; f++) held += hf[f];
    holdbacks += held - heldConsumed(nF, hf, 0, hStar, rf, 0, rStar);
  }
  let parkedPreorders = 0;
  for (const p of item.parked) if (net.overlap[c * net.nC + p.channel] === 1) parkedPreorders += p.qty;
  return { onHand, inbound, reservations, holdbacks, parkedPreorders, safetyStock: ss };
}

export interface AtpBreakdown extends AtpTerms {
  bindingDate: string;
  otherPools: number;
  /** onHand + inbound − reservations − holdbacks − parkedPreorders − safetyStock − otherPools. */
  projected: number;
}

export function atpBreakdown(
  net: CompiledNetwork,
  item: ItemState,
  asOf: number,
  res: ItemResult,
  c: number,
  day: number = res.bindingDay[c],
): AtpBreakdown {
  const ss = res.policyVal[c * NFIELDS + F_SS];
  const terms = atpTermsAt(net, item, asOf, c, day, ss);
  const otherPools = res.otherPools[c];
  const projected =
    terms.onHand + terms.inbound - terms.reservations - terms.holdbacks - terms.parkedPreorders - terms.safetyStock - otherPools;
  return { bindingDate: formatDay(asOf + day), ...terms, otherPools, projected };
}

export interface PolicyValue {
  value: number | string | null;
  /** Rule id, or "channel" for the channel's own field or default. */
  setBy: string;
}

export interface AtsBreakdown {
  mode: "shared" | "ringfenced";
  live: boolean;
  policy: Record<PolicyField, PolicyValue>;
  pool?: number;
  /** Which clause produced the ATS. */
  limitedBy: "notLive" | "zeroBelow" | "percent" | "cap" | "pool" | "atp";
}

function fieldValue(field: PolicyField, v: number): number | string | null {
  switch (field) {
    case "percent":
      return v / 100;
    case "cap":
      return v < 0 ? null : v;
    case "liveFrom":
    case "liveUntil":
      return Math.abs(v) >= 1e8 || !Number.isFinite(v) ? null : formatDay(v);
    default:
      return v;
  }
}

export function atsBreakdown(net: CompiledNetwork, res: ItemResult, c: number): AtsBreakdown {
  const o = c * NFIELDS;
  const policy = {} as Record<PolicyField, PolicyValue>;
  POLICY_FIELDS.forEach((field, i) => {
    const src = res.policySrc[o + i];
    policy[field] = { value: fieldValue(field, res.policyVal[o + i]), setBy: src < 0 ? "channel" : net.rules.ids[src] };
  });
  const live = res.live[c] === 1;
  const atp = res.atp[c];
  const zeroBelow = res.policyVal[o + F_ZERO];
  const ringfenced = net.isRingfenced[c] === 1;
  let limitedBy: AtsBreakdown["limitedBy"];
  if (!live) limitedBy = "notLive";
  else if (ringfenced) {
    const v = Math.min(res.pool[c], atp);
    limitedBy = v <= zeroBelow ? "zeroBelow" : res.pool[c] < atp ? "pool" : "atp";
  } else if (atp <= zeroBelow) limitedBy = "zeroBelow";
  else {
    const cap = res.policyVal[o + F_CAP];
    const n = atp * res.policyVal[o + F_PERCENT];
    const byPercent = (n - (n % 10000)) / 10000;
    limitedBy = cap >= 0 && cap < byPercent ? "cap" : byPercent < atp ? "percent" : "atp";
  }
  const out: AtsBreakdown = { mode: ringfenced ? "ringfenced" : "shared", live, policy, limitedBy };
  if (ringfenced) out.pool = res.pool[c];
  return out;
}
