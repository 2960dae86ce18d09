/**
 * Time-phased ATP and the promise check, read off an item result evaluated with its timeline:
 * ATP_c(d) = max(0, min over t ≥ d of PAB_c(t)) (other channels' pools subtracted), and the
 * earliest date d' ≥ asOf with ATP_c(d') ≥ qty. ATP_c(d) only changes at timeline days, so the
 * earliest date is found by scanning them, never day by day.
 */
import { lastAtOrBefore } from "./balance";
import type { ItemResult } from "./item";

export interface PromiseAnswer {
  /** ATP on the requested day. */
  atp: number;
  canPromise: boolean;
  /** Days from asOf of the first day the quantity can be promised, or null: no known supply covers it. */
  earliestDay: number | null;
  /** Days from asOf where the min over t ≥ day binds. */
  bindingDay: number;
}

function requireTimeline(res: ItemResult): { days: Int32Array; pab: Float64Array } {
  if (res.days === null || res.pab === null) throw new Error("evaluateItem was called without { timeline: true }");
  return { days: res.days, pab: res.pab };
}

/** ATP of channel c on day `day` (days from asOf, ≥ 0) with the binding day. */
export function atpOnDay(res: ItemResult, c: number, day: number): { atp: number; bindingDay: number } {
  const { days, pab } = requireTimeline(res);
  const n = res.n;
  const row = c * n;
  let k = lastAtOrBefore(days, n, day);
  let best = k;
  let min = pab[row + k];
  for (k = k + 1; k < n; k++)
    if (pab[row + k] < min) {
      min = pab[row + k];
      best = k;
    }
  const a = min - res.otherPools[c];
  return { atp: a > 0 ? a : 0, bindingDay: days[best] > day ? days[best] : day };
}

/** Earliest day (from asOf) with ATP_c ≥ qty, or null when even all known supply does not cover it. */
export function earliestDay(res: ItemResult, c: number, qty: number): number | null {
  const { days, pab } = requireTimeline(res);
  if (qty <= 0) return 0;
  const n = res.n;
  const row = c * n;
  const other = res.otherPools[c];
  // Suffix minima are non-decreasing in k; walk back from the end while they still cover qty.
  let sufMin = Infinity;
  let first = -1;
  for (let k = n - 1; k >= 0; k--) {
    const x = pab[row + k];
    if (x < sufMin) sufMin = x;
    if (sufMin - other >= qty) first = k;
    else break;
  }
  return first < 0 ? null : days[first];
}

export function promise(res: ItemResult, c: number, qty: number, day: number): PromiseAnswer {
  const d = day > 0 ? day : 0;
  const { atp, bindingDay } = atpOnDay(res, c, d);
  return { atp, canPromise: qty <= atp, earliestDay: earliestDay(res, c, qty), bindingDay };
}
