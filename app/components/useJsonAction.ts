import { useFetcher } from "@remix-run/react";
import type { FieldErrors } from "./forms";
import type { FieldIssue } from "../validation/common";

export type ActionResult<T = Record<string, unknown>> = ({ ok: true } & T) | { ok: false; message: string; errors: FieldErrors; issues: FieldIssue[] };

/**
 * Submits a JSON body to the current route's action (App Bridge adds the session token) and
 * exposes what it answered. `key` separates several forms on one page.
 */
export function useJsonAction<T = Record<string, unknown>>(key?: string) {
  const fetcher = useFetcher<ActionResult<T>>({ key });
  const data = fetcher.data;
  return {
    submit: (body: Record<string, unknown>, action?: string) =>
      fetcher.submit(body as never, { method: "post", encType: "application/json", ...(action ? { action } : {}) }),
    busy: fetcher.state !== "idle",
    data,
    ok: data?.ok === true ? (data as { ok: true } & T) : null,
    failure: data && data.ok === false ? data : null,
  };
}
