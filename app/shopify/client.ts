import { createLogger, type Logger } from "../lib/logger";
import {
  ShopifyAuthError,
  ShopifyError,
  ShopifyQueryError,
  ShopifyServerError,
  ShopifyThrottledError,
} from "./errors";
import { realClock, ShopThrottle, type Clock, type ThrottleStatus } from "./throttle";

/** Admin API version every document is written (and validated) against: see shopify.md. */
export const API_VERSION = "2026-07";

export interface TransportResponse {
  status: number;
  body: unknown;
}

/** Sends one GraphQL request for a shop; knows URLs and tokens, nothing about retries. */
export type Transport = (req: { shop: string; query: string; variables: Record<string, unknown> }) => Promise<TransportResponse>;

export interface CallStats {
  /** Points Shopify charged (actualQueryCost), 0 when unknown. */
  cost: number;
  throttled: number;
  retries: number;
  waitedMs: number;
}

export interface GraphQLResult<T> {
  data: T;
  stats: CallStats;
}

export interface AdminClient {
  readonly shop: string;
  request<T>(operation: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
}

export interface ClientOptions {
  shop: string;
  transport: Transport;
  throttle?: ShopThrottle;
  clock?: Clock;
  log?: Logger;
  /** Attempts on THROTTLED / 5xx / network errors before giving up (the job retries later). */
  maxAttempts?: number;
  /** Share of the shop's bucket this client's calls leave for others (background work; default 0). */
  reserve?: number;
  baseBackoffMs?: number;
}

interface Body {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[] | string;
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus } };
}

/** One process-wide throttle, so every client of a shop in this process shares its bucket. */
export const sharedThrottle = new ShopThrottle();

// What we expect a document to cost before Shopify has told us, learned per operation and document:
// one operation's documents differ in size (n aliased orders, n items), and a small one waiting
// for the bucket a big one needed is a routing or re-read held back for nothing.
const learnedCost = new Map<string, number>();
const costKey = (operation: string, query: string) => `${operation}:${query.length}`;

/**
 * The Admin GraphQL client every operation goes through: waits for the shop's bucket, retries
 * THROTTLED and 5xx with backoff (the official client retries only 429/503 and not a THROTTLED
 * body), and turns every failure into a typed ShopifyError.
 */
export function createAdminClient(opts: ClientOptions): AdminClient {
  const throttle = opts.throttle ?? sharedThrottle;
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? createLogger("warn", { component: "shopify-client" });
  const maxAttempts = opts.maxAttempts ?? 6;
  const baseBackoff = opts.baseBackoffMs ?? 500;
  const shop = opts.shop;

  async function request<T>(operation: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
    const stats: CallStats = { cost: 0, throttled: 0, retries: 0, waitedMs: 0 };
    const isMutation = /^\s*mutation\b/.test(query);
    for (let attempt = 1; ; attempt++) {
      const estimate = learnedCost.get(costKey(operation, query)) ?? (isMutation ? 10 : 20);
      stats.waitedMs += await throttle.acquire(shop, estimate, opts.reserve ?? 0);
      let res: TransportResponse;
      try {
        res = await opts.transport({ shop, query, variables });
      } catch (error) {
        if (error instanceof ShopifyError) throw error;
        if (attempt >= maxAttempts) {
          throw new ShopifyServerError(`${operation}: network error: ${(error as Error).message}`, shop, operation, null);
        }
        stats.retries++;
        await clock.sleep(backoff(attempt));
        continue;
      }
      const body = (res.body ?? {}) as Body;
      const cost = body.extensions?.cost;
      if (cost?.throttleStatus) throttle.observe(shop, cost.throttleStatus);
      if (cost?.requestedQueryCost) learnedCost.set(costKey(operation, query), cost.requestedQueryCost);

      if (res.status === 401 || res.status === 403 || res.status === 404) {
        throw new ShopifyAuthError(`${operation}: HTTP ${res.status} from Shopify (app uninstalled or token revoked?)`, shop, operation, res.status);
      }
      const errors = typeof body.errors === "string" ? [{ message: body.errors }] : (body.errors ?? []);
      const throttled = res.status === 429 || errors.some((e) => e.extensions?.code === "THROTTLED");
      if (throttled) {
        stats.throttled++;
        if (attempt >= maxAttempts) throw new ShopifyThrottledError(`${operation}: still THROTTLED after ${attempt} attempts`, shop, operation);
        stats.retries++;
        // Wait until the bucket holds what the query asked for; Shopify told us both numbers.
        const need = cost?.requestedQueryCost ?? estimate;
        const ms = Math.max(throttle.waitFor(shop, need), 50);
        log.debug("throttled, waiting", { shop, operation, ms });
        stats.waitedMs += ms;
        await clock.sleep(ms);
        continue;
      }
      if (res.status >= 500 || (res.status !== 200 && errors.length === 0)) {
        if (attempt >= maxAttempts) throw new ShopifyServerError(`${operation}: HTTP ${res.status} after ${attempt} attempts`, shop, operation, res.status);
        stats.retries++;
        await clock.sleep(backoff(attempt));
        continue;
      }
      if (errors.length > 0) {
        const internal = errors.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR");
        if (internal && attempt < maxAttempts) {
          stats.retries++;
          await clock.sleep(backoff(attempt));
          continue;
        }
        const message = `${operation}: ${errors.map((e) => e.message).join("; ")}`;
        if (internal) throw new ShopifyServerError(message, shop, operation, res.status);
        if (errors.some((e) => e.extensions?.code === "ACCESS_DENIED")) throw new ShopifyAuthError(message, shop, operation, res.status);
        throw new ShopifyQueryError(message, shop, operation, errors);
      }
      stats.cost = cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
      return { data: body.data as T, stats };
    }
  }

  function backoff(attempt: number): number {
    const ms = baseBackoff * 2 ** (attempt - 1);
    return Math.min(ms, 30_000) * (0.75 + Math.random() * 0.5);
  }

  return { shop, request };
}
