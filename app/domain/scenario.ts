/**
 * Validation of a scenario document (scenario-format.md) into the defaulted Scenario shape.
 * Every problem is reported with the field path and why, e.g.
 * `channels[1].facilities[0]: unknown facility "bk"`. Pure: no file access here.
 */
import { z } from "zod";
import { tryParseDay } from "./dates";
import type { Scenario } from "./types";

export interface ScenarioIssue {
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];
  constructor(issues: ScenarioIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    this.name = "ScenarioError";
    this.issues = issues;
  }
}

const MAX_QTY = 1e12;
const MAX_ISSUES = 50;

export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out === "" ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out === "" ? "scenario" : out;
}

const typeMsg = (what: string) => ({ invalid_type_error: `must be ${what}`, required_error: "is required" });
const str = () => z.string(typeMsg("a string")).min(1, "must be a non-empty string");
const qty = () =>
  z
    .number(typeMsg("a number"))
    .int("must be an integer")
    .min(0, "must be ≥ 0")
    .max(MAX_QTY, `must be ≤ ${MAX_QTY}`);
const date = () =>
  z.string(typeMsg("a date YYYY-MM-DD")).refine((s) => tryParseDay(s) !== null, {
    message: "must be a real date YYYY-MM-DD",
  });
const percent = () => z.number(typeMsg("a number")).min(0, "must be between 0 and 100").max(100, "must be between 0 and 100");
const list = <T extends z.ZodTypeAny>(t: T) => z.array(t, typeMsg("an array"));
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape, typeMsg("an object")).strict();

const facilitySchema = obj({ id: str(), safetyStock: qty().optional() });
const supplierSchema = obj({
  id: str(),
  onTimeRate: z.number(typeMsg("a number")).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").optional(),
  delayDays: qty().optional(),
});
const channelSchema = obj({
  id: str(),
  facilities: list(str()).min(1, "must name at least one facility"),
  priority: z.number(typeMsg("a number")).int("must be an integer").min(1, "must be ≥ 1"),
  promiseWindowDays: qty(),
  safetyStock: qty().optional(),
  mode: z
    .enum(["shared", "ringfenced"], { errorMap: () => ({ message: 'must be "shared" or "ringfenced"' }) })
    .optional(),
  percent: percent().optional(),
  cap: qty().nullish(),
  zeroBelow: qty().optional(),
  liveFrom: date().nullish(),
  liveUntil: date().nullish(),
});
const itemSchema = obj({
  sku: str(),
  product: str().nullish(),
  vendor: str().nullish(),
  tags: list(str()).optional(),
  collections: list(str()).optional(),
  onHand: z.record(z.string(), qty(), typeMsg("an object of facility → quantity")).optional(),
});
const reservationSchema = obj({
  id: str().nullish(),
  sku: str(),
  channel: str(),
  qty: qty(),
  facility: str().nullish(),
  due: date().nullish(),
});
const holdbackSchema = obj({
  id: str().nullish(),
  sku: str(),
  channel: str().nullish(),
  qty: qty(),
  facility: str().nullish(),
  from: date().nullish(),
  until: date().nullish(),
});
const inboundSchema = obj({
  id: str(),
  sku: str(),
  facility: str(),
  qty: qty(),
  eta: date(),
  supplier: str().nullish(),
});
const preorderSchema = obj({ id: str(), sku: str(), channel: str(), qty: qty(), placedAt: date() });
const targetSchema = obj({
  sku: str().optional(),
  product: str().optional(),
  collection: str().optional(),
  tag: str().optional(),
  vendor: str().optional(),
});
const ruleSchema = obj({
  id: str(),
  channel: str(),
  target: targetSchema.nullish(),
  percent: percent().nullish(),
  cap: qty().nullish(),
  zeroBelow: qty().nullish(),
  safetyStock: qty().nullish(),
  liveFrom: date().nullish(),
  liveUntil: date().nullish(),
});
const poolSchema = obj({ sku: str(), channel: str(), qty: qty() });
const querySchema = obj({ sku: str(), channel: str(), qty: qty(), date: date() });

const scenarioSchema = obj({
  asOf: date(),
  handlingDays: qty().optional(),
  facilities: list(facilitySchema).min(1, "must list at least one facility"),
  suppliers: list(supplierSchema).optional(),
  channels: list(channelSchema).min(1, "must list at least one channel"),
  items: list(itemSchema),
  reservations: list(reservationSchema).optional(),
  holdbacks: list(holdbackSchema).optional(),
  inbound: list(inboundSchema).optional(),
  preorders: list(preorderSchema).optional(),
  rules: list(ruleSchema).optional(),
  pools: list(poolSchema).nullish(),
  queries: list(querySchema).optional(),
});

type RawScenario = z.infer<typeof scenarioSchema>;

function zodIssues(error: z.ZodError): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), message: "unknown field" });
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}

/** Cross-reference checks on a structurally valid document. */
function referenceIssues(s: RawScenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path: formatPath(path), message });
  const unique = (section: string, ids: (string | null | undefined)[], what: string, field = "id") => {
    const seen = new Map<string, number>();
    ids.forEach((id, i) => {
      if (id === null || id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) add([section, i, field], `duplicate ${what} "${id}" (also ${section}[${first}])`);
      else seen.set(id, i);
    });
    return seen;
  };
  const facilities = unique("facilities", s.facilities.map((f) => f.id), "facility id");
  const suppliers = unique("suppliers", (s.suppliers ?? []).map((x) => x.id), "supplier id");
  const channels = unique("channels", s.channels.map((c) => c.id), "channel id");
  const skus = unique("items", s.items.map((i) => i.sku), "sku", "sku");
  const asOf = tryParseDay(s.asOf) as number;

  const known = (path: (string | number)[], map: Map<string, number>, value: string | null | undefined, what: string) => {
    if (value !== null && value !== undefined && !map.has(value)) add(path, `unknown ${what} "${value}"`);
  };
  const window = (path: (string | number)[], from: string | null | undefined, until: string | null | undefined, a: string, b: string) => {
    if (from && until && (tryParseDay(until) as number) < (tryParseDay(from) as number)) add([...path, b], `is before ${a} (${from})`);
  };

  s.channels.forEach((c, i) => {
    const seen = new Set<string>();
    c.facilities.forEach((f, j) => {
      known(["channels", i, "facilities", j], facilities, f, "facility");
      if (seen.has(f)) add(["channels", i, "facilities", j], `facility "${f}" listed twice`);
      seen.add(f);
    });
    window(["channels", i], c.liveFrom, c.liveUntil, "liveFrom", "liveUntil");
  });
  s.items.forEach((it, i) => {
    for (const f of Object.keys(it.onHand ?? {})) known(["items", i, "onHand", f], facilities, f, "facility");
  });
  unique("reservations", (s.reservations ?? []).map((r) => r.id), "reservation id");
  (s.reservations ?? []).forEach((r, i) => {
    known(["reservations", i, "sku"], skus, r.sku, "sku");
    known(["reservations", i, "channel"], channels, r.channel, "channel");
    known(["reservations", i, "facility"], facilities, r.facility, "facility");
  });
  unique("holdbacks", (s.holdbacks ?? []).map((h) => h.id), "holdback id");
  (s.holdbacks ?? []).forEach((h, i) => {
    known(["holdbacks", i, "sku"], skus, h.sku, "sku");
    known(["holdbacks", i, "channel"], channels, h.channel, "channel");
    known(["holdbacks", i, "facility"], facilities, h.facility, "facility");
    window(["holdbacks", i], h.from, h.until, "from", "until");
  });
  unique("inbound", (s.inbound ?? []).map((l) => l.id), "inbound id");
  (s.inbound ?? []).forEach((l, i) => {
    known(["inbound", i, "sku"], skus, l.sku, "sku");
    known(["inbound", i, "facility"], facilities, l.facility, "facility");
    known(["inbound", i, "supplier"], suppliers, l.supplier, "supplier");
  });
  unique("preorders", (s.preorders ?? []).map((p) => p.id), "pre-order id");
  (s.preorders ?? []).forEach((p, i) => {
    known(["preorders", i, "sku"], skus, p.sku, "sku");
    known(["preorders", i, "channel"], channels, p.channel, "channel");
  });
  unique("rules", (s.rules ?? []).map((r) => r.id), "rule id");
  (s.rules ?? []).forEach((r, i) => {
    known(["rules", i, "channel"], channels, r.channel, "channel");
    const t = r.target ?? {};
    const keys = Object.keys(t).filter((k) => (t as Record<string, unknown>)[k] !== undefined);
    if (keys.length > 1)
      add(["rules", i, "target"], `must name at most one of sku, product, collection, tag, vendor (got ${keys.join(", ")})`);
    known(["rules", i, "target", "sku"], skus, t.sku, "sku");
    window(["rules", i], r.liveFrom, r.liveUntil, "liveFrom", "liveUntil");
  });
  const poolKeys = new Map<string, number>();
  (s.pools ?? []).forEach((p, i) => {
    known(["pools", i, "sku"], skus, p.sku, "sku");
    const c = channels.get(p.channel);
    if (c === undefined) add(["pools", i, "channel"], `unknown channel "${p.channel}"`);
    else if ((s.channels[c].mode ?? "shared") !== "ringfenced")
      add(["pools", i, "channel"], `channel "${p.channel}" is not ringfenced; only ring-fenced channels hold pools`);
    const key = `${p.sku}\u0000${p.channel}`;
    const first = poolKeys.get(key);
    if (first !== undefined) add(["pools", i], `duplicate pool for sku "${p.sku}" and channel "${p.channel}" (also pools[${first}])`);
    else poolKeys.set(key, i);
  });
  (s.queries ?? []).forEach((q, i) => {
    known(["queries", i, "sku"], skus, q.sku, "sku");
    known(["queries", i, "channel"], channels, q.channel, "channel");
    if ((tryParseDay(q.date) as number) < asOf) add(["queries", i, "date"], `is before asOf (${s.asOf})`);
  });
  return issues;
}

function withDefaults(s: RawScenario): Scenario {
  return {
    asOf: s.asOf,
    handlingDays: s.handlingDays ?? 0,
    facilities: s.facilities.map((f) => ({ id: f.id, safetyStock: f.safetyStock ?? 0 })),
    suppliers: (s.suppliers ?? []).map((x) => ({ id: x.id, onTimeRate: x.onTimeRate ?? 1, delayDays: x.delayDays ?? 0 })),
    channels: s.channels.map((c) => ({
      id: c.id,
      facilities: c.facilities,
      priority: c.priority,
      promiseWindowDays: c.promiseWindowDays,
      safetyStock: c.safetyStock ?? 0,
      mode: c.mode ?? "shared",
      percent: c.percent ?? 100,
      cap: c.cap ?? null,
      zeroBelow: c.zeroBelow ?? 0,
      liveFrom: c.liveFrom ?? null,
      liveUntil: c.liveUntil ?? null,
    })),
    items: s.items.map((it) => ({
      sku: it.sku,
      product: it.product ?? null,
      vendor: it.vendor ?? null,
      tags: it.tags ?? [],
      collections: it.collections ?? [],
      onHand: it.onHand ?? {},
    })),
    reservations: (s.reservations ?? []).map((r) => ({
      id: r.id ?? null,
      sku: r.sku,
      channel: r.channel,
      qty: r.qty,
      facility: r.facility ?? null,
      due: r.due ?? null,
    })),
    holdbacks: (s.holdbacks ?? []).map((h) => ({
      id: h.id ?? null,
      sku: h.sku,
      channel: h.channel ?? null,
      qty: h.qty,
      facility: h.facility ?? null,
      from: h.from ?? null,
      until: h.until ?? null,
    })),
    inbound: (s.inbound ?? []).map((l) => ({
      id: l.id,
      sku: l.sku,
      facility: l.facility,
      qty: l.qty,
      eta: l.eta,
      supplier: l.supplier ?? null,
    })),
    preorders: (s.preorders ?? []).map((p) => ({ ...p })),
    rules: (s.rules ?? []).map((r) => ({
      id: r.id,
      channel: r.channel,
      target: { ...(r.target ?? {}) },
      percent: r.percent ?? null,
      cap: r.cap ?? null,
      zeroBelow: r.zeroBelow ?? null,
      safetyStock: r.safetyStock ?? null,
      liveFrom: r.liveFrom ?? null,
      liveUntil: r.liveUntil ?? null,
    })),
    pools: s.pools === undefined || s.pools === null ? null : s.pools.map((p) => ({ ...p })),
    queries: (s.queries ?? []).map((q) => ({ ...q })),
  };
}

/** Validates parsed JSON; throws ScenarioError listing every problem found (up to 50). */
export function validateScenario(data: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new ScenarioError(zodIssues(parsed.error).slice(0, MAX_ISSUES));
  const issues = referenceIssues(parsed.data);
  if (issues.length > 0) throw new ScenarioError(issues.slice(0, MAX_ISSUES));
  return withDefaults(parsed.data);
}

/** Parses and validates scenario JSON text. */
export function parseScenario(text: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError([{ path: "scenario", message: `invalid JSON: ${(e as Error).message}` }]);
  }
  return validateScenario(data);
}
