/**
 * Property tests for every invariant listed in atp-model.md, on random small networks.
 * The day-by-day reference (reference.ts) is the oracle for the fast path's numbers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, parseDay } from "./dates";
import { buildItemState, evaluate, type EvaluationResult } from "./engine";
import { applyEvent, initialEventState, type EngineEvent } from "./events";
import { evaluateItem } from "./item";
import { compileNetwork, type CompiledNetwork } from "./network";
import { transitionPools, type PoolSnapshot } from "./pools";
import { promise } from "./promise";
import { channelView, referenceHorizon, referenceMinPab, referencePab } from "./reference";
import { validateScenario } from "./scenario";
import type { ItemState, Scenario } from "./types";

const ASOF = "2026-11-24";
const asOfDay = parseDay(ASOF);
const FAC = ["wh", "store", "bk"];
// PROPERTY_RUNS=2000 for a deeper search; the default keeps the suite fast.
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) };

interface Shape {
  ringfenced: boolean;
  preorders: boolean;
}

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

function scenarioArb(shape: Shape): fc.Arbitrary<Scenario> {
  const channel = fc.record({
    mask: fc.integer({ min: 1, max: 7 }),
    rotate: fc.nat(2),
    priority: fc.integer({ min: 1, max: 4 }),
    window: fc.integer({ min: 0, max: 15 }),
    ss: fc.integer({ min: 0, max: 5 }),
    rf: fc.boolean(),
    percent: fc.integer({ min: 0, max: 100 }),
    cap: opt(fc.integer({ min: 0, max: 60 })),
    zeroBelow: fc.integer({ min: 0, max: 4 }),
    liveFrom: opt(fc.integer({ min: -5, max: 5 })),
  });
  return fc
    .record({
      nF: fc.integer({ min: 1, max: 3 }),
      facilitySS: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
      suppliers: fc.array(fc.record({ rate: fc.constantFrom(0, 0.3, 0.5, 0.7, 1), delay: fc.integer({ min: 0, max: 10 }) }), {
        maxLength: 2,
      }),
      channels: fc.array(channel, { minLength: 1, maxLength: 4 }),
      items: fc.array(
        fc.record({
          onHand: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 3, maxLength: 3 }),
          product: fc.constantFrom("P1", "P2"),
          vendor: fc.constantFrom("V1", "V2"),
          tags: fc.subarray(["t1", "t2"]),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      reservations: fc.array(
        fc.record({
          item: fc.nat(),
          channel: fc.nat(),
          qty: fc.integer({ min: 0, max: 30 }),
          facility: opt(fc.nat()),
          due: opt(fc.integer({ min: -3, max: 20 })),
        }),
        { maxLength: 6 },
      ),
      holdbacks: fc.array(
        fc.record({
          item: fc.nat(),
          channel: opt(fc.nat()),
          qty: fc.integer({ min: 0, max: 25 }),
          facility: opt(fc.nat()),
          from: opt(fc.integer({ min: -3, max: 10 })),
          length: opt(fc.integer({ min: 0, max: 15 })),
        }),
        { maxLength: 3 },
      ),
      inbound: fc.array(
        fc.record({
          item: fc.nat(),
          facility: fc.nat(),
          qty: fc.integer({ min: 0, max: 40 }),
          eta: fc.integer({ min: -5, max: 25 }),
          supplier: opt(fc.nat()),
        }),
        { maxLength: 3 },
      ),
      preorders: fc.array(
        fc.record({ item: fc.nat(), channel: fc.nat(), qty: fc.integer({ min: 0, max: 15 }), placed: fc.integer({ min: -20, max: 0 }) }),
        { maxLength: shape.preorders ? 3 : 0 },
      ),
      rules: fc.array(
        fc.record({
          channel: fc.nat(),
          kind: fc.constantFrom("everything", "sku", "product", "tag", "vendor"),
          percent: opt(fc.integer({ min: 0, max: 100 })),
          cap: opt(fc.integer({ min: 0, max: 50 })),
          zeroBelow: opt(fc.integer({ min: 0, max: 5 })),
          ss: opt(fc.integer({ min: 0, max: 5 })),
          liveFrom: opt(fc.integer({ min: -3, max: 3 })),
        }),
        { maxLength: 3 },
      ),
    })
    .map((r) => {
      const facilities = FAC.slice(0, r.nF);
      const nC = r.channels.length;
      const skus = r.items.map((_, i) => `S${i}`);
      const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length];
      const doc = {
        asOf: ASOF,
        facilities: facilities.map((id, i) => ({ id, safetyStock: r.facilitySS[i] })),
        suppliers: r.suppliers.map((s, i) => ({ id: `sup${i}`, onTimeRate: s.rate, delayDays: s.delay })),
        channels: r.channels.map((c, i) => {
          let group = facilities.filter((_, f) => (c.mask >> f) & 1);
          if (group.length === 0) group = [facilities[0]];
          const k = c.rotate % group.length;
          group = [...group.slice(k), ...group.slice(0, k)];
          return {
            id: `c${i}`,
            facilities: group,
            priority: c.priority,
            promiseWindowDays: c.window,
            safetyStock: c.ss,
            mode: shape.ringfenced && c.rf ? "ringfenced" : "shared",
            percent: c.percent,
            cap: c.cap,
            zeroBelow: c.zeroBelow,
            liveFrom: c.liveFrom === null ? null : addDays(ASOF, c.liveFrom),
          };
        }),
        items: r.items.map((it, i) => ({
          sku: skus[i],
          product: it.product,
          vendor: it.vendor,
          tags: it.tags,
          onHand: Object.fromEntries(facilities.map((f, j) => [f, it.onHand[j]])),
        })),
        reservations: r.reservations.map((x, i) => ({
          id: `r${i}`,
          sku: pick(skus, x.item),
          channel: `c${x.channel % nC}`,
          qty: x.qty,
          facility: x.facility === null ? null : pick(facilities, x.facility),
          due: x.due === null ? null : addDays(ASOF, x.due),
        })),
        holdbacks: r.holdbacks.map((h) => ({
          sku: pick(skus, h.item),
          channel: h.channel === null ? null : `c${h.channel % nC}`,
          qty: h.qty,
          facility: h.facility === null ? null : pick(facilities, h.facility),
          from: h.from === null ? null : addDays(ASOF, h.from),
          until: h.length === null ? null : addDays(ASOF, (h.from ?? 0) + h.length),
        })),
        inbound: r.inbound.map((l, i) => ({
          id: `po${i}`,
          sku: pick(skus, l.item),
          facility: pick(facilities, l.facility),
          qty: l.qty,
          eta: addDays(ASOF, l.eta),
          supplier: l.supplier === null || r.suppliers.length === 0 ? null : `sup${l.supplier % r.suppliers.length}`,
        })),
        preorders: r.preorders.map((p, i) => ({
          id: `pre${i}`,
          sku: pick(skus, p.item),
          channel: `c${p.channel % nC}`,
          qty: p.qty,
          placedAt: addDays(ASOF, p.placed),
        })),
        rules: r.rules.map((x, i) => ({
          id: `rule${i}`,
          channel: `c${x.channel % nC}`,
          target:
            x.kind === "everything"
              ? {}
              : x.kind === "sku"
                ? { sku: skus[0] }
                : x.kind === "product"
                  ? { product: "P1" }
                  : x.kind === "tag"
                    ? { tag: "t1" }
                    : { vendor: "V2" },
          percent: x.percent,
          cap: x.cap,
          zeroBelow: x.zeroBelow,
          safetyStock: x.ss,
          liveFrom: x.liveFrom === null ? null : addDays(ASOF, x.liveFrom),
        })),
      };
      return validateScenario(doc);
    });
}

const plain = scenarioArb({ ringfenced: false, preorders: true });
const noPreorders = scenarioArb({ ringfenced: false, preorders: false });
const fenced = scenarioArb({ ringfenced: true, preorders: true });
const fencedNoPreorders = scenarioArb({ ringfenced: true, preorders: false });

const key = (sku: string, channel: string) => `${sku}|${channel}`;
function numbers(r: EvaluationResult): Map<string, { atp: number; ats: number }> {
  return new Map(r.availability.map((a) => [key(a.sku, a.channel), { atp: a.atp, ats: a.ats }]));
}
/** The rebalance's pools, written back as given pools (the state a worker would hold). */
function fixPools(s: Scenario): Scenario {
  if (!s.channels.some((c) => c.mode === "ringfenced")) return s;
  const r = evaluate(s);
  return { ...s, pools: r.pools.map((p) => ({ sku: p.sku, channel: p.channel, qty: p.qty })) };
}
function withOnHand(s: Scenario, sku: string, f: string, add: number): Scenario {
  return {
    ...s,
    items: s.items.map((it) => (it.sku === sku ? { ...it, onHand: { ...it.onHand, [f]: (it.onHand[f] ?? 0) + add } } : it)),
  };
}
function itemStates(s: Scenario): { net: CompiledNetwork; items: ItemState[] } {
  const net = compileNetwork(s);
  const items = s.items.map(
    (it) =>
      buildItemState(net, asOfDay, it, {
        reservations: s.reservations.filter((r) => r.sku === it.sku),
        holdbacks: s.holdbacks.filter((r) => r.sku === it.sku),
        inbound: s.inbound.filter((r) => r.sku === it.sku),
        preorders: s.preorders.filter((r) => r.sku === it.sku),
        pools: s.pools === null ? null : s.pools.filter((p) => p.sku === it.sku),
      }).state,
  );
  return { net, items };
}
const facilityIds = (s: Scenario, channel: string) => s.channels.find((c) => c.id === channel)!.facilities;

describe("invariants: numbers", { timeout: 300_000 }, () => {
  it("ATS ≤ ATP, ATP ≥ 0, all integers (shared, rebalanced and given pools)", () => {
    const withRandomPools = fc
      .tuple(fenced, fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 8, maxLength: 8 }))
      .map(([s, qs]) => {
        const pools = s.items.flatMap((it, i) =>
          s.channels.filter((c) => c.mode === "ringfenced").map((c, j) => ({ sku: it.sku, channel: c.id, qty: qs[(i * 4 + j) % 8] })),
        );
        return { ...s, pools };
      });
    fc.assert(
      fc.property(fc.oneof(plain, fenced, withRandomPools), (s) => {
        const r = evaluate(s);
        for (const a of r.availability) {
          expect(Number.isInteger(a.atp) && Number.isInteger(a.ats)).toBe(true);
          expect(a.atp).toBeGreaterThanOrEqual(0);
          expect(a.ats).toBeGreaterThanOrEqual(0);
          expect(a.ats).toBeLessThanOrEqual(a.atp);
          // the breakdown adds up to the number it explains
          expect(Math.max(0, a.breakdown.atp.projected)).toBe(a.atp);
        }
        for (const p of r.pools) expect(Number.isInteger(p.qty) && p.qty >= 0).toBe(true);
        for (const e of r.exposure) expect(Number.isInteger(e.doubleExposed) && e.doubleExposed >= 0).toBe(true);
      }),
      RUNS,
    );
  });

  it("the fast path equals the day-by-day formula (ATP before pools, free and network supply)", () => {
    fc.assert(
      fc.property(fenced, (s) => {
        const { net, items } = itemStates(s);
        for (const item of items) {
          const res = evaluateItem(net, item, asOfDay);
          for (let c = 0; c < net.nC; c++) {
            const view = channelView(net, c, res.policyVal[c * 6 + 3]);
            expect(res.atpBeforePools[c]).toBe(Math.max(0, referenceMinPab(net, item, asOfDay, view, net.window[c])));
          }
          const all = FAC.slice(0, net.nF).map((_, f) => f);
          const network = referenceMinPab(
            net,
            item,
            asOfDay,
            { facilities: all, exempt: [], safetyStock: 0, skipBeneficiaryHoldbacks: true },
            net.networkWindow,
          );
          expect(res.networkSupply).toBe(Math.max(0, network));
          if (net.ringfenced.length > 0) {
            const union = all.filter((f) => net.inGroup[net.unionView * net.nF + f] === 1);
            const rf = Array.from(net.ringfenced);
            const free = referenceMinPab(net, item, asOfDay, { facilities: union, exempt: rf, safetyStock: 0 }, net.unionWindow);
            expect(res.freeSupply).toBe(free);
          }
        }
      }),
      RUNS,
    );
  });
});

describe("invariants: monotonicity and scope (pools held fixed)", { timeout: 300_000 }, () => {
  const mutation = fc.record({ item: fc.nat(), facility: fc.nat(), qty: fc.integer({ min: 1, max: 30 }), channel: fc.nat() });

  it("more on hand never lowers any ATP", () => {
    fc.assert(
      fc.property(fc.oneof(plain, fenced), mutation, (s0, m) => {
        const s = fixPools(s0);
        const f = s.facilities[m.facility % s.facilities.length].id;
        const sku = s.items[m.item % s.items.length].sku;
        const before = numbers(evaluate(s));
        const after = numbers(evaluate(withOnHand(s, sku, f, m.qty)));
        for (const [k, v] of before) expect(after.get(k)!.atp).toBeGreaterThanOrEqual(v.atp);
      }),
      RUNS,
    );
  });

  it("more inbound never lowers any ATP (pre-order allocation aside: see 001)", () => {
    fc.assert(
      fc.property(fc.oneof(noPreorders, fencedNoPreorders), mutation, fc.integer({ min: -3, max: 25 }), fc.boolean(), (s0, m, eta, bump) => {
        const s = fixPools(s0);
        const f = s.facilities[m.facility % s.facilities.length].id;
        const sku = s.items[m.item % s.items.length].sku;
        const more: Scenario =
          bump && s.inbound.length > 0
            ? { ...s, inbound: s.inbound.map((l, i) => (i === m.item % s.inbound.length ? { ...l, qty: l.qty + m.qty } : l)) }
            : { ...s, inbound: [...s.inbound, { id: "extra", sku, facility: f, qty: m.qty, eta: addDays(ASOF, eta), supplier: null }] };
        const before = numbers(evaluate(s));
        const after = numbers(evaluate(more));
        for (const [k, v] of before) expect(after.get(k)!.atp).toBeGreaterThanOrEqual(v.atp);
      }),
      RUNS,
    );
  });

  it("more reservations never raise any ATP", () => {
    fc.assert(
      fc.property(fc.oneof(plain, fenced), mutation, fc.boolean(), fc.integer({ min: -2, max: 20 }), (s0, m, routed, due) => {
        const s = fixPools(s0);
        const f = s.facilities[m.facility % s.facilities.length].id;
        const sku = s.items[m.item % s.items.length].sku;
        const channel = s.channels[m.channel % s.channels.length].id;
        const more: Scenario = {
          ...s,
          reservations: [
            ...s.reservations,
            { id: "extra", sku, channel, qty: m.qty, facility: routed ? f : null, due: addDays(ASOF, due) },
          ],
        };
        const before = numbers(evaluate(s));
        const after = numbers(evaluate(more));
        for (const [k, v] of before) expect(after.get(k)!.atp).toBeLessThanOrEqual(v.atp);
      }),
      RUNS,
    );
  });

  it("a channel's reservations on facilities outside another channel's group do not change it", () => {
    fc.assert(
      fc.property(fc.oneof(plain, fenced), mutation, fc.integer({ min: -2, max: 20 }), (s0, m, due) => {
        const s = fixPools(s0);
        const sku = s.items[m.item % s.items.length].sku;
        const x = s.channels[m.channel % s.channels.length];
        // Facilities where a pool can sit: a reservation there may push a pool elsewhere (002).
        const pooled = new Set(s.channels.filter((c) => c.mode === "ringfenced").flatMap((c) => c.facilities));
        const f = s.facilities[m.facility % s.facilities.length].id;
        const routedOutside = s.channels.filter((d) => d.id !== x.id && !d.facilities.includes(f) && !pooled.has(f));
        // Not routed: out of scope for every channel whose group does not overlap x's.
        const unroutedOutside = s.channels.filter(
          (d) => d.id !== x.id && !d.facilities.some((g) => x.facilities.includes(g)) && !x.facilities.some((g) => pooled.has(g)),
        );
        const before = numbers(evaluate(s));
        const add = (facility: string | null): Scenario => ({
          ...s,
          reservations: [...s.reservations, { id: "extra", sku, channel: x.id, qty: m.qty, facility, due: addDays(ASOF, due) }],
        });
        const routed = numbers(evaluate(add(f)));
        for (const d of routedOutside) for (const it of s.items) expect(routed.get(key(it.sku, d.id))).toEqual(before.get(key(it.sku, d.id)));
        const unrouted = numbers(evaluate(add(null)));
        for (const d of unroutedOutside)
          for (const it of s.items) expect(unrouted.get(key(it.sku, d.id))).toEqual(before.get(key(it.sku, d.id)));
      }),
      RUNS,
    );
  });
});

describe("invariants: events", { timeout: 300_000 }, () => {
  const eventArb = (s: Scenario) =>
    fc.oneof(
      fc.record({
        type: fc.constant("order" as const),
        id: fc.constantFrom("o1", "o2", "r0"),
        sku: fc.constantFrom(...s.items.map((i) => i.sku)),
        channel: fc.constantFrom(...s.channels.map((c) => c.id)),
        qty: fc.integer({ min: 0, max: 20 }),
        facility: fc.option(fc.constantFrom(...s.facilities.map((f) => f.id)), { nil: null }),
        due: fc.option(fc.integer({ min: 0, max: 15 }).map((d) => addDays(ASOF, d)), { nil: null }),
      }),
      fc.record({ type: fc.constant("cancel" as const), id: fc.constantFrom("o1", "o2", "r0", "r1") }),
      fc.record({
        type: fc.constant("fulfil" as const),
        id: fc.constantFrom("o1", "o2", "r0", "r1"),
        facility: fc.constantFrom(...s.facilities.map((f) => f.id)),
      }),
      fc.record({
        type: fc.constant("stock" as const),
        sku: fc.constantFrom(...s.items.map((i) => i.sku)),
        facility: fc.constantFrom(...s.facilities.map((f) => f.id)),
        onHand: fc.integer({ min: 0, max: 60 }),
      }),
    ) as fc.Arbitrary<EngineEvent>;

  it("applying the same event twice changes nothing", () => {
    fc.assert(
      fc.property(
        plain.chain((s) => fc.tuple(fc.constant(s), fc.array(eventArb(s), { maxLength: 4 }), eventArb(s))),
        ([s, history, e]) => {
          let state = initialEventState(s);
          for (const h of history) state = applyEvent(state, h);
          const once = applyEvent(state, e);
          const twice = applyEvent(once, e);
          expect(twice).toEqual(once);
          expect(evaluate(twice.scenario)).toEqual(evaluate(once.scenario));
        },
      ),
      RUNS,
    );
  });

  it("cancelling an order restores exactly what it took (pools through the state transition)", () => {
    fc.assert(
      fc.property(fc.oneof(plain, fenced), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 20 }), fc.nat(), fc.integer({ min: 0, max: 10 }), (s, i, c, qty, f, due) => {
        const sku = s.items[i % s.items.length].sku;
        const channel = s.channels[c % s.channels.length].id;
        const facility = f % 2 === 0 ? null : s.facilities[f % s.facilities.length].id;
        const base = evaluate(s);
        const snapshot = snapshots(s, base);
        const placed = applyEvent(initialEventState(s), { type: "order", id: "new", sku, channel, qty, facility, due: addDays(ASOF, due) });
        const mid = evaluate(withTransition(placed.scenario, snapshot, { [key(sku, channel)]: qty }));
        const cancelled = applyEvent(placed, { type: "cancel", id: "new" });
        expect(cancelled.scenario.reservations).toEqual(s.reservations);
        const after = evaluate(withTransition(cancelled.scenario, snapshot, {}));
        expect(numbers(after)).toEqual(numbers(base));
        expect(after.pools.map((p) => p.qty)).toEqual(base.pools.map((p) => p.qty));
        expect(mid.availability.length).toBe(base.availability.length);
      }),
      RUNS,
    );
  });

  it("a cancel that arrives before its order ends in the same state", () => {
    fc.assert(
      fc.property(plain, fc.integer({ min: 1, max: 9 }), (s, qty) => {
        const order: EngineEvent = { type: "order", id: "o", sku: s.items[0].sku, channel: s.channels[0].id, qty };
        const cancel: EngineEvent = { type: "cancel", id: "o" };
        const a = applyEvent(applyEvent(initialEventState(s), order), cancel);
        const b = applyEvent(applyEvent(initialEventState(s), cancel), order);
        expect(a.scenario).toEqual(b.scenario);
      }),
    );
  });
});

/** Per item, the rebalance snapshot a worker stores (entitlements and F_T). */
function snapshots(s: Scenario, r: EvaluationResult): Map<string, PoolSnapshot> {
  const out = new Map<string, PoolSnapshot>();
  for (const p of r.pools) {
    const ch = s.channels.find((c) => c.id === p.channel)!;
    const snap = out.get(p.sku) ?? { freeSupply: p.breakdown.freeSupply, channels: [] };
    snap.channels.push({ channel: p.channel, priority: ch.priority, percent: p.breakdown.percent, cap: p.breakdown.cap, entitlement: p.qty });
    out.set(p.sku, snap);
  }
  return out;
}

/** The scenario with pools from the state transition: sold since the snapshot and F now. */
function withTransition(s: Scenario, snaps: Map<string, PoolSnapshot>, sold: Record<string, number>): Scenario {
  if (snaps.size === 0) return s;
  const now = evaluate(s);
  const pools = [...snaps].flatMap(([sku, snap]) => {
    const freeSupply = now.pools.find((p) => p.sku === sku)!.breakdown.freeSupply;
    const soldHere = Object.fromEntries(snap.channels.map((c) => [c.channel, sold[key(sku, c.channel)] ?? 0]));
    const next = transitionPools(snap, { sold: soldHere, freeSupply });
    return Object.entries(next).map(([channel, qty]) => ({ sku, channel, qty }));
  });
  return { ...s, pools };
}

describe("invariants: ring-fenced channels", { timeout: 300_000 }, () => {
  /** max over non-empty subsets V of the ring-fenced facilities of the supply V can deliver. */
  function supplyOverUnion(s: Scenario, sku: string): number {
    const { net, items } = itemStates({ ...s, pools: null });
    const item = items[s.items.findIndex((i) => i.sku === sku)];
    const rf = Array.from(net.ringfenced);
    const union = [...new Set(rf.flatMap((c) => net.channels[c].facilities.map((id) => net.facilityIndex.get(id)!)))];
    const hMax = Math.max(...rf.map((c) => net.window[c]));
    let best = 0;
    for (let mask = 1; mask < 1 << union.length; mask++) {
      const v = union.filter((_, j) => (mask >> j) & 1);
      best = Math.max(best, referenceMinPab(net, item, asOfDay, { facilities: v, exempt: rf, safetyStock: 0 }, hMax));
    }
    return best;
  }

  it("Σ ATS of the ring-fenced channels ≤ supply over their union, for every item", () => {
    const randomPools = fc.tuple(fenced, fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 4, maxLength: 4 })).map(([s, qs]) => ({
      ...s,
      pools: s.items.flatMap((it) => s.channels.filter((c) => c.mode === "ringfenced").map((c, j) => ({ sku: it.sku, channel: c.id, qty: qs[j % 4] }))),
    }));
    fc.assert(
      fc.property(fc.oneof(fenced, randomPools), (s) => {
        const rf = s.channels.filter((c) => c.mode === "ringfenced").map((c) => c.id);
        if (rf.length === 0) return;
        const r = evaluate(s);
        for (const it of s.items) {
          const sum = r.availability.filter((a) => a.sku === it.sku && rf.includes(a.channel)).reduce((t, a) => t + a.ats, 0);
          expect(sum).toBeLessThanOrEqual(supplyOverUnion(s, it.sku));
        }
      }),
      RUNS,
    );
  });

  it("a sale on one ring-fenced channel never lowers another channel's ATS", () => {
    fc.assert(
      fc.property(fenced, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 10 }), (s0, i, c, want) => {
        const base = evaluate(s0);
        const candidates = base.pools.filter((p) => p.qty > 0);
        if (candidates.length === 0) return;
        const p = candidates[c % candidates.length];
        const [facility, held] = Object.entries(p.breakdown.facilities)[i % Object.keys(p.breakdown.facilities).length];
        const qty = Math.min(want, held);
        const snap = snapshots(s0, base);
        const s = withTransition(s0, snap, {});
        const before = evaluate(s);
        const sold = applyEvent(initialEventState(s), { type: "order", id: "sale", sku: p.sku, channel: p.channel, qty, facility });
        const after = evaluate(withTransition(sold.scenario, snap, { [key(p.sku, p.channel)]: qty }));
        const poolAfter = after.pools.find((q) => q.sku === p.sku && q.channel === p.channel)!.qty;
        expect(poolAfter).toBe(p.qty - qty); // the sale took from its own pool only
        for (const a of before.availability) {
          if (a.channel === p.channel && a.sku === p.sku) continue;
          const b = after.availability.find((x) => x.sku === a.sku && x.channel === a.channel)!;
          expect(b.ats).toBeGreaterThanOrEqual(a.ats);
        }
      }),
      RUNS,
    );
  });

  it("shipping changes no ATS", () => {
    fc.assert(
      fc.property(fenced, fc.nat(), (s0, pick) => {
        // A due-now order of a ring-fenced channel, routed to a facility that physically holds it.
        const shippable = s0.reservations.filter((r) => {
          const ch = s0.channels.find((c) => c.id === r.channel)!;
          if (ch.mode !== "ringfenced" || r.facility === null || (r.due !== null && r.due > ASOF)) return false;
          const item = s0.items.find((it) => it.sku === r.sku)!;
          const ss = s0.facilities.find((f) => f.id === r.facility)!.safetyStock;
          return (item.onHand[r.facility] ?? 0) - ss >= r.qty;
        });
        if (shippable.length === 0) return;
        const r = shippable[pick % shippable.length];
        const base = evaluate(s0);
        const snap = snapshots(s0, base);
        const s = withTransition(s0, snap, {});
        const before = evaluate(s);
        const shipped = applyEvent(initialEventState(s), { type: "fulfil", id: r.id as string });
        const after = evaluate(withTransition(shipped.scenario, snap, {}));
        const holdsForIt = s.holdbacks.some((h) => h.sku === r.sku && h.channel === r.channel);
        for (const a of before.availability) {
          const b = after.availability.find((x) => x.sku === a.sku && x.channel === a.channel)!;
          // A holdback the order was consuming is lowered with the shipment (events.ts): a channel
          // that could not see the order consume it gets those units back, never fewer.
          if (holdsForIt) expect(b.ats).toBeGreaterThanOrEqual(a.ats);
          else expect(b.ats).toBe(a.ats);
        }
        expect(after.pools.map((q) => q.qty)).toEqual(before.pools.map((q) => q.qty));
      }),
      RUNS,
    );
  });
});

describe("invariants: promise", { timeout: 300_000 }, () => {
  it("earliestDate is the first date canPromise holds, and ATP(d) is the look-ahead from d", () => {
    fc.assert(
      fc.property(fc.oneof(plain, fenced), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 30 }), (s, i, c, qty, day) => {
        const { net, items } = itemStates(s);
        const item = items[i % items.length];
        const ch = c % net.nC;
        const res = evaluateItem(net, item, asOfDay, undefined, { timeline: true });
        const ss = res.policyVal[ch * 6 + 3];
        const view = channelView(net, ch, ss);
        const refAtp = (d: number) => Math.max(0, referenceMinPab(net, item, asOfDay, view, d) - res.otherPools[ch]);
        const answer = promise(res, ch, qty, day);
        expect(answer.atp).toBe(refAtp(day));
        expect(answer.canPromise).toBe(qty <= refAtp(day));
        const horizon = referenceHorizon(net, item, asOfDay);
        let first: number | null = null;
        for (let d = 0; d <= horizon; d++)
          if (qty <= refAtp(d)) {
            first = d;
            break;
          }
        expect(answer.earliestDay).toBe(first);
        if (first !== null) {
          expect(promise(res, ch, qty, first).canPromise).toBe(true);
          if (first > 0) expect(promise(res, ch, qty, first - 1).canPromise).toBe(false);
        }
        // PAB at the binding day is the minimum the answer reports
        expect(referencePab(net, item, asOfDay, view, answer.bindingDay) - res.otherPools[ch]).toBe(
          referenceMinPab(net, item, asOfDay, view, day) - res.otherPools[ch],
        );
      }),
      RUNS,
    );
  });
});
