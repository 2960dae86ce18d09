/**
 * Exposure policy: rules indexed by target once, resolved field by field per item and channel,
 * and the ATS formula. Precedence per field: sku > product > collection > tag > vendor >
 * everything > channel's own fields; between equally specific rules the later-listed wins.
 */
import { parseDay } from "./dates";
import { NO_FROM, NO_UNTIL, type ChannelDef, type RuleDef, type TargetKind } from "./types";

export const POLICY_FIELDS = ["percent", "cap", "zeroBelow", "safetyStock", "liveFrom", "liveUntil"] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];
export const NFIELDS = 6;
export const F_PERCENT = 0;
export const F_CAP = 1;
export const F_ZERO = 2;
export const F_SS = 3;
export const F_FROM = 4;
export const F_UNTIL = 5;

export const SPECIFICITY: Record<TargetKind | "everything", number> = {
  sku: 5,
  product: 4,
  collection: 3,
  tag: 2,
  vendor: 1,
  everything: 0,
};

// rank = (specificity + 1) * RANK_STRIDE + listIndex + 1, so channel defaults (rank 0) lose to
// every rule and a later rule beats an earlier one of the same specificity.
const RANK_STRIDE = 2 ** 26;

/** Percent is honoured to 0.01 and kept as integer basis points so ATS arithmetic is exact. */
export function percentToBp(percent: number): number {
  return Math.round(percent * 100);
}

export interface CompiledRules {
  ids: string[];
  channel: Int32Array;
  rank: Float64Array;
  kind: (TargetKind | "everything")[];
  /** nRules × NFIELDS, NaN where the rule does not set the field. */
  vals: Float64Array;
  bySku: Map<string, number[]>;
  byProduct: Map<string, number[]>;
  byCollection: Map<string, number[]>;
  byTag: Map<string, number[]>;
  byVendor: Map<string, number[]>;
  /** nChannels × NFIELDS: channel fields overlaid with "everything" rules. */
  baseVal: Float64Array;
  baseRank: Float64Array;
  baseSrc: Int32Array;
}

function targetOf(rule: RuleDef): [TargetKind | "everything", string] {
  const t = rule.target;
  if (t.sku !== undefined) return ["sku", t.sku];
  if (t.product !== undefined) return ["product", t.product];
  if (t.collection !== undefined) return ["collection", t.collection];
  if (t.tag !== undefined) return ["tag", t.tag];
  if (t.vendor !== undefined) return ["vendor", t.vendor];
  return ["everything", ""];
}

function pushTo(map: Map<string, number[]>, key: string, r: number): void {
  const list = map.get(key);
  if (list) list.push(r);
  else map.set(key, [r]);
}

function ruleFieldValues(rule: RuleDef): number[] {
  return [
    rule.percent === null ? NaN : percentToBp(rule.percent),
    rule.cap === null ? NaN : rule.cap,
    rule.zeroBelow === null ? NaN : rule.zeroBelow,
    rule.safetyStock === null ? NaN : rule.safetyStock,
    rule.liveFrom === null ? NaN : parseDay(rule.liveFrom),
    rule.liveUntil === null ? NaN : parseDay(rule.liveUntil),
  ];
}

export function compileRules(
  channels: readonly ChannelDef[],
  channelIndex: ReadonlyMap<string, number>,
  rules: readonly RuleDef[],
): CompiledRules {
  const nC = channels.length;
  const nR = rules.length;
  if (nR >= RANK_STRIDE) throw new RangeError(`too many rules: ${nR}`);
  const out: CompiledRules = {
    ids: rules.map((r) => r.id),
    channel: new Int32Array(nR),
    rank: new Float64Array(nR),
    kind: [],
    vals: new Float64Array(nR * NFIELDS),
    bySku: new Map(),
    byProduct: new Map(),
    byCollection: new Map(),
    byTag: new Map(),
    byVendor: new Map(),
    baseVal: new Float64Array(nC * NFIELDS),
    baseRank: new Float64Array(nC * NFIELDS),
    baseSrc: new Int32Array(nC * NFIELDS).fill(-1),
  };
  for (let c = 0; c < nC; c++) {
    const ch = channels[c];
    const o = c * NFIELDS;
    out.baseVal[o + F_PERCENT] = percentToBp(ch.percent);
    out.baseVal[o + F_CAP] = ch.cap === null ? -1 : ch.cap;
    out.baseVal[o + F_ZERO] = ch.zeroBelow;
    out.baseVal[o + F_SS] = ch.safetyStock;
    out.baseVal[o + F_FROM] = ch.liveFrom === null ? NO_FROM : parseDay(ch.liveFrom);
    out.baseVal[o + F_UNTIL] = ch.liveUntil === null ? NO_UNTIL : parseDay(ch.liveUntil);
  }
  for (let r = 0; r < nR; r++) {
    const rule = rules[r];
    const c = channelIndex.get(rule.channel);
    if (c === undefined) throw new Error(`rules[${r}].channel: unknown channel "${rule.channel}"`);
    const [kind, key] = targetOf(rule);
    out.channel[r] = c;
    out.kind.push(kind);
    out.rank[r] = (SPECIFICITY[kind] + 1) * RANK_STRIDE + r + 1;
    const vals = ruleFieldValues(rule);
    for (let f = 0; f < NFIELDS; f++) out.vals[r * NFIELDS + f] = vals[f];
    switch (kind) {
      case "sku":
        pushTo(out.bySku, key, r);
        break;
      case "product":
        pushTo(out.byProduct, key, r);
        break;
      case "collection":
        pushTo(out.byCollection, key, r);
        break;
      case "tag":
        pushTo(out.byTag, key, r);
        break;
      case "vendor":
        pushTo(out.byVendor, key, r);
        break;
      case "everything":
        applyRule(out, r, out.baseVal, out.baseRank, out.baseSrc);
        break;
    }
  }
  return out;
}

function applyRule(rules: CompiledRules, r: number, val: Float64Array, rank: Float64Array, src: Int32Array): void {
  const o = rules.channel[r] * NFIELDS;
  const rr = rules.rank[r];
  const vo = r * NFIELDS;
  for (let f = 0; f < NFIELDS; f++) {
    const v = rules.vals[vo + f];
    if (v === v && rr > rank[o + f]) {
      val[o + f] = v;
      rank[o + f] = rr;
      src[o + f] = r;
    }
  }
}

function applyList(
  rules: CompiledRules,
  list: number[] | undefined,
  val: Float64Array,
  rank: Float64Array,
  src: Int32Array,
): void {
  if (list === undefined) return;
  for (let i = 0; i < list.length; i++) applyRule(rules, list[i], val, rank, src);
}

export interface ItemTargets {
  sku: string;
  product: string | null;
  vendor: string | null;
  tags: readonly string[];
  collections: readonly string[];
}

/** Resolves every channel's policy for one item into val/rank/src (nChannels × NFIELDS). */
export function resolvePolicies(
  rules: CompiledRules,
  item: ItemTargets,
  val: Float64Array,
  rank: Float64Array,
  src: Int32Array,
): void {
  val.set(rules.baseVal);
  rank.set(rules.baseRank);
  src.set(rules.baseSrc);
  if (rules.bySku.size > 0) applyList(rules, rules.bySku.get(item.sku), val, rank, src);
  if (rules.byProduct.size > 0 && item.product !== null)
    applyList(rules, rules.byProduct.get(item.product), val, rank, src);
  if (rules.byCollection.size > 0)
    for (let i = 0; i < item.collections.length; i++)
      applyList(rules, rules.byCollection.get(item.collections[i]), val, rank, src);
  if (rules.byTag.size > 0)
    for (let i = 0; i < item.tags.length; i++) applyList(rules, rules.byTag.get(item.tags[i]), val, rank, src);
  if (rules.byVendor.size > 0 && item.vendor !== null)
    applyList(rules, rules.byVendor.get(item.vendor), val, rank, src);
}

/** The rule that set percent/cap for channel c: the more specific (then newer) of the two; -1: channel defaults. */
export function percentCapRule(c: number, rank: Float64Array, src: Int32Array): number {
  const o = c * NFIELDS;
  const sp = src[o + F_PERCENT];
  const sc = src[o + F_CAP];
  if (sp < 0) return sc;
  if (sc < 0) return sp;
  return rank[o + F_CAP] > rank[o + F_PERCENT] ? sc : sp;
}

export function isLive(asOfDay: number, liveFrom: number, liveUntil: number): boolean {
  return asOfDay >= liveFrom && asOfDay <= liveUntil;
}

/** ATS of a shared channel: not live → 0; ATP ≤ zeroBelow → 0; else min(cap, floor(ATP·percent)). */
export function sharedAts(atp: number, percentBp: number, cap: number, zeroBelow: number, live: boolean): number {
  if (!live || atp <= zeroBelow) return 0;
  const n = atp * percentBp;
  const v = (n - (n % 10000)) / 10000;
  return cap >= 0 && cap < v ? cap : v;
}

/** ATS of a ring-fenced channel: min(pool, ATP), then the live window and zeroBelow. */
export function ringfencedAts(atp: number, pool: number, zeroBelow: number, live: boolean): number {
  const v = pool < atp ? pool : atp;
  if (!live || v <= zeroBelow) return 0;
  return v;
}
