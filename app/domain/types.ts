/**
 * Plain data shapes of the engine. Scenario* types are the validated, defaulted form of the
 * scenario file (ids and ISO dates). Item* types are the compact per-item form the hot path
 * reads: indices into the compiled network and absolute day numbers (see dates.ts).
 */

export type Mode = "shared" | "ringfenced";

export interface FacilityDef {
  id: string;
  safetyStock: number;
}

export interface SupplierDef {
  id: string;
  onTimeRate: number;
  delayDays: number;
}

export interface ChannelDef {
  id: string;
  facilities: string[];
  priority: number;
  promiseWindowDays: number;
  safetyStock: number;
  mode: Mode;
  percent: number;
  cap: number | null;
  zeroBelow: number;
  liveFrom: string | null;
  liveUntil: string | null;
}

export interface ItemDef {
  sku: string;
  product: string | null;
  vendor: string | null;
  tags: string[];
  collections: string[];
  onHand: Record<string, number>;
}

export interface ReservationDef {
  id: string | null;
  sku: string;
  channel: string;
  qty: number;
  facility: string | null;
  due: string | null;
}

export interface HoldbackDef {
  id: string | null;
  sku: string;
  channel: string | null;
  qty: number;
  facility: string | null;
  from: string | null;
  until: string | null;
}

export interface InboundDef {
  id: string;
  sku: string;
  facility: string;
  qty: number;
  eta: string;
  supplier: string | null;
}

export interface PreorderDef {
  id: string;
  sku: string;
  channel: string;
  qty: number;
  placedAt: string;
}

export type TargetKind = "sku" | "product" | "collection" | "tag" | "vendor";

export interface RuleTarget {
  sku?: string;
  product?: string;
  collection?: string;
  tag?: string;
  vendor?: string;
}

/** A rule field that is null is not set by the rule (the next less specific source applies). */
export interface RuleDef {
  id: string;
  channel: string;
  target: RuleTarget;
  percent: number | null;
  cap: number | null;
  zeroBelow: number | null;
  safetyStock: number | null;
  liveFrom: string | null;
  liveUntil: string | null;
}

export interface PoolDef {
  sku: string;
  channel: string;
  qty: number;
}

export interface QueryDef {
  sku: string;
  channel: string;
  qty: number;
  date: string;
}

export interface Scenario {
  asOf: string;
  handlingDays: number;
  facilities: FacilityDef[];
  suppliers: SupplierDef[];
  channels: ChannelDef[];
  items: ItemDef[];
  reservations: ReservationDef[];
  holdbacks: HoldbackDef[];
  inbound: InboundDef[];
  preorders: PreorderDef[];
  rules: RuleDef[];
  /** null: rebalance at asOf. */
  pools: PoolDef[] | null;
  queries: QueryDef[];
}

/** Sentinels for open-ended date windows, as day numbers. */
export const NO_FROM = -1_000_000_000;
export const NO_UNTIL = 1_000_000_000;

export interface ItemReservation {
  channel: number;
  /** -1: not routed yet. */
  facility: number;
  qty: number;
  due: number;
}

export interface ItemHoldback {
  /** -1: held from every channel. */
  channel: number;
  facility: number;
  qty: number;
  from: number;
  until: number;
}

export interface ItemInbound {
  facility: number;
  qty: number;
  eta: number;
  /** -1: no supplier (ρ = 1, δ = 0). */
  supplier: number;
}

export interface ItemParked {
  channel: number;
  qty: number;
}

/** Everything the engine needs about one item, by index. */
export interface ItemState {
  sku: string;
  product: string | null;
  vendor: string | null;
  tags: readonly string[];
  collections: readonly string[];
  /** Per facility index, before the facility's safety stock. */
  onHand: ArrayLike<number>;
  reservations: readonly ItemReservation[];
  holdbacks: readonly ItemHoldback[];
  inbound: readonly ItemInbound[];
  parked: readonly ItemParked[];
  /** Per channel index, current pools of ring-fenced channels; null: rebalance at asOf. */
  pools: ArrayLike<number> | null;
}
