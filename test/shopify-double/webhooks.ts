import { createHmac, randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { prng } from "../../scripts/lib/prng";
export { prng };

/**
 * Webhook delivery as Shopify does it (https://shopify.dev/docs/apps/build/webhooks): a POST of
 * the JSON body with X-Shopify-* headers and a base64 HMAC-SHA256 of the raw body keyed with the
 * app's secret; a non-2xx answer or a timeout is retried with backoff a bounded number of
 * times; no ordering guarantee. Faults make later deliveries duplicated (same
 * X-Shopify-Webhook-Id and X-Shopify-Event-Id) and shuffled within windows, from a seeded PRNG.
 */

export interface WebhookSettings {
  secret: string;
  apiVersion: string;
  webhookPath(topic: string): string;
  concurrency: number;
  timeoutMs: number;
  /** Retries after the first attempt (Shopify: 8 over 4 hours; tests want few and fast). */
  retries: number;
  retryBackoffMs: number;
  /** A partly filled reorder window is released after this long without new deliveries. */
  reorderHoldMs: number;
  userAgent: string;
  topics: string[] | null;
  now(): number;
  /**
   * POST and time deliveries from a thread of their own (sender-thread.mjs) instead of this
   * process's event loop. Shopify's senders are not in the receiver's machine: a benchmark that
   * runs the double beside other work sets this so that work's loop delay is not in the latency.
   */
  senderThread?: boolean;
}

export interface Faults {
  duplicate: number;
  reorderWindow: number;
  seed: number;
  delayMs: number;
}

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  latencyMs: number;
  status: number | null;
  error: string | null;
}

export interface DeliveryRecord {
  seq: number;
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  payload: unknown;
  duplicate: boolean;
  raw: boolean;
  badHmac: boolean;
  /** Position in the order deliveries were first sent (null until sent). */
  dispatchIndex: number | null;
  status: "pending" | "accepted" | "rejected" | "undeliverable" | "cancelled";
  attempts: DeliveryAttempt[];
}

interface Delivery extends Omit<DeliveryRecord, "payload"> {
  /** The exact bytes sent (and signed); records() parses it back for inspection. */
  body: string;
  headers: Record<string, string>;
  delayMs: number;
  retriesLeft: number;
  settled: Promise<void>;
  settle(): void;
}


export function hmacBase64(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export class WebhookDispatcher {
  private readonly all: Delivery[] = [];
  private ready: Delivery[] = [];
  private window: Delivery[] = [];
  private faults: Faults | null = null;
  private rng: () => number = prng(0);
  private inFlight = 0;
  private dispatched = 0;
  private seq = 0;
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private closed = false;
  private readonly post: (p: Post) => Promise<PostResult>;
  private closeSender: () => void = () => undefined;
  baseUrl: string | null;

  constructor(
    private readonly settings: WebhookSettings,
    baseUrl: string | null,
  ) {
    this.baseUrl = baseUrl ? baseUrl.replace(/\/$/, "") : null;
    if (settings.senderThread) {
      const sender = threadSender();
      this.post = sender.post;
      this.closeSender = sender.close;
    } else {
      this.post = (p) => postInline(p, this.abort.signal);
    }
  }

  setFaults(f: Partial<Faults>): void {
    this.releaseWindow();
    const faults: Faults = { duplicate: f.duplicate ?? 0, reorderWindow: f.reorderWindow ?? 0, seed: f.seed ?? 0, delayMs: f.delayMs ?? 0 };
    if (!(faults.duplicate >= 0 && faults.duplicate <= 1)) throw new RangeError(`faults.duplicate: a probability in [0, 1], got ${f.duplicate}`);
    if (!Number.isInteger(faults.reorderWindow) || faults.reorderWindow < 0) throw new RangeError(`faults.reorderWindow: an integer >= 0, got ${f.reorderWindow}`);
    if (!Number.isInteger(faults.seed)) throw new RangeError(`faults.seed: an integer, got ${f.seed}`);
    if (!(faults.delayMs >= 0)) throw new RangeError(`faults.delayMs: >= 0, got ${f.delayMs}`);
    this.faults = faults;
    this.rng = prng(faults.seed);
  }

  /** Queues one Shopify event; returns the deliveries made for it (two when duplicated). */
  enqueue(
    shop: string,
    topic: string,
    payload: unknown,
    opts: { raw?: boolean; badHmac?: boolean; headers?: Record<string, string | null> } = {},
  ): DeliveryRecord[] {
    if (this.closed) return [];
    if (!opts.raw && this.settings.topics && !this.settings.topics.includes(topic)) return [];
    const body = JSON.stringify(payload);
    const webhookId = randomUUID();
    const eventId = randomUUID();
    const triggeredAt = new Date(this.settings.now()).toISOString();
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": this.settings.userAgent,
      "X-Shopify-Topic": topic,
      "X-Shopify-Hmac-Sha256": hmacBase64(opts.badHmac ? `not-${this.settings.secret}` : this.settings.secret, body),
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": this.settings.apiVersion,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": triggeredAt,
    };
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v === null) delete headers[k];
      else headers[k] = v;
    }
    const made = [this.make(shop, topic, body, headers, webhookId, eventId, triggeredAt, false, opts)];
    if (this.faults && this.faults.duplicate > 0 && this.rng() < this.faults.duplicate)
      made.push(this.make(shop, topic, body, headers, webhookId, eventId, triggeredAt, true, opts));
    for (const d of made) this.admit(d);
    this.pump();
    return made.map((d) => this.record(d));
  }

  private make(
    shop: string,
    topic: string,
    body: string,
    headers: Record<string, string>,
    webhookId: string,
    eventId: string,
    triggeredAt: string,
    duplicate: boolean,
    opts: { raw?: boolean; badHmac?: boolean },
  ): Delivery {
    let settle!: () => void;
    const settled = new Promise<void>((r) => (settle = r));
    const d: Delivery = {
      seq: ++this.seq,
      shop,
      topic,
      webhookId,
      eventId,
      triggeredAt,
      duplicate,
      raw: !!opts.raw,
      badHmac: !!opts.badHmac,
      dispatchIndex: null,
      status: "pending",
      attempts: [],
      body,
      headers,
      delayMs: this.faults && this.faults.delayMs > 0 ? Math.floor(this.rng() * this.faults.delayMs) : 0,
      // A raw delivery is a probe (e.g. a forged HMAC): one answer is the answer.
      retriesLeft: opts.raw ? 0 : this.settings.retries,
      settled,
      settle,
    };
    this.all.push(d);
    return d;
  }

  private admit(d: Delivery): void {
    const w = this.faults?.reorderWindow ?? 0;
    if (w <= 1) {
      this.ready.push(d);
      return;
    }
    this.window.push(d);
    if (this.window.length >= w) this.releaseWindow();
    else this.armHold();
  }

  private armHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      this.releaseWindow();
      this.pump();
    }, this.settings.reorderHoldMs);
  }

  private releaseWindow(): void {
    if (this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
    const batch = this.window;
    this.window = [];
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [batch[i], batch[j]] = [batch[j], batch[i]];
    }
    this.ready.push(...batch);
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.settings.concurrency && this.ready.length > 0) {
      const d = this.ready.shift()!;
      if (d.dispatchIndex === null) d.dispatchIndex = this.dispatched++;
      this.inFlight += 1;
      void this.attempt(d).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async attempt(d: Delivery): Promise<void> {
    if (!this.baseUrl) {
      d.status = "undeliverable";
      d.settle();
      return;
    }
    if (d.attempts.length === 0 && d.delayMs > 0) await this.sleep(d.delayMs);
    if (this.closed) return;
    const rec: DeliveryAttempt = { attempt: d.attempts.length + 1, at: this.settings.now(), latencyMs: 0, status: null, error: null };
    d.attempts.push(rec);
    const answer = await this.post({ url: `${this.baseUrl}${this.settings.webhookPath(d.topic)}`, headers: d.headers, body: d.body, timeoutMs: this.settings.timeoutMs });
    Object.assign(rec, answer);
    if (this.closed) return;
    if (rec.status !== null && rec.status >= 200 && rec.status < 300) {
      d.status = "accepted";
      d.settle();
    } else if (d.retriesLeft > 0) {
      d.retriesLeft -= 1;
      const wait = this.settings.retryBackoffMs * 2 ** (d.attempts.length - 1);
      void this.sleep(wait).then(() => {
        if (this.closed) return;
        this.ready.unshift(d);
        this.pump();
      });
    } else {
      d.status = "rejected";
      d.settle();
    }
  }

  /** Resolves once every delivery queued so far has its final answer (accepted, or retries exhausted). */
  async flush(): Promise<void> {
    const pending = this.all.filter((d) => d.status === "pending");
    this.releaseWindow();
    this.pump();
    await Promise.all(pending.map((d) => d.settled));
  }

  /** Resolves when the delivery with this seq has its final answer. */
  async waitFor(seq: number): Promise<DeliveryRecord> {
    const d = this.all.find((x) => x.seq === seq);
    if (!d) throw new RangeError(`no delivery #${seq}`);
    this.releaseWindow();
    this.pump();
    await d.settled;
    return this.record(d);
  }

  private record(d: Delivery): DeliveryRecord {
    const { seq, shop, topic, webhookId, eventId, triggeredAt, duplicate, raw, badHmac, dispatchIndex, status, attempts, body } = d;
    return {
      seq,
      shop,
      topic,
      webhookId,
      eventId,
      triggeredAt,
      payload: JSON.parse(body),
      duplicate,
      raw,
      badHmac,
      dispatchIndex,
      status,
      attempts: attempts.map((a) => ({ ...a })),
    };
  }

  count(shop?: string): number {
    if (!shop) return this.all.length;
    let n = 0;
    for (const d of this.all) if (d.shop === shop) n++;
    return n;
  }

  records(shop?: string): DeliveryRecord[] {
    return this.all.filter((d) => !shop || d.shop === shop).map((d) => this.record(d));
  }

  stats(shop: string): { sent: number; accepted: number; rejected: number; duplicates: number } {
    const mine = this.all.filter((d) => d.shop === shop && d.attempts.length > 0);
    return {
      sent: mine.length,
      accepted: mine.filter((d) => d.status === "accepted").length,
      rejected: mine.filter((d) => d.status === "rejected").length,
      duplicates: mine.filter((d) => d.duplicate).length,
    };
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.closeSender();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const d of this.all) {
      if (d.status === "pending") {
        d.status = "cancelled";
        d.settle();
      }
    }
  }
}

interface Post {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

type PostResult = Pick<DeliveryAttempt, "status" | "error" | "latencyMs">;

async function postInline({ url, headers, body, timeoutMs }: Post, abort: AbortSignal): Promise<PostResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.any([abort, AbortSignal.timeout(timeoutMs)]) });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, error: null, latencyMs: performance.now() - started };
  } catch (err) {
    const error = (err as Error).name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : (err as Error).message;
    return { status: null, error, latencyMs: performance.now() - started };
  }
}

/** Deliveries POSTed by sender-thread.mjs; what is in flight when it closes is answered "closed". */
function threadSender(): { post(p: Post): Promise<PostResult>; close(): void } {
  const worker = new Worker(new URL("./sender-thread.mjs", import.meta.url));
  worker.unref();
  const waiting = new Map<number, (r: PostResult) => void>();
  let next = 0;
  const failAll = (error: string) => {
    for (const resolve of waiting.values()) resolve({ status: null, error, latencyMs: 0 });
    waiting.clear();
  };
  worker.on("message", ({ id, ...result }: PostResult & { id: number }) => {
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  worker.on("error", (err) => failAll(`sender thread failed: ${err.message}`));
  return {
    post(p) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ id, ...p });
      });
    },
    close() {
      failAll("closed");
      void worker.terminate();
    },
  };
}
