/**
 * Projected available balance (PAB) over an item's timeline, per view (see network.ts).
 *
 * The timeline is the sorted set of days (from asOf = day 0) at which any term changes: day 0,
 * inbound arrivals (on-time and late parts), reservation due dates, holdback starts and ends.
 * PAB is a step function constant between those days, so min over t ≥ h is the value at the
 * last timeline day ≤ h and at every later timeline day.
 */
import { ensureCapacity, type CompiledNetwork, type Workspace } from "./network";
import { heldConsumed } from "./holdbacks";
import { sellableOnHand, onTimeQty } from "./supply";
import { NO_UNTIL, type ItemState } from "./types";

/** Exempt value meaning "no channel is a beneficiary" (pseudo views). */
export const NO_EXEMPT = -2;

function insertionSort(a: Int32Array, m: number): void {
  for (let i = 1; i < m; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Index of day d in the sorted unique timeline (d must be on it). */
function kOf(days: Int32Array, n: number, d: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last timeline day ≤ d (day 0 is always on the timeline). */
export function lastAtOrBefore(days: Int32Array, n: number, d: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (days[mid] <= d) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Fills the workspace with the item's timeline and each event's position on it. */
export function buildTimeline(net: CompiledNetwork, item: ItemState, asOf: number): Workspace {
  const nInb = item.inbound.length;
  const nRes = item.reservations.length;
  const nHb = item.holdbacks.length;
  const ws = ensureCapacity(net, 1 + 2 * nInb + nRes + 2 * nHb);
  const days = ws.days;
  let m = 0;
  days[m++] = 0;
  for (let i = 0; i < nInb; i++) {
    const l = item.inbound[i];
    const s = l.supplier;
    const rate = s >= 0 ? net.supplierRate[s] : 1;
    const delay = s >= 0 ? net.supplierDelay[s] : 0;
    const q1 = onTimeQty(l.qty, rate);
    const d1 = l.eta - asOf;
    const d2 = l.eta + delay - asOf;
    ws.inbQ1[i] = q1;
    ws.inbQ2[i] = l.qty - q1;
    ws.inbK1[i] = d1 > 0 ? d1 : 0;
    ws.inbK2[i] = d2 > 0 ? d2 : 0;
    days[m++] = ws.inbK1[i];
    if (ws.inbK2[i] !== ws.inbK1[i]) days[m++] = ws.inbK2[i];
  }
  for (let i = 0; i < nRes; i++) {
    const d = item.reservations[i].due - asOf;
    ws.resK[i] = d > 0 ? d : 0;
    if (d > 0) days[m++] = d;
  }
  for (let i = 0; i < nHb; i++) {
    const h = item.holdbacks[i];
    if (h.until < asOf || h.from > h.until || h.qty <= 0) {
      ws.hbK0[i] = -1;
      continue;
    }
    const d0 = h.from - asOf;
    ws.hbK0[i] = d0 > 0 ? d0 : 0;
    if (d0 > 0) days[m++] = d0;
    if (h.until < NO_UNTIL) {
      ws.hbK1[i] = h.until - asOf + 1;
      days[m++] = ws.hbK1[i];
    } else ws.hbK1[i] = -1;
  }
  if (m <= 32) insertionSort(days, m);
  else days.subarray(0, m).sort();
  let n = 1;
  for (let i = 1; i < m; i++) if (days[i] !== days[n - 1]) days[n++] = days[i];
  ws.n = n;
  // Event slots now hold day offsets; turn them into timeline indices.
  for (let i = 0; i < nInb; i++) {
    ws.inbK1[i] = kOf(days, n, ws.inbK1[i]);
    ws.inbK2[i] = kOf(days, n, ws.inbK2[i]);
  }
  for (let i = 0; i < nRes; i++) ws.resK[i] = kOf(days, n, ws.resK[i]);
  for (let i = 0; i < nHb; i++) {
    if (ws.hbK0[i] < 0) continue;
    ws.hbK0[i] = kOf(days, n, ws.hbK0[i]);
    ws.hbK1[i] = ws.hbK1[i] < 0 ? n : kOf(days, n, ws.hbK1[i]);
  }
  for (let f = 0; f < net.nF; f++) ws.oh[f] = sellableOnHand(item.onHand[f] ?? 0, net.facilitySafetyStock[f]);
  return ws;
}

/**
 * Writes PAB of view v at every timeline point into ws.pab[v*cap ...].
 * - ss: the view's safety stock (channel SS or a rule's; 0 for pseudo views).
 * - exempt: the channel whose own holdbacks the view does not subtract (NO_EXEMPT for none).
 * - skipHoldbacksFor: per channel, 1 where holdbacks for that channel are not subtracted
 *   (network supply: every beneficiary; free supply for pools: ring-fenced beneficiaries).
 */
export function computeViewPab(
  net: CompiledNetwork,
  item: ItemState,
  ws: Workspace,
  v: number,
  ss: number,
  exempt: number,
  skipHoldbacksFor: Uint8Array | null,
): void {
  const n = ws.n;
  const nF = net.nF;
  const nC = net.nC;
  const inGroup = net.inGroup;
  const overlap = net.overlap;
  const gBase = v * nF;
  const oBase = v * nC;
  const row = v * ws.cap;
  const pab = ws.pab;
  const delta = ws.delta;
  let base = -ss;
  for (let f = 0; f < nF; f++) if (inGroup[gBase + f] === 1) base += ws.oh[f];
  const parked = item.parked;
  for (let i = 0; i < parked.length; i++) if (overlap[oBase + parked[i].channel] === 1) base -= parked[i].qty;
  for (let k = 0; k < n; k++) delta[k] = 0;
  const inbound = item.inbound;
  for (let i = 0; i < inbound.length; i++) {
    if (inGroup[gBase + inbound[i].facility] === 1) {
      delta[ws.inbK1[i]] += ws.inbQ1[i];
      delta[ws.inbK2[i]] += ws.inbQ2[i];
    }
  }
  const res = item.reservations;
  for (let i = 0; i < res.length; i++) {
    const r = res[i];
    const f = r.facility;
    if ((f >= 0 ? inGroup[gBase + f] : overlap[oBase + r.channel]) === 1) delta[ws.resK[i]] -= r.qty;
  }
  let acc = base;
  for (let k = 0; k < n; k++) {
    acc += delta[k];
    pab[row + k] = acc;
  }
  const hbs = item.holdbacks;
  for (let i = 0; i < hbs.length; i++) {
    const k0 = ws.hbK0[i];
    if (k0 < 0) continue;
    const h = hbs[i];
    const w = h.channel;
    if (w === exempt || (w >= 0 && skipHoldbacksFor !== null && skipHoldbacksFor[w] === 1)) continue;
    if (!holdbackInScope(net, v, h.channel, h.facility)) continue;
    const k1 = ws.hbK1[i];
    if (w < 0) {
      for (let k = k0; k < k1; k++) pab[row + k] -= h.qty;
      continue;
    }
    // A beneficiary's holdbacks are consumed by its own reservations due by t that this view
    // itself subtracts (holdbacks.ts). One holdback: a running sum; several: all at once, below.
    let others = 0;
    let earlier = false;
    for (let j = 0; j < hbs.length; j++) {
      if (j === i || ws.hbK0[j] < 0 || hbs[j].channel !== w || !holdbackInScope(net, v, w, hbs[j].facility)) continue;
      if (j < i) earlier = true;
      others++;
    }
    if (earlier) continue;
    if (others > 0) {
      subtractSharedHoldbacks(net, item, ws, v, w, row);
      continue;
    }
    const cons = ws.cons;
    for (let k = 0; k < k1; k++) cons[k] = 0;
    for (let j = 0; j < res.length; j++) {
      const r = res[j];
      if (r.channel !== w) continue;
      const f = r.facility;
      if (h.facility >= 0 && f >= 0 && f !== h.facility) continue;
      if ((f >= 0 ? inGroup[gBase + f] : overlap[oBase + w]) !== 1) continue;
      const k = ws.resK[j];
      if (k < k1) cons[k] += r.qty;
    }
    let used = 0;
    for (let k = 0; k < k1; k++) {
      used += cons[k];
      if (k >= k0) {
        const rem = h.qty - used;
        if (rem > 0) pab[row + k] -= rem;
      }
    }
  }
}

function holdbackInScope(net: CompiledNetwork, v: number, channel: number, facility: number): boolean {
  if (facility >= 0) return net.inGroup[v * net.nF + facility] === 1;
  if (channel < 0) return net.unroutedEverywhere[v] === 1;
  return net.overlap[v * net.nC + channel] === 1;
}

/** Several holdbacks for channel w in scope of view v: subtract what is left after consumption. */
function subtractSharedHoldbacks(net: CompiledNetwork, item: ItemState, ws: Workspace, v: number, w: number, row: number): void {
  const n = ws.n;
  const nF = net.nF;
  const { hf, rf, hStar, rStar } = ws;
  hf.fill(0, 0, n * nF);
  rf.fill(0, 0, n * nF);
  hStar.fill(0, 0, n);
  rStar.fill(0, 0, n);
  const hbs = item.holdbacks;
  for (let j = 0; j < hbs.length; j++) {
    const h = hbs[j];
    const k0 = ws.hbK0[j];
    if (k0 < 0 || h.channel !== w || !holdbackInScope(net, v, w, h.facility)) continue;
    const k1 = ws.hbK1[j];
    if (h.facility >= 0) for (let k = k0; k < k1; k++) hf[k * nF + h.facility] += h.qty;
    else for (let k = k0; k < k1; k++) hStar[k] += h.qty;
  }
  const res = item.reservations;
  for (let j = 0; j < res.length; j++) {
    const r = res[j];
    if (r.channel !== w) continue;
    const f = r.facility;
    if ((f >= 0 ? net.inGroup[v * nF + f] : net.overlap[v * net.nC + w]) !== 1) continue;
    if (f >= 0) rf[ws.resK[j] * nF + f] += r.qty;
    else rStar[ws.resK[j]] += r.qty;
  }
  for (let k = 1; k < n; k++) {
    rStar[k] += rStar[k - 1];
    for (let f = 0; f < nF; f++) rf[k * nF + f] += rf[(k - 1) * nF + f];
  }
  const pab = ws.pab;
  for (let k = 0; k < n; k++) {
    let held = hStar[k];
    for (let f = 0; f < nF; f++) held += hf[k * nF + f];
    if (held <= 0) continue;
    pab[row + k] -= held - heldConsumed(nF, hf, k * nF, hStar[k], rf, k * nF, rStar[k]);
  }
}

/** Index of the binding point of min over t ≥ h of view v's PAB (earliest on ties). */
export function argMinFrom(ws: Workspace, v: number, h: number): number {
  const n = ws.n;
  const row = v * ws.cap;
  const pab = ws.pab;
  let k = lastAtOrBefore(ws.days, n, h);
  let best = k;
  let min = pab[row + k];
  for (k = k + 1; k < n; k++) {
    const x = pab[row + k];
    if (x < min) {
      min = x;
      best = k;
    }
  }
  return best;
}
