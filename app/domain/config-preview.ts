/**
 * Before/after comparisons for configuration previews (a rule change, a rebalance). Pure: the
 * caller evaluates the engine twice on the same state and hands both documents here.
 */

export interface AvailabilityLike {
  sku: string;
  channel: string;
  atp: number;
  ats: number;
  rule: string | null;
}

export interface Numbers<R> {
  atp: number;
  ats: number;
  rule: R;
}

export interface AvailabilityDiffRow<R = string | null> {
  /** The engine's item id. */
  item: string;
  channel: string;
  before: Numbers<R>;
  after: Numbers<R>;
  /**
   * ATP or ATS differ. A new deciding rule alone is not a change: on a ring-fenced channel the pool
   * carried from the last rebalance keeps ATS where it was until the next rebalance.
   */
  changed: boolean;
}

const key = (sku: string, channel: string) => `${sku}\u0000${channel}`;

/**
 * Rows of `after` that `keep` selects or whose ATP or ATS moved, in the order of `after`. A row
 * missing from `before` (a channel that did not exist) counts as zeros.
 */
export function diffAvailability<R = string | null>(
  before: readonly AvailabilityLike[],
  after: readonly AvailabilityLike[],
  keep: (row: AvailabilityLike) => boolean,
  ruleRef: (engineRuleId: string | null) => R = (id) => id as R,
): AvailabilityDiffRow<R>[] {
  const old = new Map(before.map((r) => [key(r.sku, r.channel), r]));
  const out: AvailabilityDiffRow<R>[] = [];
  for (const a of after) {
    const b = old.get(key(a.sku, a.channel));
    const bRule = ruleRef(b ? b.rule : null);
    const aRule = ruleRef(a.rule);
    const changed = (b?.atp ?? 0) !== a.atp || (b?.ats ?? 0) !== a.ats;
    if (!changed && !keep(a)) continue;
    out.push({
      item: a.sku,
      channel: a.channel,
      before: { atp: b?.atp ?? 0, ats: b?.ats ?? 0, rule: bRule },
      after: { atp: a.atp, ats: a.ats, rule: aRule },
      changed,
    });
  }
  return out;
}

export interface PoolLike {
  sku: string;
  channel: string;
  qty: number;
}

export interface PoolDiffRow {
  item: string;
  channel: string;
  before: number;
  after: number;
}

/** Pools that a rebalance would change (a pool absent before counts as 0). */
export function diffPools(before: readonly PoolLike[], after: readonly PoolLike[]): PoolDiffRow[] {
  const old = new Map(before.map((p) => [key(p.sku, p.channel), p.qty]));
  const out: PoolDiffRow[] = [];
  for (const p of after) {
    const b = old.get(key(p.sku, p.channel)) ?? 0;
    if (b !== p.qty) out.push({ item: p.sku, channel: p.channel, before: b, after: p.qty });
  }
  return out;
}
