/**
 * A deliberately plain, day-by-day implementation of the PAB/ATP formula of atp-model.md,
 * written straight from the text: for every day t from 0 to the last event, add up every term.
 * It is the oracle of the property tests and the baseline of bench/engine.ts. Not for production:
 * it is O(days × events) per item and channel.
 */
import type { CompiledNetwork } from "./network";
import { heldConsumed } from "./holdbacks";
import { onTimeQty } from "./supply";
import type { ItemState } from "./types";

export interface ReferenceView {
  /** Facility indices of the view. */
  facilities: readonly number[];
  /** Channels whose own holdbacks are not subtracted. */
  exempt: readonly number[];
  safetyStock: number;
  /** Ignore holdbacks that have a beneficiary (the network-supply view). */
  skipBeneficiaryHoldbacks?: boolean;
}

export function channelView(net: CompiledNetwork, c: number, safetyStock: number): ReferenceView {
  return {
    facilities: net.channels[c].facilities.map((id) => net.facilityIndex.get(id) as number),
    exempt: [c],
    safetyStock,
  };
}

function groupOf(net: CompiledNetwork, channel: number): number[] {
  return net.channels[channel].facilities.map((id) => net.facilityIndex.get(id) as number);
}

/** The last day on which any term of the item can change, plus one. */
export function referenceHorizon(net: CompiledNetwork, item: ItemState, asOf: number): number {
  let last = 0;
  for (const l of item.inbound) {
    const delay = l.supplier >= 0 ? net.supplierDelay[l.supplier] : 0;
    last = Math.max(last, l.eta + delay - asOf);
  }
  for (const r of item.reservations) last = Math.max(last, r.due - asOf);
  for (const h of item.holdbacks) {
    if (h.from > -1e8) last = Math.max(last, h.from - asOf);
    if (h.until < 1e8) last = Math.max(last, h.until + 1 - asOf);
  }
  return last + 1;
}

export function referencePab(net: CompiledNetwork, item: ItemState, asOf: number, view: ReferenceView, day: number): number {
  const t = asOf + day;
  const inView = (f: number) => view.facilities.includes(f);
  const overlaps = (channel: number) => groupOf(net, channel).some(inView);
  const reservationCounts = (channel: number, facility: number) => (facility >= 0 ? inView(facility) : overlaps(channel));
  let pab = -view.safetyStock;
  for (const f of view.facilities) pab += Math.max(0, (item.onHand[f] ?? 0) - net.facilitySafetyStock[f]);
  for (const l of item.inbound) {
    if (!inView(l.facility)) continue;
    const rate = l.supplier >= 0 ? net.supplierRate[l.supplier] : 1;
    const delay = l.supplier >= 0 ? net.supplierDelay[l.supplier] : 0;
    const onTime = onTimeQty(l.qty, rate);
    if (l.eta <= t) pab += onTime;
    if (l.eta + delay <= t) pab += l.qty - onTime;
  }
  for (const r of item.reservations) if (r.due <= t && reservationCounts(r.channel, r.facility)) pab -= r.qty;
  const beneficiaries = new Set<number>();
  for (const h of item.holdbacks) {
    if (t < h.from || t > h.until || view.exempt.includes(h.channel)) continue;
    if (h.channel >= 0) {
      if (!view.skipBeneficiaryHoldbacks) beneficiaries.add(h.channel);
      continue;
    }
    if (h.facility < 0 || inView(h.facility)) pab -= h.qty;
  }
  // Holdbacks for a channel: what its own reservations (counted by this view) do not consume.
  for (const w of beneficiaries) {
    const hf = new Array<number>(net.nF).fill(0);
    const rf = new Array<number>(net.nF).fill(0);
    let hStar = 0;
    let rStar = 0;
    for (const h of item.holdbacks) {
      if (h.channel !== w || t < h.from || t > h.until) continue;
      if (h.facility >= 0) {
        if (inView(h.facility)) hf[h.facility] += h.qty;
      } else if (overlaps(w)) hStar += h.qty;
    }
    for (const r of item.reservations)
      if (r.channel === w && r.due <= t && reservationCounts(r.channel, r.facility)) {
        if (r.facility >= 0) rf[r.facility] += r.qty;
        else rStar += r.qty;
      }
    const held = hStar + hf.reduce((a, b) => a + b, 0);
    pab -= held - heldConsumed(net.nF, hf, 0, hStar, rf, 0, rStar);
  }
  for (const p of item.parked) if (overlaps(p.channel)) pab -= p.qty;
  return pab;
}

/** min over t ≥ from of PAB, unclamped, day by day. */
export function referenceMinPab(net: CompiledNetwork, item: ItemState, asOf: number, view: ReferenceView, from: number): number {
  const end = Math.max(from, referenceHorizon(net, item, asOf));
  let min = Infinity;
  for (let d = from; d <= end; d++) min = Math.min(min, referencePab(net, item, asOf, view, d));
  return min;
}

/** ATP before pools: max(0, min over t ≥ window of PAB). */
export function referenceAtp(net: CompiledNetwork, item: ItemState, asOf: number, c: number, safetyStock: number): number {
  return Math.max(0, referenceMinPab(net, item, asOf, channelView(net, c, safetyStock), net.window[c]));
}
