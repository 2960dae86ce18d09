import { json } from "@remix-run/node";
import type { Shop } from "@prisma/client";
import prisma from "../../db.server";
import { authenticate } from "../../shopify.server";
import { formatIssue, NotFoundError, ValidationError, type FieldIssue } from "../../validation/common";

/**
 * What every embedded page's loader and action starts with: the verified session (the shop comes
 * from the session token, never from a form field or the URL), the shop's row and who acts.
 */
export interface AdminRequest {
  shop: Shop;
  /** Recorded on audit events: the staff member of the session token. */
  actor: string;
}

export async function adminRequest(request: Request): Promise<AdminRequest> {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = await prisma.shop.findUnique({ where: { domain: session.shop } });
  if (!shop) {
    throw json(
      { message: `Ringfence holds nothing for ${session.shop} yet: the first sync has not run. Open the app's home page to start it.` },
      { status: 404 },
    );
  }
  const sub = sessionToken?.sub;
  return { shop, actor: sub ? `staff:${sub}` : `shop:${shop.domain}` };
}

/** A path id (`/app/channels/12`) or a 404: another shop's id is not found either. */
export function idParam(value: string | undefined, entity: string): number {
  if (!value || !/^\d{1,9}$/.test(value)) throw notFound(`There is no ${entity} ${value ?? ""} in this shop.`);
  return Number(value);
}

export function notFound(message: string): Response {
  return json({ message }, { status: 404 });
}

/** The body of an action: JSON (what the pages send) or a form. */
export async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (type.includes("application/json")) {
    const body = await request.json().catch(() => null);
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw json({ message: "the request body must be a JSON object" }, { status: 400 });
    return body as Record<string, unknown>;
  }
  const form = await request.formData();
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) out[k] = typeof v === "string" ? v : await v.text();
  return out;
}

export type ActionFailure = { ok: false; message: string; errors: Record<string, string>; issues: FieldIssue[] };

/** Errors keyed by field path, first message per field (what TextField `error` shows). */
export function errorsByPath(issues: readonly FieldIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) if (!(i.path in out)) out[i.path] = i.message;
  return out;
}

/**
 * Maps a service error to the page's answer: a bad value → 400 with every field named; an entity
 * of no concern to this shop → 404. Anything else is a bug and propagates.
 */
export function failure(error: unknown) {
  if (error instanceof ValidationError) {
    // The message without its list of issues: the page lists them itself, on the fields or in a banner.
    const listed = `: ${error.issues.map(formatIssue).join("; ")}`;
    const message = error.message.endsWith(listed) ? error.message.slice(0, -listed.length) : error.message;
    const data: ActionFailure = { ok: false, message, errors: errorsByPath(error.issues), issues: error.issues };
    return json(data, { status: 400 });
  }
  if (error instanceof NotFoundError) throw notFound(`There is no ${error.entity} ${error.id} in this shop.`);
  throw error;
}

/** In a loader: another shop's (or a missing) entity is a 404 page; anything else propagates. */
export function rethrowNotFound(error: unknown): never {
  if (error instanceof NotFoundError) throw notFound(`There is no ${error.entity} ${error.id} in this shop.`);
  throw error;
}

export function badRequest(issues: FieldIssue[], message = "Please correct the highlighted fields") {
  const data: ActionFailure = { ok: false, message, errors: errorsByPath(issues), issues };
  return json(data, { status: 400 });
}
