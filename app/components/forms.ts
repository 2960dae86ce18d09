/**
 * Form helpers shared by the browser and the server: a page validates with the same zod schema the
 * service parses with, and both report `{ path: message }` so each error lands on its field.
 */
import type { z } from "zod";
import { zodIssues, type FieldIssue } from "../validation/common";

export type FieldErrors = Record<string, string>;

export function toErrors(issues: readonly FieldIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) if (!(i.path in out)) out[i.path] = i.message;
  return out;
}

/** The schema's complaints about `value`, by field path; empty when it is valid. */
export function validateWith(schema: z.ZodTypeAny, value: unknown): FieldErrors {
  const result = schema.safeParse(value);
  return result.success ? {} : toErrors(zodIssues(result.error));
}

/** The error for a field or anything inside it (`orders` covers `orders.tags[2]`). */
export function errorAt(errors: FieldErrors | undefined, ...paths: string[]): string | undefined {
  if (!errors) return undefined;
  for (const path of paths) {
    if (errors[path]) return errors[path];
    const inner = Object.keys(errors).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
    if (inner) return errors[inner];
  }
  return undefined;
}

/**
 * The props a form's text field takes from the form: its value, its setter, its inline error
 * (`<TextField label="Cap" {...field("cap")} />`). `set` is the form's own setter factory.
 */
export function fieldBinder<S extends object>(state: S, set: (k: keyof S & string) => (v: string) => void, errors: FieldErrors | undefined) {
  return (k: keyof S & string) => ({ value: String(state[k] ?? ""), onChange: set(k), error: errorAt(errors, k), autoComplete: "off" as const });
}

/**
 * The same errors with the schema's field names ("must be on or after liveFrom") in the form's
 * words ("…after the live-from date"): the schemas also check CSV and replay files, where the
 * field names are what the user typed.
 */
export function inWords(errors: FieldErrors, words: Record<string, string>): FieldErrors {
  const names = Object.keys(words).sort((a, b) => b.length - a.length);
  if (names.length === 0) return errors;
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(?<![A-Za-z])(?:${names.map(escape).join("|")})(?![A-Za-z])`, "g");
  return Object.fromEntries(Object.entries(errors).map(([path, message]) => [path, message.replace(pattern, (m) => words[m]).replace(/\s+/g, " ").trim()]));
}

/** "a, b ,c" → ["a", "b", "c"] (what a list field holds). */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function joinList(values: readonly (string | number)[]): string {
  return values.join(", ");
}

/** A number field's text as the schema expects it: "" stays "" (the schema says what is missing). */
export const numberText = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

/** In UTC, so the server's render and the browser's hydration print the same text. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

export function formatDate(iso: string | null | undefined, none = "—"): string {
  if (!iso) return none;
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" });
}
