/**
 * Shopify's `committed` counts units of open orders at a location. Some of those orders may be
 * unknown to us (a webhook still on its way, orders placed before install). Never erase a sale:
 * committed units no known order explains are reservations too. Pure.
 */

export interface CommittedAt {
  location: string;
  committed: number;
  /** Open units of known order lines assigned to this location. */
  assigned: number;
}

/**
 * Unexplained committed units per location. Known lines not yet routed to any location explain
 * excess wherever it is (in the given location order) before anything is called unexplained.
 */
export function unexplainedCommitted(levels: readonly CommittedAt[], unrouted: number): Map<string, number> {
  let left = Math.max(0, unrouted);
  const out = new Map<string, number>();
  for (const l of levels) {
    let excess = Math.max(0, l.committed - l.assigned);
    const absorbed = Math.min(excess, left);
    excess -= absorbed;
    left -= absorbed;
    if (excess > 0) out.set(l.location, excess);
  }
  return out;
}
