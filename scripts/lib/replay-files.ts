import { readFileSync } from "node:fs";
import { z } from "zod";
import { appConfigSchema, type AppConfig } from "../../app/validation/app-config";
import { StoreSchema, type Store } from "../../test/shopify-double/store";

/**
 * STORE.json and SCRIPT.jsonl of replay-format.md, validated before anything starts. Every problem
 * is reported as `store: <field>: <why>` or `script line N: <field>: <why>`; the replay exits 2
 * with these on stderr and nothing on stdout.
 */

export class ReplayFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ReplayFileError";
  }
}

const WHOLE_1 = "must be a whole number ≥ 1";
const WHOLE_0 = "must be a whole number ≥ 0";
const id = z.number({ required_error: "is required", invalid_type_error: WHOLE_1 }).int(WHOLE_1).min(1, WHOLE_1);
const whole = z.number({ required_error: "is required", invalid_type_error: WHOLE_0 }).int(WHOLE_0).min(0, WHOLE_0);
const text = z.string({ required_error: "is required", invalid_type_error: "must be a string" }).min(1, "must not be empty");

export const ScriptLineSchema = z.discriminatedUnion(
  "do",
  [
    z
      .object({
        do: z.literal("order"),
        id,
        sourceName: text.default("web"),
        location: id,
        lines: z.array(z.object({ sku: text, qty: id }).strict(), { required_error: "is required" }).min(1, "must have at least one line"),
        b2b: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
        shipBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-12-08").optional(),
        tags: z.array(z.string()).default([]),
        appId: id.optional(),
      })
      .strict(),
    z.object({ do: z.literal("cancel"), id }).strict(),
    z.object({ do: z.literal("fulfill"), id, location: id }).strict(),
    z.object({ do: z.literal("move"), id, to: id }).strict(),
    z.object({ do: z.literal("stock"), sku: text, location: id, onHand: whole }).strict(),
    z
      .object({
        do: z.literal("deliver"),
        topic: z.string().regex(/^[a-z_]+\/[a-z_]+$/, "must be a webhook topic such as orders/create"),
        payload: z.unknown().refine((v) => v !== undefined, "is required"),
        badHmac: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
        headers: z.record(z.string().nullable()).optional(),
      })
      .strict(),
    z
      .object({
        do: z.literal("faults"),
        duplicate: z.number({ invalid_type_error: "must be a probability from 0 to 1" }).min(0, "must be a probability from 0 to 1").max(1, "must be a probability from 0 to 1").default(0),
        reorderWindow: whole.default(0),
        seed: z.number({ invalid_type_error: "must be a whole number" }).int("must be a whole number").default(0),
        delayMs: whole.default(0),
      })
      .strict(),
    z.object({ do: z.literal("wait"), ms: whole.max(600_000, "must be at most 600000 (10 minutes)") }).strict(),
  ],
  { errorMap: (issue, ctx) => (issue.code === "invalid_union_discriminator" ? { message: `must be one of ${issue.options.map(String).join(", ")}` } : { message: ctx.defaultError }) },
);

export type ScriptLine = z.output<typeof ScriptLineSchema>;
export interface NumberedLine {
  line: number;
  action: ScriptLine;
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)), "");
}

const issuesOf = (error: z.ZodError, prefix: string, base: readonly (string | number)[] = []) =>
  error.issues.map((i) => {
    const where = formatPath([...base, ...i.path]);
    // zod names the unknown keys in the message, not the path.
    const message = i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.map((k) => `"${k}"`).join(", ")}` : i.message;
    return `${prefix}: ${where || "(root)"}: ${message}`;
  });

export interface ReplayFiles {
  store: Store;
  app: AppConfig | null;
  /** The `app` block as written (applyAppConfig parses it again). */
  appInput: unknown;
  script: NumberedLine[];
}

/** Pure: validates the two documents and their references to each other. */
export function validateReplay(storeValue: unknown, scriptText: string): ReplayFiles {
  const problems: string[] = [];
  const parsedStore = StoreSchema.safeParse(storeValue);
  let store: Store | null = null;
  let app: AppConfig | null = null;
  if (!parsedStore.success) problems.push(...issuesOf(parsedStore.error, "store"));
  else store = parsedStore.data;

  const appInput = (storeValue as { app?: unknown } | null)?.app;
  if (store && appInput !== undefined) {
    const parsedApp = appConfigSchema.safeParse(appInput);
    if (!parsedApp.success) problems.push(...issuesOf(parsedApp.error, "store", ["app"]));
    else {
      app = parsedApp.data;
      problems.push(...appReferences(store, app));
    }
  }

  const skus = new Set(store?.products.flatMap((p) => p.variants.map((v) => v.sku)) ?? []);
  const locations = new Set(store?.locations.map((l) => l.id) ?? []);
  const orders = new Set<number>();
  const script: NumberedLine[] = [];
  scriptText.split("\n").forEach((raw, i) => {
    const line = i + 1;
    const at = `script line ${line}`;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push(`${at}: not valid JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${at}: must be a JSON object such as {"do": "order", ...}`);
      return;
    }
    const parsed = ScriptLineSchema.safeParse(value);
    if (!parsed.success) {
      problems.push(...issuesOf(parsed.error, at));
      return;
    }
    const a = parsed.data;
    const loc = (field: string, v: number) => {
      if (store && !locations.has(v)) problems.push(`${at}: ${field}: unknown location ${v} (not in STORE.json locations)`);
    };
    const sku = (field: string, v: string) => {
      if (store && !skus.has(v)) problems.push(`${at}: ${field}: unknown sku "${v}" (not in STORE.json products)`);
    };
    const known = (v: number) => {
      if (!orders.has(v)) problems.push(`${at}: id: order ${v} is not created by an earlier "order" line`);
    };
    switch (a.do) {
      case "order":
        if (orders.has(a.id)) problems.push(`${at}: id: order ${a.id} is already created by an earlier line`);
        orders.add(a.id);
        loc("location", a.location);
        a.lines.forEach((l, j) => sku(`lines[${j}].sku`, l.sku));
        break;
      case "cancel":
        known(a.id);
        break;
      case "fulfill":
        known(a.id);
        loc("location", a.location);
        break;
      case "move":
        known(a.id);
        loc("to", a.to);
        break;
      case "stock":
        sku("sku", a.sku);
        loc("location", a.location);
        break;
      default:
        break;
    }
    script.push({ line, action: a });
  });
  if (problems.length > 0 || !store) throw new ReplayFileError(problems);
  return { store, app, appInput, script };
}

/** Locations and skus named by the app block must exist in the store. */
function appReferences(store: Store, app: AppConfig): string[] {
  const out: string[] = [];
  const locations = new Set(store.locations.map((l) => String(l.id)));
  const skus = new Set(store.products.flatMap((p) => p.variants.map((v) => v.sku)));
  const loc = (path: string, v: string | null | undefined) => {
    if (v !== null && v !== undefined && !locations.has(String(v))) out.push(`store: ${path}: unknown location ${v} (not in locations)`);
  };
  const sku = (path: string, v: string | undefined) => {
    if (v !== undefined && !skus.has(v)) out.push(`store: ${path}: unknown sku "${v}" (not in products)`);
  };
  app.channels.forEach((c, i) => {
    c.facilities.forEach((f, j) => loc(`app.channels[${i}].facilities[${j}]`, f));
    if (typeof c.publish === "object") loc(`app.channels[${i}].publish.location`, c.publish.location);
  });
  app.rules.forEach((r, i) => sku(`app.rules[${i}].target.sku`, r.target.sku));
  app.holdbacks.forEach((h, i) => {
    sku(`app.holdbacks[${i}].sku`, h.sku);
    loc(`app.holdbacks[${i}].facility`, h.facility);
  });
  app.purchaseOrders.forEach((po, i) => {
    loc(`app.purchaseOrders[${i}].facility`, po.facility);
    po.lines.forEach((l, j) => sku(`app.purchaseOrders[${i}].lines[${j}].sku`, l.sku));
  });
  return out;
}

/** Reads and validates the two files; unreadable files are reported like bad fields. */
export function readReplayFiles(storePath: string, scriptPath: string): ReplayFiles {
  const problems: string[] = [];
  let storeValue: unknown;
  let scriptText = "";
  try {
    storeValue = JSON.parse(readFileSync(storePath, "utf8"));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    problems.push(e.code ? `store: cannot read ${storePath} (${e.code})` : `store: not valid JSON (${e.message})`);
  }
  try {
    scriptText = readFileSync(scriptPath, "utf8");
  } catch (error) {
    problems.push(`script: cannot read ${scriptPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (problems.length > 0) throw new ReplayFileError(problems);
  return validateReplay(storeValue, scriptText);
}
