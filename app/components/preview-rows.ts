/**
 * What a rule preview tells the merchant: the rows whose ATP or ATS moves now, the ring-fenced
 * rows that only move at the next rebalance, and how many affected rows keep their numbers. The
 * summary counts are the lengths of the lists shown, so they cannot disagree.
 */

export interface PreviewRowLike {
  itemId: number;
  sku: string | null;
  channel: string;
  before: { atp: number; ats: number };
  after: { atp: number; ats: number };
  changed: boolean;
  atRebalance?: { before: number; after: number };
}

export interface PreviewGroups<R extends PreviewRowLike> {
  /** ATP or ATS differs now (and only those). */
  now: R[];
  /** Ring-fenced rows whose ATS at the next rebalance differs with the change. */
  atRebalance: R[];
  /** Listed rows with no difference now or at the next rebalance. */
  unchanged: number;
}

const movesNow = (r: PreviewRowLike) => r.before.atp !== r.after.atp || r.before.ats !== r.after.ats;
const movesLater = (r: PreviewRowLike) => r.atRebalance !== undefined && r.atRebalance.before !== r.atRebalance.after;

export function groupPreview<R extends PreviewRowLike>(rows: readonly R[]): PreviewGroups<R> {
  // The numbers decide, not the flag: a row is never shown as a change with equal before and after.
  const now = rows.filter(movesNow);
  const atRebalance = rows.filter(movesLater);
  return { now, atRebalance, unchanged: rows.filter((r) => !movesNow(r) && !movesLater(r)).length };
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function previewSummary(groups: PreviewGroups<PreviewRowLike>, affectedItems: number, evaluated: number | null): string {
  const scope = `This change applies to ${plural(affectedItems, "variant")}${evaluated !== null && evaluated < affectedItems ? ` (the first ${evaluated} were evaluated)` : ""}.`;
  const now = groups.now.length === 0 ? "No ATP or ATS changes now." : `ATP or ATS changes now for ${plural(groups.now.length, "variant × channel pair")}.`;
  const later = groups.atRebalance.length > 0 ? ` ATS changes at the next rebalance for ${plural(groups.atRebalance.length, "ring-fenced pair")}.` : "";
  const same = groups.unchanged > 0 ? ` Unchanged: ${groups.unchanged}.` : "";
  return `${scope} ${now}${later}${same}`;
}
