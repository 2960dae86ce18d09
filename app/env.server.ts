import { z } from "zod";
import { isQueueName, QUEUE_NAMES, type QueueName } from "./jobs/contract";

/**
 * The scopes declared in shopify.app.toml (`[access_scopes]`). With Shopify-managed installation
 * the toml is what Shopify grants; SCOPES only has to agree with it. env.server.test.ts fails when
 * the two drift apart. Why each scope: docs/decisions/004-app-skeleton.md.
 */
export const DEFAULT_SCOPES = [
  "read_products",
  "write_products",
  "read_inventory",
  "write_inventory",
  "read_locations",
  "read_orders",
  "write_orders",
  "read_fulfillments",
  "write_merchant_managed_fulfillment_orders",
  "write_third_party_fulfillment_orders",
] as const;

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment: ${issues.join("; ")}`);
    this.name = "EnvError";
  }
}

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** What a bad value looked like, without leaking a password from a connection URL. */
function shown(value: string): string {
  let text = value;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = "***";
      text = url.toString();
    }
  } catch {
    // Not a URL: shown as given.
  }
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function requiredString(what: string) {
  return z.preprocess(
    blankToUndefined,
    z.string({ required_error: `required (${what})`, invalid_type_error: `must be a string (${what})` }),
  );
}

function url(what: string, protocols: string[], opts: { originOnly?: boolean } = {}) {
  const kinds = protocols.map((p) => `${p}//`).join(" or ");
  return requiredString(what)
    .superRefine((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a ${kinds} URL, got ${shown(value)} (${what})` });
        return;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a ${kinds} URL, got ${shown(value)} (${what})` });
      } else if (opts.originOnly && (parsed.pathname !== "/" || parsed.search || parsed.hash)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be an origin without path, query or fragment, got ${shown(value)} (${what})`,
        });
      }
    })
    .transform((value) => value.replace(/\/+$/, ""));
}

function integer(what: string, min: number, max: number) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .superRefine((value, ctx) => {
        const n = Number(value);
        if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be an integer from ${min} to ${max}, got ${shown(value)} (${what})`,
          });
        }
      })
      .transform((value) => Number(value))
      .optional(),
  );
}

const TRUE = ["true", "1", "yes", "on"];
const FALSE = ["false", "0", "no", "off"];

const schema = z.object({
  SHOPIFY_API_KEY: requiredString("the app's client id from the Partner Dashboard"),
  SHOPIFY_API_SECRET: requiredString("the app's client secret: signs session tokens and webhooks"),
  SHOPIFY_APP_URL: url("where Shopify reaches this app, e.g. https://ringfence.example.com", ["https:", "http:"]),
  SCOPES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((value) => value.split(",").map((s) => s.trim()))
      .superRefine((scopes, ctx) => {
        const bad = scopes.filter((s) => !/^[a-z_]+$/.test(s));
        if (bad.length > 0) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be a comma-separated list of scope names, bad entries: ${bad.map(shown).join(", ")} (e.g. read_products,write_inventory)`,
          });
        }
      })
      .default(DEFAULT_SCOPES.join(",")),
  ),
  DATABASE_URL: url("the PostgreSQL database, e.g. postgresql://user:pass@127.0.0.1:5432/ringfence", [
    "postgresql:",
    "postgres:",
  ]),
  REDIS_URL: url("the Redis that BullMQ uses, e.g. redis://127.0.0.1:6379", ["redis:", "rediss:"]),
  SHOPIFY_ADMIN_ORIGIN: url(
    "optional: serve Admin API traffic for *.myshopify.com from this origin (a local Shopify test double), e.g. http://127.0.0.1:4100",
    ["http:", "https:"],
    { originOnly: true },
  ).optional(),
  SHOP_CUSTOM_DOMAIN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a host name such as shops.example.com (a custom shop domain Shopify may send)")
      .optional(),
  ),
  PORT: integer("the HTTP port of the app server", 1, 65535),
  LOG_LEVEL: z.preprocess(
    (value) => (typeof value === "string" ? blankToUndefined(value.toLowerCase()) : value),
    z
      .enum(LOG_LEVELS, {
        errorMap: (_issue, ctx) => ({
          message: `must be one of ${LOG_LEVELS.join(", ")}, got ${shown(String(ctx.data))}`,
        }),
      })
      .default("info"),
  ),
  WORKER_CONCURRENCY: integer("jobs one worker process runs at once per queue", 1, 1000),
  WORKER_QUEUES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((value) => value.split(",").map((s) => s.trim()))
      .superRefine((names, ctx) => {
        const bad = names.filter((n) => !isQueueName(n));
        if (bad.length > 0) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be a comma-separated list of queues (${QUEUE_NAMES.join(", ")}), unknown: ${bad.map(shown).join(", ")}`,
          });
        }
      })
      .transform((names) => [...new Set(names)] as QueueName[])
      .optional(),
  ),
  DEMO_MODE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .superRefine((value, ctx) => {
        if (![...TRUE, ...FALSE].includes(value.toLowerCase())) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be true or false (also 1/0, yes/no, on/off), got ${shown(value)}`,
          });
        }
      })
      .transform((value) => TRUE.includes(value.toLowerCase()))
      .default("false"),
  ),
  QUEUE_PREFIX: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z0-9_-]+$/i, "must be letters, digits, - or _ (the Redis key prefix of every BullMQ queue)")
      .default("ringfence"),
  ),
});

export type Env = z.infer<typeof schema>;

/**
 * Pure: validates an environment (normally process.env) and returns the typed settings, or throws
 * an EnvError whose message names every missing or bad variable and why it matters.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** The process environment, validated once on first use (boot). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
