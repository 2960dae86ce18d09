import { env } from "../env.server";
import { getProducer, type Producer } from "../jobs/producer.server";
import { createLogger, type Logger } from "../lib/logger";
import { authenticate } from "../shopify.server";
import type { PayloadOf } from "../jobs/contract";
import { isTopic, parseTopicPayload, type Topic } from "./apply-payloads.server";
import { laneOf } from "./inbox-lanes";
import { writerOf } from "./inbox-writer.server";
import { sharedRawPool, type RawDb } from "../raw-db.server";

/**
 * The one webhook handler behind every `webhooks.*` route: verify → record → 200 → enqueue, in
 * milliseconds (no Shopify call, no engine work). The inbox row is durable before the 200, so a
 * delivery Shopify saw accepted is never lost; the job is enqueued as the answer goes out, and if
 * Redis is down (or the process dies first) the sweeper enqueues the row later. Deliveries that
 * arrive together are inserted together (app/services/inbox-writer.server.ts).
 * - Bad HMAC: authenticate.webhook answers 401 and nothing is written (405 for non-POST, 400 for
 *   missing headers).
 * - Duplicate X-Shopify-Webhook-Id: 200, nothing changes (INSERT ... ON CONFLICT DO NOTHING).
 * - Malformed body (missing id, wrong types): recorded as `rejected` with the fields named, 200
 *   (Shopify would otherwise retry the same body for hours), nothing applied.
 * - A shop we have no Shop row for (never installed, or erased by shop/redact): nothing is
 *   recorded (every row belongs to a shop) and the answer is 200, logged, because retries would
 *   not change that.
 */

export interface IngestDeps {
  /** Where the inbox row is written (by default the app's own pg pool: app/raw-db.server.ts). */
  db: RawDb;
  producer: () => Pick<Producer, "enqueue">;
  log: Logger;
  /** Longest an enqueue waits for Redis before giving up and logging (the sweeper catches up). */
  enqueueTimeoutMs: number;
}

let defaults: IngestDeps | undefined;
function defaultDeps(): IngestDeps {
  defaults ??= {
    db: sharedRawPool(),
    producer: getProducer,
    log: createLogger(env().LOG_LEVEL, { component: "webhooks" }),
    enqueueTimeoutMs: 500,
  };
  return defaults;
}

const ok = () => new Response(null, { status: 200 });

export type IngestOutcome = "recorded" | "duplicate" | "rejected" | "unknown-shop";

export async function handleWebhook(request: Request, routeTopic: string, deps: IngestDeps = defaultDeps()): Promise<Response> {
  const { log } = deps;
  let hook: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    hook = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error;
    // The HMAC matched but the body is not JSON: Shopify never sends that; say what is wrong.
    if (error instanceof SyntaxError) return new Response(`body: not valid JSON (${error.message})`, { status: 400 });
    throw error;
  }
  const started = performance.now();
  const topic = (request.headers.get("X-Shopify-Topic") ?? routeTopic).trim().toLowerCase();
  if (topic !== routeTopic) log.warn("webhook topic differs from its route", { topic, routeTopic, shop: hook.shop });

  const outcome = await record(deps, {
    shop: hook.shop,
    topic,
    webhookId: hook.webhookId,
    eventId: hook.eventId ?? null,
    apiVersion: hook.apiVersion ?? null,
    triggeredAt: hook.triggeredAt ?? null,
    payload: hook.payload,
  });
  log.debug("webhook ingested", { shop: hook.shop, topic, webhookId: hook.webhookId, outcome, ms: Math.round((performance.now() - started) * 10) / 10 });
  return ok();
}

export interface VerifiedDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: string | null;
  payload: unknown;
}

/** Records an authenticated delivery once and starts its enqueue (not awaited); never throws for Redis trouble. */
export async function record(deps: IngestDeps, d: VerifiedDelivery): Promise<IngestOutcome> {
  const { log } = deps;
  const parsed = isTopic(d.topic) ? parseTopicPayload(d.topic, d.payload) : { ok: false as const, reason: `topic: ${d.topic} is not a topic the app subscribes to` };
  const triggeredAt = d.triggeredAt && !Number.isNaN(Date.parse(d.triggeredAt)) ? new Date(d.triggeredAt) : null;
  const lane = parsed.ok ? laneOf(d.topic as Topic, parsed.data) : null;
  const { result: inserted, once } = await writerOf(deps.db).insert({
    shop: { domain: d.shop },
    webhookId: d.webhookId,
    topic: d.topic,
    eventId: d.eventId,
    apiVersion: d.apiVersion,
    triggeredAt,
    payload: d.payload,
    status: parsed.ok ? "received" : "rejected",
    error: parsed.ok ? null : parsed.reason,
    lane,
  });
  if ("unknownShop" in inserted) {
    log.warn("webhook for a shop without a Shop row: not recorded", { shop: d.shop, topic: d.topic, webhookId: d.webhookId });
    return "unknown-shop";
  }
  const { shopId } = inserted;
  if (!parsed.ok) {
    if (inserted.inserted) log.warn("webhook rejected", { shop: d.shop, topic: d.topic, webhookId: d.webhookId, reason: parsed.reason });
    return "rejected";
  }
  if (!inserted.inserted && inserted.status !== "received") return "duplicate";
  // A laned delivery wakes its lane's drain (a no-op while one is waiting); others get a job each.
  // The row is durable, so Shopify is answered without waiting for Redis: the job is sent right
  // after, and one that never gets there (Redis down, the process killed) is the sweeper's. The
  // deliveries of one lane committed in one insert need one wake between them: it is sent after
  // that commit, so the drain it starts sees them all.
  const job: PayloadOf<"webhooks"> = lane === null ? { shopId, inboxId: inserted.id } : { shopId, lane };
  once(lane === null ? `inbox:${inserted.id}` : `lane:${shopId}:${lane}`, () => void enqueue(deps, deps.producer(), shopId, inserted.id, job));
  return inserted.inserted ? "recorded" : "duplicate";
}

async function enqueue(deps: IngestDeps, producer: Pick<Producer, "enqueue">, shopId: number, inboxId: number, job: PayloadOf<"webhooks">): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      producer.enqueue("webhooks", job),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis in ${deps.enqueueTimeoutMs} ms`)), deps.enqueueTimeoutMs);
      }),
    ]);
  } catch (error) {
    deps.log.warn("webhook recorded but not enqueued; the sweeper will enqueue it", {
      shopId,
      inboxId,
      error: error instanceof Error ? error.message : String(error),
    });
  } finally {
    clearTimeout(timer);
  }
}
