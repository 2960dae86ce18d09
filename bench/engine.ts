/**
 * `npm run -s bench:engine [-- --quick]`: full recompute of a synthetic catalogue through the
 * per-item path (compileNetwork once, evaluateItem per item), against a day-by-day baseline on
 * a sample in the same run. Prints the machine, the parameters and the figures, then one JSON line.
 */
import { cpus } from "node:os";
import {
  allocatePreorders,
  compileNetwork,
  evaluateItem,
  newItemResult,
  NO_FROM,
  NO_UNTIL,
  parseDay,
  type ChannelDef,
  type ItemState,
  type PoLine,
  type Preorder,
  type RuleDef,
} from "../app/domain/index";
import { referenceAtp } from "../app/domain/reference";
import { onTimeQty } from "../app/domain/supply";
import { prng } from "../scripts/lib/prng";
import { machineLine } from "./lib/proc";

const quick = process.argv.includes("--quick");
const ITEMS = quick ? 20_000 : 100_000;
const BASELINE_SAMPLE = quick ? 2_000 : 5_000;
const SEED = 20261124;
const ASOF = "2026-11-24";
const asOf = parseDay(ASOF);

const rand = prng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const chance = (p: number) => rand() < p;

const facilities = ["central", "times-square", "brooklyn", "broadway"].map((id) => ({ id, safetyStock: id === "central" ? 2 : 0 }));
const ch = (id: string, fac: string[], priority: number, extra: Partial<ChannelDef> = {}): ChannelDef => ({
  id,
  facilities: fac,
  priority,
  promiseWindowDays: 0,
  safetyStock: 0,
  mode: "shared",
  percent: 100,
  cap: null,
  zeroBelow: 0,
  liveFrom: null,
  liveUntil: null,
  ...extra,
});
const channels: ChannelDef[] = [
  ch("online", ["central", "times-square", "brooklyn", "broadway"], 1, { mode: "ringfenced", percent: 60, safetyStock: 2 }),
  ch("amazon", ["central"], 2, { mode: "ringfenced", percent: 25, cap: 150, zeroBelow: 2 }),
  ch("pos", ["times-square", "brooklyn", "broadway"], 3),
  ch("wholesale", ["central"], 4, { promiseWindowDays: 14, safetyStock: 5 }),
  ch("ebay", ["central", "brooklyn"], 5, { percent: 50, cap: 40 }),
  ch("backorder", ["central"], 6, { promiseWindowDays: 28 }),
];
const suppliers = [
  { id: "factory-a", onTimeRate: 0.7, delayDays: 7 },
  { id: "factory-b", onTimeRate: 0.95, delayDays: 3 },
  { id: "mill", onTimeRate: 1, delayDays: 0 },
];
const VENDORS = 30;
const TAGS = 20;
const COLLECTIONS = 50;
const SIZES = 5;

const rules: RuleDef[] = [];
const rule = (channel: string, target: RuleDef["target"], fields: Partial<RuleDef>) =>
  rules.push({
    id: `r${rules.length}`,
    channel,
    target,
    percent: null,
    cap: null,
    zeroBelow: null,
    safetyStock: null,
    liveFrom: null,
    liveUntil: null,
    ...fields,
  });
rule("ebay", {}, { zeroBelow: 3 });
rule("pos", {}, { percent: 90 });
for (let v = 0; v < VENDORS; v += 3) rule(channels[int(0, 5)].id, { vendor: `vendor-${v}` }, { cap: int(20, 200) });
for (let t = 0; t < TAGS; t += 2) rule(channels[int(2, 5)].id, { tag: `tag-${t}` }, { percent: int(40, 100) });
for (let c = 0; c < COLLECTIONS; c += 2) rule(channels[int(0, 5)].id, { collection: `col-${c}` }, { zeroBelow: int(0, 5), safetyStock: int(0, 3) });
for (let p = 0; p < 400; p++)
  rule(channels[int(0, 5)].id, { product: `style-${int(0, ITEMS / SIZES - 1)}` }, { percent: int(10, 100), liveFrom: chance(0.2) ? "2026-11-28" : null });
for (let s = 0; s < 800; s++) rule(channels[int(0, 5)].id, { sku: `sku-${int(0, ITEMS - 1)}` }, { cap: int(0, 50) });

interface BenchItem {
  state: ItemState;
  lines: PoLine[];
  preorders: Preorder[];
  preorderChannels: number[];
  lineFacility: number[];
}

const net = compileNetwork({ facilities, channels, suppliers, rules, handlingDays: 1 });
const C = (id: string) => net.channelIndex.get(id) as number;
const rfChannels = Array.from(net.ringfenced);

function makeItem(i: number): BenchItem {
  const style = Math.floor(i / SIZES);
  const onHand = new Float64Array(4);
  for (let f = 0; f < 4; f++) onHand[f] = chance(0.1) ? 0 : int(0, f === 0 ? 400 : 60);
  const reservations = [];
  const nRes = int(0, 6);
  for (let r = 0; r < nRes; r++) {
    const channel = int(0, 5);
    const group = channels[channel].facilities;
    const routed = chance(0.7);
    const wholesaleLater = channel === C("wholesale") && chance(0.6);
    reservations.push({
      channel,
      facility: routed ? (net.facilityIndex.get(group[int(0, group.length - 1)]) as number) : -1,
      qty: int(1, wholesaleLater ? 120 : 4),
      due: wholesaleLater ? asOf + int(3, 40) : asOf - int(0, 2),
    });
  }
  const holdbacks = [];
  if (chance(0.1))
    holdbacks.push({
      channel: chance(0.5) ? C("wholesale") : -1,
      facility: chance(0.5) ? 0 : -1,
      qty: int(5, 60),
      from: chance(0.3) ? asOf + int(1, 10) : NO_FROM,
      until: chance(0.5) ? asOf + int(5, 30) : NO_UNTIL,
    });
  const inbound = [];
  const lines: PoLine[] = [];
  const lineFacility: number[] = [];
  const nLines = chance(0.4) ? int(1, 2) : 0;
  for (let l = 0; l < nLines; l++) {
    const supplier = int(0, 2);
    const facility = chance(0.8) ? 0 : int(1, 3);
    const eta = asOf + int(-3, 45);
    const qty = int(20, 400);
    inbound.push({ facility, qty, eta, supplier });
    lines.push({ id: `po-${i}-${l}`, qty, eta, delayDays: suppliers[supplier].delayDays });
    lineFacility.push(facility);
  }
  const preorders: Preorder[] = [];
  const preorderChannels: number[] = [];
  if (chance(0.05))
    for (let p = int(1, 3); p > 0; p--) {
      preorders.push({ id: `pre-${i}-${p}`, qty: int(1, 30), placedAt: asOf - int(0, 30) });
      preorderChannels.push(chance(0.5) ? C("online") : C("backorder"));
    }
  const pools = new Float64Array(net.nC);
  for (const c of rfChannels) pools[c] = int(0, 120);
  return {
    state: {
      sku: `sku-${i}`,
      product: `style-${style}`,
      vendor: `vendor-${style % VENDORS}`,
      tags: chance(0.5) ? [`tag-${int(0, TAGS - 1)}`] : [],
      collections: chance(0.6) ? [`col-${int(0, COLLECTIONS - 1)}`, `col-${int(0, COLLECTIONS - 1)}`] : [],
      onHand,
      reservations,
      holdbacks,
      inbound,
      parked: [],
      pools,
    },
    lines,
    preorders,
    preorderChannels,
    lineFacility,
  };
}

/** Allocates the item's pre-orders (as a worker would on each recompute) into its state. */
function withPreorders(b: BenchItem, pools: "given" | "rebalance"): ItemState {
  const base = pools === "given" ? b.state : { ...b.state, pools: null };
  if (b.preorders.length === 0) return base;
  const a = allocatePreorders(b.lines, b.preorders, asOf, 1);
  const reservations = base.reservations.slice();
  const parked = [];
  for (let p = 0; p < b.preorders.length; p++) {
    const l = a.lineOf[p];
    if (l < 0) parked.push({ channel: b.preorderChannels[p], qty: b.preorders[p].qty });
    else reservations.push({ channel: b.preorderChannels[p], facility: b.lineFacility[l], qty: b.preorders[p].qty, due: b.lines[l].eta });
  }
  return { ...base, reservations, parked };
}

const tBuild = performance.now();
const catalogue: BenchItem[] = [];
for (let i = 0; i < ITEMS; i++) catalogue.push(makeItem(i));
const rebalanceStates = catalogue.map((b) => ({ ...b.state, pools: null }));
const buildMs = performance.now() - tBuild;

function fullRecompute(pools: "given" | "rebalance"): { ms: number; checksum: number } {
  const out = newItemResult(net);
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < catalogue.length; i++) {
    const b = catalogue[i];
    const state = b.preorders.length > 0 ? withPreorders(b, pools) : pools === "given" ? b.state : rebalanceStates[i];
    evaluateItem(net, state, asOf, out);
    for (let c = 0; c < net.nC; c++) checksum += out.ats[c];
    checksum += out.doubleExposed;
  }
  return { ms: performance.now() - t0, checksum };
}

/**
 * The baseline: the straightforward way, day by day. Scopes are looked up once per item and
 * channel; then for every day from 0 to the last event every term is summed again, and ATP is
 * the min over the days from the window on. Same inputs, same numbers (checked below).
 */
function dayByDayAtp(state: ItemState, c: number, ss: number): number {
  const nF = net.nF;
  const nC = net.nC;
  const inG = (f: number) => net.inGroup[c * nF + f] === 1;
  const overlaps = (x: number) => net.overlap[c * nC + x] === 1;
  let last = 0;
  for (const l of state.inbound) last = Math.max(last, l.eta + (l.supplier >= 0 ? net.supplierDelay[l.supplier] : 0) - asOf);
  for (const r of state.reservations) last = Math.max(last, r.due - asOf);
  for (const h of state.holdbacks) {
    if (h.from > NO_FROM) last = Math.max(last, h.from - asOf);
    if (h.until < NO_UNTIL) last = Math.max(last, h.until + 1 - asOf);
  }
  let min = Infinity;
  for (let d = 0; d <= Math.max(last + 1, net.window[c]); d++) {
    const t = asOf + d;
    let pab = -ss;
    for (let f = 0; f < nF; f++) if (inG(f)) pab += Math.max(0, state.onHand[f] - net.facilitySafetyStock[f]);
    for (const l of state.inbound) {
      if (!inG(l.facility)) continue;
      const rate = l.supplier >= 0 ? net.supplierRate[l.supplier] : 1;
      const delay = l.supplier >= 0 ? net.supplierDelay[l.supplier] : 0;
      const q1 = onTimeQty(l.qty, rate);
      if (l.eta <= t) pab += q1;
      if (l.eta + delay <= t) pab += l.qty - q1;
    }
    for (const r of state.reservations) if (r.due <= t && (r.facility >= 0 ? inG(r.facility) : overlaps(r.channel))) pab -= r.qty;
    for (const h of state.holdbacks) {
      if (h.channel === c || t < h.from || t > h.until) continue;
      if (!(h.facility >= 0 ? inG(h.facility) : h.channel < 0 || overlaps(h.channel))) continue;
      let used = 0;
      if (h.channel >= 0)
        for (const r of state.reservations)
          if (
            r.channel === h.channel &&
            r.due <= t &&
            (h.facility < 0 || r.facility < 0 || r.facility === h.facility) &&
            (r.facility >= 0 ? inG(r.facility) : overlaps(r.channel))
          )
            used += r.qty;
      pab -= Math.max(0, h.qty - used);
    }
    for (const p of state.parked) if (overlaps(p.channel)) pab -= p.qty;
    if (d >= net.window[c] && pab < min) min = pab;
  }
  return Math.max(0, min);
}

function baseline(sample: number): { ms: number; mismatches: number; referenceMismatches: number } {
  const step = Math.floor(catalogue.length / sample);
  const out = newItemResult(net);
  const states = [];
  const engine: number[] = [];
  const ss: number[] = [];
  for (let s = 0; s < sample; s++) {
    const state = withPreorders(catalogue[s * step], "given");
    evaluateItem(net, state, asOf, out);
    states.push(state);
    for (let c = 0; c < net.nC; c++) {
      engine.push(out.atpBeforePools[c]);
      ss.push(out.policyVal[c * 6 + 3]);
    }
  }
  const got: number[] = [];
  for (let warm = 0; warm < 2; warm++) {
    got.length = 0;
    for (let s = 0; s < sample; s++) for (let c = 0; c < net.nC; c++) got.push(dayByDayAtp(states[s], c, ss[s * net.nC + c]));
  }
  let ms = Infinity;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    got.length = 0;
    for (let s = 0; s < sample; s++) for (let c = 0; c < net.nC; c++) got.push(dayByDayAtp(states[s], c, ss[s * net.nC + c]));
    ms = Math.min(ms, performance.now() - t0);
  }
  let mismatches = 0;
  let referenceMismatches = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== engine[i]) mismatches++;
  // and the test oracle (reference.ts) on a smaller slice
  for (let s = 0; s < Math.min(sample, 200); s++)
    for (let c = 0; c < net.nC; c++)
      if (referenceAtp(net, states[s], asOf, c, ss[s * net.nC + c]) !== engine[s * net.nC + c]) referenceMismatches++;
  return { ms, mismatches, referenceMismatches };
}

const cpu = cpus();
console.log("Ringfence engine benchmark");
console.log(machineLine());
console.log(
  `parameters: ${ITEMS.toLocaleString("en-US")} items × ${net.nC} channels (${rfChannels.length} ring-fenced) × ${net.nF} facilities, ` +
    `${rules.length} rules, seed ${SEED}${quick ? " (--quick)" : ""}`,
);
let res = 0;
let hbs = 0;
let lines = 0;
let pre = 0;
let later = 0;
for (const b of catalogue) {
  res += b.state.reservations.length;
  later += b.state.reservations.filter((r) => r.due > asOf).length;
  hbs += b.state.holdbacks.length;
  lines += b.lines.length;
  pre += b.preorders.length;
}
console.log(
  `catalogue: ${res} open order lines (${later} future-dated), ${hbs} holdbacks, ${lines} PO lines, ${pre} pre-orders; built in ${buildMs.toFixed(0)} ms`,
);

// Warm-up: let the JIT settle on both paths.
fullRecompute("given");
fullRecompute("rebalance");

const RUNS = 3;
let best = Infinity;
let bestRebalance = Infinity;
let checksum = 0;
for (let r = 0; r < RUNS; r++) {
  const g = fullRecompute("given");
  best = Math.min(best, g.ms);
  checksum = g.checksum;
  bestRebalance = Math.min(bestRebalance, fullRecompute("rebalance").ms);
}
const itemChannels = ITEMS * net.nC;
const perSecond = Math.round(itemChannels / (best / 1000));
const rebalancePerSecond = Math.round(itemChannels / (bestRebalance / 1000));
console.log(
  `full recompute, pools given (steady state): ${best.toFixed(0)} ms → ${perSecond.toLocaleString("en-US")} item×channel evaluations/s`,
);
console.log(
  `full recompute, fresh rebalance at asOf:    ${bestRebalance.toFixed(0)} ms → ${rebalancePerSecond.toLocaleString("en-US")} item×channel evaluations/s`,
);
console.log(`(best of ${RUNS} runs after a warm-up; ATS checksum ${checksum})`);

const b = baseline(BASELINE_SAMPLE);
const baselinePerSecond = Math.round((BASELINE_SAMPLE * net.nC) / (b.ms / 1000));
const speedup = perSecond / baselinePerSecond;
console.log(
  `baseline (day-by-day PAB, ATP only, ${BASELINE_SAMPLE} items, best of 3): ${baselinePerSecond.toLocaleString("en-US")} item×channel/s; ` +
    `engine is ${speedup.toFixed(1)}× faster while also doing rules, pools, ATS and exposure`,
);
console.log(
  `agreement on the sample: baseline ${b.mismatches === 0 ? "all ATPs equal" : `${b.mismatches} MISMATCHES`}, ` +
    `test oracle ${b.referenceMismatches === 0 ? "all ATPs equal" : `${b.referenceMismatches} MISMATCHES`}`,
);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`peak RSS: ${peakRssMb} MB`);
console.log(
  JSON.stringify({
    itemChannelsPerSecond: perSecond,
    peakRssMb,
    items: ITEMS,
    channels: net.nC,
    facilities: net.nF,
    ringfencedChannels: rfChannels.length,
    rules: rules.length,
    rebalanceItemChannelsPerSecond: rebalancePerSecond,
    baselineItemChannelsPerSecond: baselinePerSecond,
    speedup: Number(speedup.toFixed(1)),
    baselineMismatches: b.mismatches + b.referenceMismatches,
    quick,
    node: process.version,
    cores: cpu.length,
  }),
);
if (b.mismatches + b.referenceMismatches > 0) process.exitCode = 1;
