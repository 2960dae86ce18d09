import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ID_TOKEN_TYPE, mintSessionToken, newAccessToken, ONLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, verifySessionToken } from "./auth";
import { checkBulkQuery, runBulkQuery } from "./bulk";
import { LeakyBucket } from "./cost";
import { runGraphQL, type CallRecord, type GraphQLRequestBody } from "./graphql";
import { cancelOrder, checkout, fulfillOrder, moveOrder, stockCount, type WebhookEvent } from "./orders";
import { bulkFinishPayload } from "./payloads";
import { loadAdminSchema } from "./schema";
import { gid, onHand, ShopState, unfulfillableUnits, type BulkOperationRec, type InventoryChangeRec } from "./shop-state";
import { InputError, parseStore, type OrderAction, type StoreInput } from "./store";
import type { AppInfo, CallNotes, ExecContext } from "./views";
import { WebhookDispatcher, type DeliveryRecord, type Faults } from "./webhooks";

export interface ShopifyDoubleOptions {
  apiKey: string;
  /** Signs webhooks and session tokens, as Shopify does with the app's secret. */
  apiSecret: string;
  /** The app's base URL; deliveries POST to `${webhookUrl}${webhookPath(topic)}`. Settable later with setWebhookUrl. */
  webhookUrl?: string | null;
  /** Default: `/webhooks/${topic}` (the Remix template's `webhooks.orders.create.tsx` is `/webhooks/orders/create`). */
  webhookPath?: (topic: string) => string;
  /** Topics the app subscribed to; others are not sent (default: all). */
  topics?: string[];
  /** Shopify sends products/update when a variant's available changes; off to keep replays lean. Default true. */
  productUpdateWebhooks?: boolean;
  /** Leaky bucket: points restored per second (standard plan 100) and bucket size (default 20 × restoreRate). */
  restoreRate?: number;
  bucketSize?: number;
  /** Clock (ms since epoch) for throttling, timestamps and token lifetimes. */
  now?: () => number;
  port?: number;
  host?: string;
  apiVersion?: string;
  scope?: string;
  app?: Partial<AppInfo>;
  /** Since 2026-04 the inventory mutations fail without @idempotent. Default true. */
  requireIdempotency?: boolean;
  /** How long a bulk operation takes to complete (it always completes asynchronously). Default 10 ms. */
  bulkDelayMs?: number;
  /** senderThread: POST and time deliveries from a thread of their own (see WebhookSettings). */
  webhooks?: { concurrency?: number; timeoutMs?: number; retries?: number; retryBackoffMs?: number; reorderHoldMs?: number; userAgent?: string; senderThread?: boolean };
  /**
   * Demo only: `GET /{shop}/admin/session_token` answers `{token}`, a fresh session token, as
   * Shopify admin hands one to App Bridge for the logged-in merchant. Default false.
   */
  sessionTokenEndpoint?: boolean;
}

export interface LevelRow {
  location: number;
  sku: string;
  available: number;
  committed: number;
  onHand: number;
  reserved: number;
  safetyStock: number;
  damaged: number;
  qualityControl: number;
  incoming: number;
}

export interface DoubleStats {
  refused: number;
  unfulfillable: number;
  deliveries: { sent: number; accepted: number; rejected: number; duplicates: number };
  shopifyCalls: { mutations: number; queries: number; costPoints: number; throttled: number; stale: number };
}

export type OrderOutcome = { accepted: true; orderId: number; name: string } | { accepted: false; reason: string };

export interface ShopifyDouble {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  setWebhookUrl(url: string | null): void;
  seedStore(store: StoreInput | unknown): string;
  shops(): string[];
  installApp(shop?: string): string;
  uninstallApp(shop?: string): void;
  sessionToken(shop?: string, opts?: { userId?: string | number; ttlSeconds?: number }): string;
  order(action: OrderAction): OrderOutcome;
  cancel(orderId: number, shop?: string): void;
  fulfill(orderId: number, location: number, shop?: string): { shipped: number };
  move(orderId: number, to: number, shop?: string): void;
  stock(sku: string, location: number, onHand: number, shop?: string): void;
  deliverRaw(d: { topic: string; payload: unknown; badHmac?: boolean; shop?: string; headers?: Record<string, string | null> }): Promise<DeliveryRecord>;
  faults(f: Partial<Faults>): void;
  flushDeliveries(): Promise<void>;
  /** Resolves when no bulk operation is CREATED or RUNNING. */
  bulkIdle(): Promise<void>;
  levels(shop?: string): LevelRow[];
  stats(shop?: string): DoubleStats;
  calls(shop?: string): { graphql: CallRecord[]; inventory: InventoryChangeRec[]; bulk: { id: number; status: string; errorMessage: string | null }[] };
  deliveries(shop?: string): DeliveryRecord[];
  /** How many deliveries were made (for one shop, or all): deliveries().length without copying and parsing each. */
  deliveryCount(shop?: string): number;
}

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";
const DEFAULT_SCOPE =
  "read_products,read_inventory,write_inventory,read_locations,read_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders";

export async function createShopifyDouble(opts: ShopifyDoubleOptions): Promise<ShopifyDouble> {
  if (!opts.apiKey) throw new InputError("apiKey: required");
  if (!opts.apiSecret) throw new InputError("apiSecret: required");
  const now = opts.now ?? Date.now;
  const restoreRate = opts.restoreRate ?? 100;
  const bucketSize = opts.bucketSize ?? restoreRate * 20;
  const apiVersion = opts.apiVersion ?? "2026-07";
  const scope = opts.scope ?? DEFAULT_SCOPE;
  const app: AppInfo = { id: 4_000_001, title: "Ringfence", handle: "ringfence", apiKey: opts.apiKey, ...opts.app };
  const schema = loadAdminSchema();
  const shops = new Map<string, { state: ShopState; bucket: LeakyBucket; calls: CallRecord[] }>();
  const tokens = new Map<string, { shop: string; kind: "offline" | "online" }>();
  const bulkTimers = new Set<NodeJS.Timeout>();
  const bulkWaiters = new Set<() => void>();
  let baseUrl = "";

  const dispatcher = new WebhookDispatcher(
    {
      secret: opts.apiSecret,
      apiVersion,
      webhookPath: opts.webhookPath ?? ((topic) => `/webhooks/${topic}`),
      concurrency: opts.webhooks?.concurrency ?? 8,
      timeoutMs: opts.webhooks?.timeoutMs ?? 5000,
      retries: opts.webhooks?.retries ?? 3,
      retryBackoffMs: opts.webhooks?.retryBackoffMs ?? 50,
      reorderHoldMs: opts.webhooks?.reorderHoldMs ?? 20,
      userAgent: opts.webhooks?.userAgent ?? BROWSER_UA,
      topics: opts.topics ?? null,
      now,
      senderThread: opts.webhooks?.senderThread ?? false,
    },
    opts.webhookUrl ?? null,
  );

  const entry = (shop?: string) => {
    if (shop !== undefined) {
      const e = shops.get(shop);
      if (!e) throw new InputError(`shop: ${shop} is not seeded in the Shopify double`);
      return e;
    }
    if (shops.size !== 1) throw new InputError(`shop: required when the double holds ${shops.size} shops`);
    return shops.values().next().value!;
  };

  const emit = (state: ShopState, events: WebhookEvent[]) => {
    for (const e of events) {
      if (e.topic === "products/update" && opts.productUpdateWebhooks === false) continue;
      dispatcher.enqueue(state.domain, e.topic, e.payload);
    }
  };

  const bulkBusy = () => [...shops.values()].some(({ state }) => [...state.bulkOps.values()].some((op) => op.status === "CREATED" || op.status === "RUNNING"));

  function makeContext(state: ShopState, notes: CallNotes): ExecContext {
    return {
      shop: state,
      now: now(),
      bulk: false,
      app,
      restoreRate,
      requireIdempotency: opts.requireIdempotency ?? true,
      notes,
      bulkUrl: (id) => `${baseUrl}/bulk/${id}.jsonl`,
      emit: (events) => emit(state, events),
      runBulk: (query) => startBulk(state, query),
    };
  }

  function startBulk(state: ShopState, query: string) {
    const current = state.currentBulkId === null ? undefined : state.bulkOps.get(state.currentBulkId);
    if (current && (current.status === "CREATED" || current.status === "RUNNING"))
      return {
        op: null,
        userErrors: [{ field: null, code: "OPERATION_IN_PROGRESS", message: `A bulk query operation for this app and shop is already in progress: ${gid("BulkOperation", current.id)}.` }],
      };
    const check = checkBulkQuery(schema, query);
    if (check.errors.length > 0 || !check.document || !check.operation)
      return { op: null, userErrors: check.errors.map((message) => ({ field: ["query"], code: "INVALID", message })) };
    const op: BulkOperationRec = {
      id: state.nextId(),
      query,
      status: "CREATED",
      createdAt: now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      errorCode: null,
      errorMessage: null,
      jsonl: null,
    };
    state.bulkOps.set(op.id, op);
    state.currentBulkId = op.id;
    const { document, operation } = check;
    const timer = setTimeout(async () => {
      bulkTimers.delete(timer);
      op.status = "RUNNING";
      try {
        const res = await runBulkQuery(schema, document, operation, makeContext(state, { userErrorCodes: [], idempotencyKeys: [], replayed: false }));
        Object.assign(op, { status: "COMPLETED", jsonl: res.jsonl, objectCount: res.objectCount, rootObjectCount: res.rootObjectCount, fileSize: Buffer.byteLength(res.jsonl) });
      } catch (err) {
        Object.assign(op, { status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", errorMessage: (err as Error).message });
      }
      op.completedAt = now();
      emit(state, [{ topic: "bulk_operations/finish", payload: bulkFinishPayload(op) }]);
      if (!bulkBusy()) {
        for (const w of bulkWaiters) w();
        bulkWaiters.clear();
      }
    }, opts.bulkDelayMs ?? 10);
    bulkTimers.add(timer);
    return { op, userErrors: [] };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 20 * 1024 * 1024) throw new Error("request body too large");
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": typeof body === "string" ? "application/jsonl" : "application/json; charset=utf-8", ...headers });
    res.end(text);
  };

  async function tokenExchange(shop: string, req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    let body: Record<string, string>;
    try {
      body = (req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw || "{}");
    } catch {
      return send(res, 400, { error: "invalid_request", error_description: "body is not JSON or form data" });
    }
    if (body.client_id !== opts.apiKey || body.client_secret !== opts.apiSecret)
      return send(res, 401, { error: "invalid_client", error_description: "client_id/client_secret do not match the app" });
    const issue = (kind: "offline" | "online") => {
      const token = newAccessToken(kind);
      tokens.set(token, { shop, kind });
      return token;
    };
    if (body.grant_type === "client_credentials") return send(res, 200, { access_token: issue("offline"), scope, expires_in: 86399 });
    if (body.grant_type !== TOKEN_EXCHANGE_GRANT) return send(res, 400, { error: "unsupported_grant_type", error_description: `grant_type ${body.grant_type}` });
    if (body.subject_token_type && body.subject_token_type !== ID_TOKEN_TYPE)
      return send(res, 400, { error: "invalid_request", error_description: `subject_token_type must be ${ID_TOKEN_TYPE}` });
    const verified = verifySessionToken(body.subject_token ?? "", { apiKey: opts.apiKey, apiSecret: opts.apiSecret, nowMs: now() });
    if (!verified.ok) return send(res, 400, { error: "invalid_subject_token", error_description: verified.reason });
    if (verified.claims.dest !== `https://${shop}`) return send(res, 400, { error: "invalid_subject_token", error_description: `dest ${verified.claims.dest} is not ${shop}` });
    if (body.requested_token_type === ONLINE_TOKEN_TYPE) {
      return send(res, 200, {
        access_token: issue("online"),
        scope,
        expires_in: 86399,
        associated_user_scope: scope,
        associated_user: {
          id: Number(verified.claims.sub) || 1,
          first_name: "Test",
          last_name: "Merchant",
          email: "merchant@example.com",
          account_owner: true,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      });
    }
    return send(res, 200, { access_token: issue("offline"), scope });
  }

  async function graphql(shop: string, version: string, req: IncomingMessage, res: ServerResponse) {
    const token = req.headers["x-shopify-access-token"];
    const owner = typeof token === "string" ? tokens.get(token) : undefined;
    if (!owner || owner.shop !== shop) return send(res, 401, { errors: INVALID_TOKEN });
    const raw = await readBody(req);
    let body: GraphQLRequestBody;
    if ((req.headers["content-type"] ?? "").includes("application/graphql")) body = { query: raw };
    else {
      try {
        body = JSON.parse(raw) as GraphQLRequestBody;
      } catch {
        return send(res, 400, { errors: "Invalid JSON in request body" });
      }
    }
    const e = shops.get(shop)!;
    const out = await runGraphQL(
      { schema, bucket: e.bucket, shop, apiVersion: version, now, makeContext: (notes) => makeContext(e.state, notes) },
      body,
    );
    e.calls.push(out.record);
    send(res, out.status, out.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://double").pathname;
    const parts = path.split("/").filter(Boolean);
    if (req.method === "GET" && parts[0] === "bulk" && parts.length === 2) {
      const id = Number(parts[1].replace(/\.jsonl$/, ""));
      for (const { state } of shops.values()) {
        const op = state.bulkOps.get(id);
        if (op?.jsonl !== null && op?.jsonl !== undefined) return send(res, 200, op.jsonl);
      }
      return send(res, 404, { errors: "Not Found" });
    }
    const shop = parts[0] ?? "";
    if (!shops.has(shop)) return send(res, 404, { errors: "Not Found" });
    if (opts.sessionTokenEndpoint && req.method === "GET" && parts[1] === "admin" && parts[2] === "session_token" && parts.length === 3)
      return send(res, 200, { token: mintSessionToken({ shop, apiKey: opts.apiKey, apiSecret: opts.apiSecret, nowMs: now() }) });
    if (req.method === "POST" && parts[1] === "admin" && parts[2] === "oauth" && parts[3] === "access_token" && parts.length === 4) return tokenExchange(shop, req, res);
    if (parts[1] === "admin" && parts[2] === "api" && parts[4] === "graphql.json" && parts.length === 5 && /^(\d{4}-\d{2}|unstable)$/.test(parts[3])) {
      if (req.method !== "POST") return send(res, 405, { errors: "Method Not Allowed" });
      return graphql(shop, parts[3], req, res);
    }
    return send(res, 404, { errors: "Not Found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { errors: `Shopify test double failed: ${err.message}` });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${opts.host ?? "127.0.0.1"}:${port}`;

  const double: ShopifyDouble = {
    url: baseUrl,
    port,
    async close() {
      dispatcher.close();
      for (const t of bulkTimers) clearTimeout(t);
      bulkTimers.clear();
      for (const w of bulkWaiters) w();
      bulkWaiters.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setWebhookUrl(url) {
      dispatcher.baseUrl = url ? url.replace(/\/$/, "") : null;
    },
    seedStore(input) {
      const store = parseStore(input);
      if (shops.has(store.shop)) throw new InputError(`shop: ${store.shop} is already seeded`);
      const state = new ShopState(store, now(), shops.size + 1);
      shops.set(store.shop, { state, bucket: new LeakyBucket(bucketSize, restoreRate, now()), calls: [] });
      return store.shop;
    },
    shops: () => [...shops.keys()],
    installApp(shop) {
      const e = entry(shop);
      const token = newAccessToken("offline");
      tokens.set(token, { shop: e.state.domain, kind: "offline" });
      return token;
    },
    uninstallApp(shop) {
      const e = entry(shop);
      for (const [t, owner] of tokens) if (owner.shop === e.state.domain) tokens.delete(t);
      emit(e.state, [
        {
          topic: "app/uninstalled",
          payload: { id: e.state.shopId, name: e.state.name, domain: e.state.domain, myshopify_domain: e.state.domain, currency: e.state.currency },
        },
      ]);
    },
    sessionToken(shop, o = {}) {
      const e = entry(shop);
      return mintSessionToken({ shop: e.state.domain, apiKey: opts.apiKey, apiSecret: opts.apiSecret, nowMs: now(), ...o });
    },
    order(action) {
      const e = entry(action.shop);
      const res = checkout(e.state, action, now());
      if (!res.accepted) return res;
      emit(e.state, res.events);
      return { accepted: true, orderId: res.order.id, name: res.order.name };
    },
    cancel(orderId, shop) {
      const e = entry(shop);
      emit(e.state, cancelOrder(e.state, orderId, now()));
    },
    fulfill(orderId, location, shop) {
      const e = entry(shop);
      const res = fulfillOrder(e.state, orderId, location, now());
      emit(e.state, res.events);
      return { shipped: res.shipped };
    },
    move(orderId, to, shop) {
      const e = entry(shop);
      emit(e.state, moveOrder(e.state, orderId, to, now()));
    },
    stock(sku, location, target, shop) {
      const e = entry(shop);
      emit(e.state, stockCount(e.state, sku, location, target, now()));
    },
    async deliverRaw(d) {
      const e = entry(d.shop);
      const [made] = dispatcher.enqueue(e.state.domain, d.topic, d.payload, { raw: true, badHmac: d.badHmac, headers: d.headers });
      return dispatcher.waitFor(made.seq);
    },
    faults: (f) => dispatcher.setFaults(f),
    flushDeliveries: () => dispatcher.flush(),
    bulkIdle: () => (bulkBusy() ? new Promise<void>((resolve) => bulkWaiters.add(resolve)) : Promise.resolve()),
    levels(shop) {
      const { state } = entry(shop);
      return [...state.levels.values()]
        .map((l) => ({
          location: l.locationId,
          sku: state.skuOfItem(l.itemId),
          available: l.q.available,
          committed: l.q.committed,
          onHand: onHand(l),
          reserved: l.q.reserved,
          safetyStock: l.q.safety_stock,
          damaged: l.q.damaged,
          qualityControl: l.q.quality_control,
          incoming: l.q.incoming,
        }))
        .sort((a, b) => a.location - b.location || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    },
    stats(shop) {
      const { state, calls } = entry(shop);
      const ran = calls.filter((c) => c.outcome === "ok" || c.outcome === "error");
      return {
        refused: state.refused,
        unfulfillable: [...state.levels.values()].reduce((s, l) => s + unfulfillableUnits(l), 0),
        deliveries: dispatcher.stats(state.domain),
        shopifyCalls: {
          mutations: ran.filter((c) => c.operationType === "mutation").length,
          queries: ran.filter((c) => c.operationType === "query").length,
          costPoints: ran.reduce((s, c) => s + (c.actualCost ?? 0), 0),
          throttled: calls.filter((c) => c.outcome === "throttled").length,
          stale: calls.filter((c) => c.userErrorCodes.includes("CHANGE_FROM_QUANTITY_STALE")).length,
        },
      };
    },
    calls(shop) {
      const { state, calls } = entry(shop);
      return {
        graphql: [...calls],
        inventory: [...state.inventoryLog],
        bulk: [...state.bulkOps.values()].map((op) => ({ id: op.id, status: op.status, errorMessage: op.errorMessage })),
      };
    },
    deliveries: (shop) => dispatcher.records(shop === undefined ? undefined : entry(shop).state.domain),
    deliveryCount: (shop) => dispatcher.count(shop === undefined ? undefined : entry(shop).state.domain),
  };
  return double;
}
