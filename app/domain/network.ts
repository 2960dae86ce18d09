/**
 * The compiled network: channels, facilities, suppliers and rules turned into indices, scope
 * matrices and rule indexes once, so evaluating an item is a few array scans.
 *
 * Views: the projected balance is computed for a "view", a set of facilities plus a rule for
 * what is in scope. Views 0..nC-1 are the channels; then the union of the ring-fenced
 * channels' facilities (free supply for pools), the whole network (double exposure), and one
 * view per facility (where a pool can be carved).
 */
import { compileRules, NFIELDS, type CompiledRules } from "./exposure";
import type { ChannelDef, FacilityDef, RuleDef, SupplierDef } from "./types";

export interface NetworkInput {
  facilities: readonly FacilityDef[];
  channels: readonly ChannelDef[];
  suppliers?: readonly SupplierDef[];
  rules?: readonly RuleDef[];
  handlingDays?: number;
}

export interface Workspace {
  cap: number;
  n: number;
  days: Int32Array;
  delta: Float64Array;
  cons: Float64Array;
  resK: Int32Array;
  inbK1: Int32Array;
  inbK2: Int32Array;
  inbQ1: Float64Array;
  inbQ2: Float64Array;
  hbK0: Int32Array;
  hbK1: Int32Array;
  /** One PAB row per view. */
  pab: Float64Array;
  oh: Float64Array;
  polVal: Float64Array;
  polRank: Float64Array;
  polSrc: Int32Array;
  placedTotal: Float64Array;
  /** Shared-holdback scratch: held and reserved units per timeline point and facility. */
  hf: Float64Array;
  rf: Float64Array;
  hStar: Float64Array;
  rStar: Float64Array;
}

export interface CompiledNetwork {
  facilityIds: string[];
  facilityIndex: Map<string, number>;
  facilitySafetyStock: Float64Array;
  channels: ChannelDef[];
  channelIds: string[];
  channelIndex: Map<string, number>;
  supplierIds: string[];
  supplierIndex: Map<string, number>;
  supplierRate: Float64Array;
  supplierDelay: Int32Array;
  handlingDays: number;
  nF: number;
  nC: number;
  nV: number;
  unionView: number;
  networkView: number;
  /** nV × nF */
  inGroup: Uint8Array;
  /** nV × nC: the view overlaps channel x's facility group (unrouted commitments of x are in scope). */
  overlap: Uint8Array;
  /** Per view: an unrouted holdback for nobody is in scope (not for single-facility views). */
  unroutedEverywhere: Uint8Array;
  window: Int32Array;
  priority: Int32Array;
  isRingfenced: Uint8Array;
  /** All ones (nC): "every channel" as a per-channel flag set. */
  allChannels: Uint8Array;
  /** Ring-fenced channel indices, highest priority first (ties: listing order). */
  ringfenced: Int32Array;
  /** Per channel: facilities to carve its pool from, in order (empty for shared channels). */
  carveOrder: Int32Array[];
  unionWindow: number;
  networkWindow: number;
  rules: CompiledRules;
  ws: Workspace;
}

export function facilityView(net: CompiledNetwork, f: number): number {
  return net.nC + 2 + f;
}

function indexOf(ids: readonly string[], what: string): Map<string, number> {
  const m = new Map<string, number>();
  ids.forEach((id, i) => {
    if (m.has(id)) throw new Error(`duplicate ${what} id "${id}"`);
    m.set(id, i);
  });
  return m;
}

export function compileNetwork(input: NetworkInput): CompiledNetwork {
  const facilities = input.facilities;
  const channels = [...input.channels];
  const suppliers = input.suppliers ?? [];
  const nF = facilities.length;
  const nC = channels.length;
  const nV = nC + 2 + nF;
  const facilityIds = facilities.map((f) => f.id);
  const facilityIndex = indexOf(facilityIds, "facility");
  const channelIds = channels.map((c) => c.id);
  const channelIndex = indexOf(channelIds, "channel");
  const supplierIds = suppliers.map((s) => s.id);
  const supplierIndex = indexOf(supplierIds, "supplier");

  const inGroup = new Uint8Array(nV * nF);
  const groups: number[][] = channels.map((ch, c) =>
    ch.facilities.map((id) => {
      const f = facilityIndex.get(id);
      if (f === undefined) throw new Error(`channels[${c}].facilities: unknown facility "${id}"`);
      return f;
    }),
  );
  groups.forEach((g, c) => g.forEach((f) => (inGroup[c * nF + f] = 1)));
  const unionView = nC;
  const networkView = nC + 1;
  for (let f = 0; f < nF; f++) {
    inGroup[networkView * nF + f] = 1;
    inGroup[(nC + 2 + f) * nF + f] = 1;
  }

  const isRingfenced = new Uint8Array(nC);
  channels.forEach((ch, c) => (isRingfenced[c] = ch.mode === "ringfenced" ? 1 : 0));
  const ringfenced = Int32Array.from(
    channels
      .map((ch, c) => ({ c, p: ch.priority }))
      .filter(({ c }) => isRingfenced[c] === 1)
      .sort((a, b) => a.p - b.p || a.c - b.c)
      .map(({ c }) => c),
  );
  for (const c of ringfenced) for (const f of groups[c]) inGroup[unionView * nF + f] = 1;

  const overlap = new Uint8Array(nV * nC);
  for (let v = 0; v < nC + 2; v++)
    for (let x = 0; x < nC; x++)
      for (const f of groups[x])
        if (inGroup[v * nF + f]) {
          overlap[v * nC + x] = 1;
          break;
        }
  const unroutedEverywhere = new Uint8Array(nV);
  for (let v = 0; v < nC + 2; v++) unroutedEverywhere[v] = 1;

  const carveOrder: Int32Array[] = channels.map(() => new Int32Array(0));
  ringfenced.forEach((c, pos) => {
    const lower = new Set<number>();
    for (let j = pos + 1; j < ringfenced.length; j++) for (const f of groups[ringfenced[j]]) lower.add(f);
    const first = groups[c].filter((f) => !lower.has(f));
    const rest = groups[c].filter((f) => lower.has(f));
    carveOrder[c] = Int32Array.from([...first, ...rest]);
  });

  const window = Int32Array.from(channels.map((c) => c.promiseWindowDays));
  let unionWindow = 0;
  if (ringfenced.length > 0) {
    unionWindow = Infinity;
    for (const c of ringfenced) unionWindow = Math.min(unionWindow, window[c]);
  }
  let networkWindow = 0;
  for (let c = 0; c < nC; c++) networkWindow = Math.max(networkWindow, window[c]);

  const rules = compileRules(channels, channelIndex, input.rules ?? []);
  const ws = newWorkspace(nF, nC, nV, 16);
  return {
    facilityIds,
    facilityIndex,
    facilitySafetyStock: Float64Array.from(facilities.map((f) => f.safetyStock)),
    channels,
    channelIds,
    channelIndex,
    supplierIds,
    supplierIndex,
    supplierRate: Float64Array.from(suppliers.map((s) => s.onTimeRate)),
    supplierDelay: Int32Array.from(suppliers.map((s) => s.delayDays)),
    handlingDays: input.handlingDays ?? 0,
    nF,
    nC,
    nV,
    unionView,
    networkView,
    inGroup,
    overlap,
    unroutedEverywhere,
    window,
    priority: Int32Array.from(channels.map((c) => c.priority)),
    isRingfenced,
    allChannels: new Uint8Array(nC).fill(1),
    ringfenced,
    carveOrder,
    unionWindow,
    networkWindow,
    rules,
    ws,
  };
}

function newWorkspace(nF: number, nC: number, nV: number, cap: number): Workspace {
  return {
    cap,
    n: 0,
    days: new Int32Array(cap),
    delta: new Float64Array(cap),
    cons: new Float64Array(cap),
    resK: new Int32Array(cap),
    inbK1: new Int32Array(cap),
    inbK2: new Int32Array(cap),
    inbQ1: new Float64Array(cap),
    inbQ2: new Float64Array(cap),
    hbK0: new Int32Array(cap),
    hbK1: new Int32Array(cap),
    pab: new Float64Array(cap * nV),
    oh: new Float64Array(nF),
    polVal: new Float64Array(nC * NFIELDS),
    polRank: new Float64Array(nC * NFIELDS),
    polSrc: new Int32Array(nC * NFIELDS),
    placedTotal: new Float64Array(nF),
    hf: new Float64Array(cap * nF),
    rf: new Float64Array(cap * nF),
    hStar: new Float64Array(cap),
    rStar: new Float64Array(cap),
  };
}

/** Makes sure the scratch arrays hold `events` timeline points and event slots. */
export function ensureCapacity(net: CompiledNetwork, events: number): Workspace {
  const ws = net.ws;
  if (events <= ws.cap) return ws;
  let cap = ws.cap;
  while (cap < events) cap *= 2;
  const fresh = newWorkspace(net.nF, net.nC, net.nV, cap);
  net.ws = fresh;
  return fresh;
}
