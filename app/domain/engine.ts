/**
 * The whole-scenario path: evaluate(scenario) → the output document of scenario-format.md,
 * with a breakdown on every number. It builds one compiled network and runs the per-item path
 * (item.ts) for each item, exactly as a worker does for one.
 */
import { formatDay, parseDay } from "./dates";
import { F_CAP, F_PERCENT, NFIELDS } from "./exposure";
import { atpBreakdown, atsBreakdown, type AtpBreakdown, type AtsBreakdown } from "./explain";
import { evaluateItem, newItemResult } from "./item";
import { compileNetwork, type CompiledNetwork } from "./network";
import { allocatePreorders, storefrontSummary, type Allocation, type PoLine } from "./preorders";
import { atpOnDay, earliestDay } from "./promise";
import {
  NO_FROM,
  NO_UNTIL,
  type HoldbackDef,
  type InboundDef,
  type ItemDef,
  type ItemState,
  type PoolDef,
  type PreorderDef,
  type ReservationDef,
  type Scenario,
} from "./types";

export interface AvailabilityRow {
  sku: string;
  channel: string;
  atp: number;
  ats: number;
  rule: string | null;
  breakdown: { atp: AtpBreakdown; ats: AtsBreakdown };
}

export interface PromiseRow {
  sku: string;
  channel: string;
  qty: number;
  date: string;
  atp: number;
  canPromise: boolean;
  earliestDate: string | null;
  breakdown: AtpBreakdown;
}

export interface PreorderRow {
  id: string;
  sku: string;
  channel: string;
  qty: number;
  inbound: string | null;
  promiseDate: string | null;
}

export interface ExposureRow {
  sku: string;
  doubleExposed: number;
  breakdown: { sumAts: number; networkSupply: number; horizonDays: number };
}

export interface PoolRow {
  sku: string;
  channel: string;
  qty: number;
  breakdown: {
    source: "rebalance" | "given";
    percent: number;
    cap: number | null;
    atpBeforeCarving: number;
    entitlement: number | null;
    facilities: Record<string, number>;
    /** Free supply over the ring-fenced channels' facilities: F_T when this is a rebalance. */
    freeSupply: number;
  };
}

export interface PoLineRow {
  id: string;
  sku: string;
  remaining: number;
  allocated: number;
  poAtp: number;
}

export interface PreorderSummaryRow {
  sku: string;
  poAtp: number;
  promiseDate: string | null;
  parked: number;
  parkedQty: number;
}

export interface EvaluationResult {
  asOf: string;
  availability: AvailabilityRow[];
  promises: PromiseRow[];
  preorders: PreorderRow[];
  exposure: ExposureRow[];
  pools: PoolRow[];
  poLines: PoLineRow[];
  preorderSummary: PreorderSummaryRow[];
}

export interface ItemParts {
  reservations: readonly ReservationDef[];
  holdbacks: readonly HoldbackDef[];
  inbound: readonly InboundDef[];
  preorders: readonly PreorderDef[];
  /** null: rebalance. */
  pools: readonly PoolDef[] | null;
}

export interface BuiltItem {
  state: ItemState;
  lines: PoLine[];
  allocation: Allocation;
}

function idx(map: ReadonlyMap<string, number>, id: string, what: string): number {
  const i = map.get(id);
  if (i === undefined) throw new Error(`unknown ${what} "${id}"`);
  return i;
}

/**
 * One item's state by index, with its pre-orders allocated to its inbound lines: allocated ones
 * become reservations at the line's facility due at its ETA, the rest stay parked.
 */
export function buildItemState(net: CompiledNetwork, asOf: number, item: ItemDef, parts: ItemParts): BuiltItem {
  const onHand = new Float64Array(net.nF);
  for (const [f, q] of Object.entries(item.onHand)) onHand[idx(net.facilityIndex, f, "facility")] = q;
  const reservations = parts.reservations.map((r) => ({
    channel: idx(net.channelIndex, r.channel, "channel"),
    facility: r.facility === null ? -1 : idx(net.facilityIndex, r.facility, "facility"),
    qty: r.qty,
    due: r.due === null ? asOf : parseDay(r.due),
  }));
  const holdbacks = parts.holdbacks.map((h) => ({
    channel: h.channel === null ? -1 : idx(net.channelIndex, h.channel, "channel"),
    facility: h.facility === null ? -1 : idx(net.facilityIndex, h.facility, "facility"),
    qty: h.qty,
    from: h.from === null ? NO_FROM : parseDay(h.from),
    until: h.until === null ? NO_UNTIL : parseDay(h.until),
  }));
  const inbound = parts.inbound.map((l) => ({
    facility: idx(net.facilityIndex, l.facility, "facility"),
    qty: l.qty,
    eta: parseDay(l.eta),
    supplier: l.supplier === null ? -1 : idx(net.supplierIndex, l.supplier, "supplier"),
  }));
  const lines: PoLine[] = parts.inbound.map((l, i) => ({
    id: l.id,
    qty: l.qty,
    eta: inbound[i].eta,
    delayDays: inbound[i].supplier >= 0 ? net.supplierDelay[inbound[i].supplier] : 0,
  }));
  const preorders = parts.preorders.map((p) => ({ id: p.id, qty: p.qty, placedAt: parseDay(p.placedAt) }));
  const allocation = allocatePreorders(lines, preorders, asOf, net.handlingDays);
  const parked = [];
  for (let i = 0; i < preorders.length; i++) {
    const channel = idx(net.channelIndex, parts.preorders[i].channel, "channel");
    const l = allocation.lineOf[i];
    if (l < 0) parked.push({ channel, qty: preorders[i].qty });
    else reservations.push({ channel, facility: inbound[l].facility, qty: preorders[i].qty, due: inbound[l].eta });
  }
  let pools: Float64Array | null = null;
  if (parts.pools !== null) {
    pools = new Float64Array(net.nC);
    for (const p of parts.pools) pools[idx(net.channelIndex, p.channel, "channel")] = p.qty;
  }
  const state: ItemState = {
    sku: item.sku,
    product: item.product,
    vendor: item.vendor,
    tags: item.tags,
    collections: item.collections,
    onHand,
    reservations,
    holdbacks,
    inbound,
    parked,
    pools,
  };
  return { state, lines, allocation };
}

function groupBySku<T extends { sku: string }>(rows: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.sku);
    if (list) list.push(r);
    else m.set(r.sku, [r]);
  }
  return m;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Evaluates a validated scenario. Pure: same scenario, same document. */
export function evaluate(scenario: Scenario): EvaluationResult {
  const asOf = parseDay(scenario.asOf);
  const net = compileNetwork(scenario);
  const reservations = groupBySku(scenario.reservations);
  const holdbacks = groupBySku(scenario.holdbacks);
  const inbound = groupBySku(scenario.inbound);
  const preorders = groupBySku(scenario.preorders);
  const pools = scenario.pools === null ? null : groupBySku(scenario.pools);
  const queries = groupBySku(scenario.queries.map((q, i) => ({ ...q, i })));
  const channelOrder = net.channelIds.map((_, c) => c).sort((a, b) => byString(net.channelIds[a], net.channelIds[b]));

  const out: EvaluationResult = {
    asOf: scenario.asOf,
    availability: [],
    promises: new Array(scenario.queries.length),
    preorders: [],
    exposure: [],
    pools: [],
    poLines: [],
    preorderSummary: [],
  };
  const preorderRows = new Map<string, PreorderRow>();
  const items = [...scenario.items].sort((a, b) => byString(a.sku, b.sku));
  for (const item of items) {
    const sku = item.sku;
    const built = buildItemState(net, asOf, item, {
      reservations: reservations.get(sku) ?? [],
      holdbacks: holdbacks.get(sku) ?? [],
      inbound: inbound.get(sku) ?? [],
      preorders: preorders.get(sku) ?? [],
      pools: pools === null ? null : (pools.get(sku) ?? []),
    });
    const res = evaluateItem(net, built.state, asOf, newItemResult(net), { timeline: true });

    for (const c of channelOrder) {
      const rule = res.rule[c];
      out.availability.push({
        sku,
        channel: net.channelIds[c],
        atp: res.atp[c],
        ats: res.ats[c],
        rule: rule < 0 ? null : net.rules.ids[rule],
        breakdown: { atp: atpBreakdown(net, built.state, asOf, res, c), ats: atsBreakdown(net, res, c) },
      });
    }
    for (const q of queries.get(sku) ?? []) {
      const c = idx(net.channelIndex, q.channel, "channel");
      const day = parseDay(q.date) - asOf;
      const { atp, bindingDay } = atpOnDay(res, c, day);
      const first = earliestDay(res, c, q.qty);
      out.promises[q.i] = {
        sku,
        channel: q.channel,
        qty: q.qty,
        date: q.date,
        atp,
        canPromise: q.qty <= atp,
        earliestDate: first === null ? null : formatDay(asOf + first),
        breakdown: atpBreakdown(net, built.state, asOf, res, c, bindingDay),
      };
    }
    out.exposure.push({
      sku,
      doubleExposed: res.doubleExposed,
      breakdown: { sumAts: res.sumAts, networkSupply: res.networkSupply, horizonDays: net.networkWindow },
    });
    const rfSorted = [...net.ringfenced].sort((a, b) => byString(net.channelIds[a], net.channelIds[b]));
    for (const c of rfSorted) {
      const facilities: Record<string, number> = {};
      for (let f = 0; f < net.nF; f++) {
        const q = res.placed[c * net.nF + f];
        if (q > 0) facilities[net.facilityIds[f]] = q;
      }
      const ent = res.entitlement[c];
      const capV = res.policyVal[c * NFIELDS + F_CAP];
      out.pools.push({
        sku,
        channel: net.channelIds[c],
        qty: res.pool[c],
        breakdown: {
          source: built.state.pools === null ? "rebalance" : "given",
          percent: res.policyVal[c * NFIELDS + F_PERCENT] / 100,
          cap: capV < 0 ? null : capV,
          atpBeforeCarving: res.atpBeforePools[c],
          entitlement: Number.isNaN(ent) ? null : ent,
          facilities,
          freeSupply: res.freeSupply,
        },
      });
    }
    const skuPreorders = preorders.get(sku) ?? [];
    skuPreorders.forEach((p, i) => {
      const l = built.allocation.lineOf[i];
      preorderRows.set(p.id, {
        id: p.id,
        sku,
        channel: p.channel,
        qty: p.qty,
        inbound: l < 0 ? null : built.lines[l].id,
        promiseDate: l < 0 ? null : formatDay(built.allocation.promiseDay[i]),
      });
    });
    built.lines.forEach((l, i) => {
      const allocated = built.allocation.allocated[i];
      out.poLines.push({ id: l.id, sku, remaining: l.qty, allocated, poAtp: Math.max(0, l.qty - allocated) });
    });
    if (built.lines.length > 0 || skuPreorders.length > 0) {
      const s = storefrontSummary(built.lines, built.allocation, asOf, net.handlingDays);
      out.preorderSummary.push({
        sku,
        poAtp: s.poAtp,
        promiseDate: s.promiseDay === null ? null : formatDay(s.promiseDay),
        parked: built.allocation.parkedCount,
        parkedQty: built.allocation.parkedQty,
      });
    }
  }
  out.preorders = scenario.preorders.map((p) => preorderRows.get(p.id) as PreorderRow);
  return out;
}
