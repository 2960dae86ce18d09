// Calls the embedded pages' loaders and actions as Shopify admin would: a Request carrying a
// locally minted session token for a shop with a stored offline session, verified by the real
// library against the real session storage in PostgreSQL. No Shopify call is made (the session
// exists), so no test double is needed here.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Session } from "@shopify/shopify-api";
import prisma from "../../../app/db.server";
import { DEFAULT_SCOPES } from "../../../app/env.server";
import { bearerHeaders } from "../../support/session-token";

export const API_KEY = "ringfence-admin-test-key";
export const API_SECRET = "ringfence-admin-test-secret";
export const APP_URL = "https://ringfence.test";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

const savedEnv = { ...process.env };

/** Sets the app's env for this file (before any app module reads it); returns the restore. */
export function useAppEnv(queuePrefix: string): () => void {
  Object.assign(process.env, {
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    LOG_LEVEL: "error",
    QUEUE_PREFIX: queuePrefix,
  });
  delete process.env.SCOPES;
  delete process.env.SHOPIFY_ADMIN_ORIGIN;
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  };
}

export async function storeOfflineSession(shop: string): Promise<void> {
  const { sessionStorage } = await import("../../../app/shopify.server");
  await sessionStorage.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: `shpat_${shop}`, scope: DEFAULT_SCOPES.join(",") }),
  );
}

export async function dropSessions(shops: string[]): Promise<void> {
  await prisma.session.deleteMany({ where: { shop: { in: shops } } });
}

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => Promise<Response> | Response;
  action?: (args: ActionFunctionArgs) => Promise<Response> | Response;
};

export interface Outcome<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON (or text for non-JSON bodies). */
  data: T;
}

async function settle(run: () => Promise<Response> | Response): Promise<Outcome> {
  let response: Response;
  try {
    response = await run();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    response = thrown;
  }
  const text = await response.text();
  let data: unknown = text;
  if ((response.headers.get("Content-Type") ?? "").includes("json") && text) data = JSON.parse(text);
  return { status: response.status, headers: response.headers, data };
}

export function requestFor(shop: string, path: string, init: { method?: string; json?: unknown } = {}): Request {
  const headers: Record<string, string> = { "User-Agent": BROWSER_UA, ...bearerHeaders({ shop, apiKey: API_KEY, apiSecret: API_SECRET }) };
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  return new Request(new URL(path, APP_URL), {
    method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
}

export function load(mod: RouteModule, shop: string, path: string, params: Record<string, string> = {}): Promise<Outcome> {
  if (!mod.loader) throw new Error(`no loader for ${path}`);
  const loader = mod.loader;
  return settle(() => loader({ request: requestFor(shop, path), params, context: {} }));
}

export function act(mod: RouteModule, shop: string, path: string, body: unknown, params: Record<string, string> = {}): Promise<Outcome> {
  if (!mod.action) throw new Error(`no action for ${path}`);
  const action = mod.action;
  return settle(() => action({ request: requestFor(shop, path, { json: body }), params, context: {} }));
}

/** Every route of the admin, imported after the env is set. */
export async function importRoutes() {
  return {
    dashboard: await import("../../../app/routes/app._index"),
    channels: await import("../../../app/routes/app.channels._index"),
    channelNew: await import("../../../app/routes/app.channels.new"),
    channel: await import("../../../app/routes/app.channels.$id"),
    rules: await import("../../../app/routes/app.exposure-rules._index"),
    ruleNew: await import("../../../app/routes/app.exposure-rules.new"),
    rule: await import("../../../app/routes/app.exposure-rules.$id"),
    rebalance: await import("../../../app/routes/app.rebalance"),
    holdbacks: await import("../../../app/routes/app.holdbacks"),
    holdbacksExport: await import("../../../app/routes/app.holdbacks.export"),
    suppliers: await import("../../../app/routes/app.suppliers"),
    purchaseOrders: await import("../../../app/routes/app.purchase-orders._index"),
    purchaseOrder: await import("../../../app/routes/app.purchase-orders.$id"),
    promiseCheck: await import("../../../app/routes/app.promise-check"),
    apiPromise: await import("../../../app/routes/api.promise"),
    products: await import("../../../app/routes/app.products._index"),
    product: await import("../../../app/routes/app.products.$id"),
  };
}

export type Routes = Awaited<ReturnType<typeof importRoutes>>;

/** Closes the web process's Redis users opened by the routes (producer, dashboard counts). */
export async function closeQueues(): Promise<void> {
  const { closeQueueDepthReader } = await import("../../../app/services/admin/queue-depth.server");
  await closeQueueDepthReader();
  const producer = globalThis.ringfenceProducer;
  globalThis.ringfenceProducer = undefined;
  await producer?.close();
}

/** After a file's tests: queues closed, the shops' sessions and rows gone, the environment restored. */
export async function teardownShops(shops: string[], restoreEnv: () => void): Promise<void> {
  await closeQueues();
  await dropSessions(shops);
  await prisma.shop.deleteMany({ where: { domain: { in: shops } } });
  restoreEnv();
}
