/**
 * Field schemas shared by every configuration form and by the replay's `app` block, so one rule
 * gives one message wherever it is checked. Isomorphic: no server imports.
 */
import { z } from "zod";

export interface FieldIssue {
  /** Dotted path with [i] for array positions, e.g. `channels[0].percent`; "" for the whole value. */
  path: string;
  message: string;
}

/** A value the user gave is wrong; `issues` name each field. */
export class ValidationError extends Error {
  constructor(
    readonly issues: FieldIssue[],
    prefix = "invalid input",
  ) {
    super(`${prefix}: ${issues.map(formatIssue).join("; ")}`);
    this.name = "ValidationError";
  }
}

/** The entity does not exist for this shop (also what another shop's id looks like). */
export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string | number,
  ) {
    super(`${entity} ${id} not found`);
    this.name = "NotFoundError";
  }
}

export function formatIssue(issue: FieldIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

export function formatPath(path: readonly (string | number)[], base = ""): string {
  let out = base;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out;
}

export function zodIssues(error: z.ZodError, base = ""): FieldIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return { path: formatPath(issue.path, base), message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
    }
    if (issue.code === "invalid_union_discriminator" || issue.code === "invalid_union") {
      return { path: formatPath(issue.path, base), message: issue.message === "Invalid input" ? "is not one of the accepted forms" : issue.message };
    }
    // zod's own wording for a missing value; every message here reads "<field>: is ...".
    return { path: formatPath(issue.path, base), message: issue.message === "Required" ? "is required" : issue.message };
  });
}

/** Parses or throws a ValidationError naming each bad field (under `base`, e.g. `channels[0]`). */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, value: unknown, base = ""): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodIssues(result.error, base));
  return result.data;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Forms send "" for an empty input: treat it as absent. */
const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : v);

/** Forms send numbers as strings; accept "12" as 12 but not "12abc" or "1.5". */
const numeric = (v: unknown) => {
  if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
};

export const wholeMessage = "must be a whole number ≥ 0";

export function wholeNumber(message = wholeMessage) {
  return z.preprocess(
    numeric,
    z.number({ required_error: "is required", invalid_type_error: message }).int(message).min(0, message).max(1_000_000_000, "is too large"),
  );
}

export function positiveWhole(message = "must be a whole number ≥ 1") {
  return z.preprocess(numeric, z.number({ required_error: "is required", invalid_type_error: message }).int(message).min(1, message).max(1_000_000_000, "is too large"));
}

export function optionalWhole(message = wholeMessage) {
  return z.preprocess(blankToNull, wholeNumber(message).nullable().optional());
}

export const percentField = z.preprocess(
  numeric,
  z
    .number({ invalid_type_error: "must be a whole number from 0 to 100" })
    .int("must be a whole number from 0 to 100")
    .min(0, "must be a whole number from 0 to 100")
    .max(100, "must be a whole number from 0 to 100"),
);

export const isoDate = z
  .string({ required_error: "is required", invalid_type_error: "must be a date YYYY-MM-DD" })
  .trim()
  .refine(isIsoDate, "must be a date YYYY-MM-DD");

/** An optional date: absent, null or "" mean none. */
export const optionalDate = z.preprocess(blankToNull, isoDate.nullable().optional());

export const dbId = z.preprocess(numeric, z.number({ required_error: "is required", invalid_type_error: "must be an id" }).int("must be an id").positive("must be an id"));

/** A Shopify numeric id as a string of digits (numbers are accepted and converted). */
export const shopifyId = z.preprocess(
  (v) => (typeof v === "number" && Number.isSafeInteger(v) ? String(v) : typeof v === "string" ? v.trim() : v),
  z.string({ required_error: "is required", invalid_type_error: "must be a Shopify numeric id" }).regex(/^[1-9]\d{0,19}$/, "must be a Shopify numeric id"),
);

export const sku = z.string({ required_error: "is required", invalid_type_error: "must be a SKU" }).trim().min(1, "is required").max(255, "is too long");

export const note = z.preprocess(blankToNull, z.string().trim().max(1000, "is too long (1000 characters at most)").nullable().optional());

/** `until` on or after `from`, reported on `untilField`. */
export function refineDateRange<T extends Record<string, unknown>>(fromField: keyof T & string, untilField: keyof T & string) {
  return (value: T, ctx: z.RefinementCtx) => {
    const from = value[fromField];
    const until = value[untilField];
    if (typeof from === "string" && typeof until === "string" && until < from) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [untilField], message: `must be on or after ${fromField} (${from})` });
    }
  };
}

/** A date-only value as stored (midnight UTC): no time zone can move it to another day. */
export function dateToDb(iso: string): Date;
export function dateToDb(iso: string | null | undefined): Date | null;
export function dateToDb(iso: string | null | undefined): Date | null {
  return iso ? new Date(`${iso}T00:00:00.000Z`) : null;
}

export function dateFromDb(d: Date): string;
export function dateFromDb(d: Date | null | undefined): string | null;
export function dateFromDb(d: Date | null | undefined): string | null {
  return d ? d.toISOString().slice(0, 10) : null;
}
