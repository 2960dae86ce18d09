/**
 * Push planning, pure: from each channel's ATS, how the channel is published (shopify.md: a
 * channel location, or in place at its facilities) and what we believe Shopify holds now, the
 * quantity changes that make Shopify show exactly the ATS. No I/O; ids are opaque strings.
 *
 * Choices (an operations lead's expectations, written down):
 * - A channel location's `available` is set to the channel's ATS (compare-and-swap from what we
 *   believe is there). Two channels published to one location: the smaller ATS wins.
 * - In place, a channel's ATS is network-wide but Shopify's `available` is per facility: we keep
 *   the facilities' own `available` where possible and hold the excess in `reserved` (under our
 *   ledger document), taking it from the last facilities of the channel's order first so the
 *   primary facilities stay sellable. We never create units: when ATS exceeds what is free, we
 *   release everything we hold and stop there. Several in-place channels on one facility: the
 *   most restrictive target wins (Shopify has one `available` per location).
 */

export type PublishTarget =
  | { kind: "location"; channel: string; location: string }
  | { kind: "in_place"; channel: string; facilities: readonly string[] };

/** What we believe Shopify holds at one location for the item. */
export interface KnownLevel {
  available: number;
  /** Units we moved into `reserved` under our ledger document (we may move them back). */
  heldByUs: number;
}

export interface PlanInput {
  ats: Readonly<Record<string, number>>;
  targets: readonly PublishTarget[];
  /** By location id; a missing location is not stocked there (nothing can be set). */
  known: ReadonlyMap<string, KnownLevel>;
}

export interface SetChange {
  kind: "set";
  location: string;
  channel: string;
  /** changeFromQuantity: the value we believe Shopify holds. */
  from: number;
  to: number;
}

export interface MoveChange {
  kind: "move";
  location: string;
  channel: string;
  /** `available` now and the target. */
  from: number;
  to: number;
  /** Units to move: positive holds (available → reserved), negative releases. */
  hold: number;
}

export type QuantityChange = SetChange | MoveChange;

export interface Plan {
  changes: QuantityChange[];
  /** Targets that could not be applied, with why (a channel location the item is not stocked at). */
  skipped: { channel: string; location: string; reason: string }[];
  /** Target `available` per location, whether or not it changes. */
  targets: Map<string, { channel: string; kind: "set" | "move"; to: number }>;
}

function atsOf(input: PlanInput, channel: string): number {
  const a = input.ats[channel];
  if (a === undefined) throw new Error(`ats: no value for channel "${channel}"`);
  return Math.max(0, Math.floor(a));
}

/** Per facility, the `available` an in-place channel needs so that Σ available = its ATS. */
export function inPlaceTargets(ats: number, facilities: readonly string[], known: ReadonlyMap<string, KnownLevel>): Map<string, number> {
  const free = facilities.map((f) => {
    const k = known.get(f);
    return k ? Math.max(0, k.available + k.heldByUs) : 0;
  });
  let excess = free.reduce((a, b) => a + b, 0) - ats;
  const out = new Map<string, number>();
  for (let i = facilities.length - 1; i >= 0; i--) {
    const cut = excess > 0 ? Math.min(excess, free[i]) : 0;
    excess -= cut;
    if (known.has(facilities[i])) out.set(facilities[i], free[i] - cut);
  }
  return out;
}

/** Units to hold (positive) or release (negative) at a facility to reach `target` available. */
export function moveFor(level: KnownLevel, target: number): number {
  const diff = level.available - target;
  if (diff >= 0) return diff;
  return -Math.min(-diff, level.heldByUs);
}

export function planPushes(input: PlanInput): Plan {
  const targets = new Map<string, { channel: string; kind: "set" | "move"; to: number }>();
  const skipped: Plan["skipped"] = [];
  const tighten = (location: string, channel: string, kind: "set" | "move", to: number) => {
    const prev = targets.get(location);
    if (prev && prev.kind !== kind) {
      throw new Error(`location ${location}: published both as a channel location (${prev.channel}) and in place (${channel})`);
    }
    if (!prev || to < prev.to) targets.set(location, { channel, kind, to });
  };
  for (const t of input.targets) {
    const ats = atsOf(input, t.channel);
    if (t.kind === "location") {
      if (!input.known.has(t.location)) skipped.push({ channel: t.channel, location: t.location, reason: "item not stocked at the channel location" });
      else tighten(t.location, t.channel, "set", ats);
    } else {
      for (const [f, to] of inPlaceTargets(ats, t.facilities, input.known)) tighten(f, t.channel, "move", to);
    }
  }
  const changes: QuantityChange[] = [];
  for (const [location, t] of [...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const k = input.known.get(location)!;
    if (t.kind === "set") {
      if (k.available !== t.to) changes.push({ kind: "set", location, channel: t.channel, from: k.available, to: t.to });
    } else {
      const hold = moveFor(k, t.to);
      if (hold !== 0) changes.push({ kind: "move", location, channel: t.channel, from: k.available, to: k.available - hold, hold });
    }
  }
  return { changes, skipped, targets };
}
