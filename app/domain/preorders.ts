/**
 * Pre-orders against purchase-order lines: first-fit allocation, PO ATP, what a storefront shows,
 * and the re-allocation report. Per item; all days are day numbers (dates.ts).
 */

export interface PoLine {
  id: string;
  /** Remaining (not yet received) quantity. */
  qty: number;
  eta: number;
  /** Supplier's typical delay δ (0 without a supplier). */
  delayDays: number;
}

export interface Preorder {
  id: string;
  qty: number;
  placedAt: number;
}

export interface Allocation {
  /** Per pre-order (input order): index of the line it went to, -1 when it stays parked. */
  lineOf: Int32Array;
  /** Per pre-order: promise day, NaN when parked. */
  promiseDay: Float64Array;
  /** Per line (input order): pre-order units allocated to it. */
  allocated: Float64Array;
  parkedCount: number;
  parkedQty: number;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ETA + δ + handling days; a line already overdue promises from asOf. */
export function linePromiseDay(line: PoLine, asOf: number, handlingDays: number): number {
  return (line.eta > asOf ? line.eta : asOf) + line.delayDays + handlingDays;
}

/**
 * Oldest pre-order first (placedAt, then id), each to the first open line (earliest ETA, then id)
 * whose PO ATP still covers it whole; never split. One that fits nowhere stays parked and later,
 * smaller ones may still be placed.
 */
export function allocatePreorders(
  lines: readonly PoLine[],
  preorders: readonly Preorder[],
  asOf: number,
  handlingDays: number,
): Allocation {
  const lineOrder = lines
    .map((_, i) => i)
    .filter((i) => lines[i].qty > 0)
    .sort((a, b) => lines[a].eta - lines[b].eta || byString(lines[a].id, lines[b].id));
  const poOrder = preorders
    .map((_, i) => i)
    .sort((a, b) => preorders[a].placedAt - preorders[b].placedAt || byString(preorders[a].id, preorders[b].id));
  const allocated = new Float64Array(lines.length);
  const lineOf = new Int32Array(preorders.length).fill(-1);
  const promiseDay = new Float64Array(preorders.length).fill(NaN);
  let parkedCount = 0;
  let parkedQty = 0;
  for (const p of poOrder) {
    const q = preorders[p].qty;
    let placed = false;
    for (const l of lineOrder) {
      if (lines[l].qty - allocated[l] >= q) {
        allocated[l] += q;
        lineOf[p] = l;
        promiseDay[p] = linePromiseDay(lines[l], asOf, handlingDays);
        placed = true;
        break;
      }
    }
    if (!placed) {
      parkedCount++;
      parkedQty += q;
    }
  }
  return { lineOf, promiseDay, allocated, parkedCount, parkedQty };
}

/** PO ATP of each line: remaining − allocated. */
export function poAtp(lines: readonly PoLine[], allocation: Allocation): number[] {
  return lines.map((l, i) => Math.max(0, l.qty - allocation.allocated[i]));
}

export interface StorefrontSummary {
  /** Σ PO ATP over open lines: what may still be sold as pre-order. */
  poAtp: number;
  /** Promise day of the earliest line that still has PO ATP; null when none has. */
  promiseDay: number | null;
}

export function storefrontSummary(
  lines: readonly PoLine[],
  allocation: Allocation,
  asOf: number,
  handlingDays: number,
): StorefrontSummary {
  let total = 0;
  let best = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.qty <= 0) continue;
    const atp = l.qty - allocation.allocated[i];
    if (atp <= 0) continue;
    total += atp;
    if (best < 0 || l.eta < lines[best].eta || (l.eta === lines[best].eta && l.id < lines[best].id)) best = i;
  }
  return { poAtp: total, promiseDay: best < 0 ? null : linePromiseDay(lines[best], asOf, handlingDays) };
}

export interface PreorderPlacement {
  id: string;
  /** Line id, null when parked. */
  inbound: string | null;
  promiseDay: number | null;
}

export function placements(lines: readonly PoLine[], preorders: readonly Preorder[], a: Allocation): PreorderPlacement[] {
  return preorders.map((p, i) => {
    const l = a.lineOf[i];
    return { id: p.id, inbound: l < 0 ? null : lines[l].id, promiseDay: l < 0 ? null : a.promiseDay[i] };
  });
}

export interface PreorderMove {
  id: string;
  from: { inbound: string | null; promiseDay: number | null };
  to: { inbound: string | null; promiseDay: number | null };
}

/**
 * Re-runs the allocation (after a PO's date or quantity changed, or an earlier PO arrived) and
 * reports every pre-order whose line or promise date moved against the previous placements.
 * A pre-order absent from `previous` counts as previously parked.
 */
export function reallocatePreorders(
  lines: readonly PoLine[],
  preorders: readonly Preorder[],
  previous: readonly PreorderPlacement[],
  asOf: number,
  handlingDays: number,
): { allocation: Allocation; placements: PreorderPlacement[]; moved: PreorderMove[] } {
  const allocation = allocatePreorders(lines, preorders, asOf, handlingDays);
  const now = placements(lines, preorders, allocation);
  const before = new Map(previous.map((p) => [p.id, p]));
  const moved: PreorderMove[] = [];
  for (const p of now) {
    const b = before.get(p.id) ?? { id: p.id, inbound: null, promiseDay: null };
    if (b.inbound !== p.inbound || b.promiseDay !== p.promiseDay)
      moved.push({
        id: p.id,
        from: { inbound: b.inbound, promiseDay: b.promiseDay },
        to: { inbound: p.inbound, promiseDay: p.promiseDay },
      });
  }
  return { allocation, placements: now, moved };
}
