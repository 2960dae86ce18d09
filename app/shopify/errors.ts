/**
 * Typed failures of Admin API calls. Workers ask one question of any error: `isTerminal()`:
 * retrying cannot help (bad document, revoked token, a user error that will repeat), so the job
 * fails for good and the row that caused it says why. Everything else is retried with backoff.
 */

export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export class ShopifyError extends Error {
  constructor(
    message: string,
    readonly shop: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** THROTTLED after every retry the client allows: the bucket stayed empty. */
export class ShopifyThrottledError extends ShopifyError {}

/** 5xx, 429 without a body, or the network: Shopify may well answer next time. */
export class ShopifyServerError extends ShopifyError {
  constructor(
    message: string,
    shop: string,
    operation: string,
    readonly status: number | null,
  ) {
    super(message, shop, operation);
  }
}

/** 401/403/404 (uninstalled, token revoked, shop gone) or a missing offline session. */
export class ShopifyAuthError extends ShopifyError {
  constructor(
    message: string,
    shop: string,
    operation: string,
    readonly status: number | null,
  ) {
    super(message, shop, operation);
  }
}

/** Top-level GraphQL errors that are not throttling: the document or variables are wrong. */
export class ShopifyQueryError extends ShopifyError {
  constructor(
    message: string,
    shop: string,
    operation: string,
    readonly errors: { message: string; extensions?: Record<string, unknown> }[],
  ) {
    super(message, shop, operation);
  }
}

/** A mutation answered with userErrors. */
export class ShopifyUserError extends ShopifyError {
  constructor(
    shop: string,
    operation: string,
    readonly userErrors: UserError[],
  ) {
    super(
      `${operation}: ${userErrors.map((e) => `${e.code ?? "ERROR"} at ${(e.field ?? []).join(".") || "(input)"}: ${e.message}`).join("; ")}`,
      shop,
      operation,
    );
  }

  get codes(): string[] {
    return this.userErrors.map((e) => e.code ?? "");
  }

  has(code: string): boolean {
    return this.codes.includes(code);
  }
}

/** User error codes that say "try again", not "this input is wrong". */
const RETRYABLE_USER_ERRORS = new Set(["IDEMPOTENCY_CONCURRENT_REQUEST", "CHANGE_FROM_QUANTITY_STALE"]);

export function isTerminal(error: unknown): boolean {
  if (error instanceof ShopifyAuthError || error instanceof ShopifyQueryError) return true;
  if (error instanceof ShopifyUserError) return !error.userErrors.every((e) => RETRYABLE_USER_ERRORS.has(e.code ?? ""));
  return false;
}
