/**
 * Per-shop pacing from Shopify's leaky bucket. Every response reports
 * `extensions.cost.throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}`; we keep
 * that per shop, refill it with time, and make a caller wait until its query's cost fits instead
 * of spending a round trip on THROTTLED. BullMQ's limiter is per queue, so this is the only place
 * a shop's budget can be respected. One bucket per process; several worker processes each keep
 * their own view and THROTTLED (still handled by the client) corrects any overdraw.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  max: number;
  available: number;
  rate: number;
  at: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

// Until the first response tells us otherwise: a standard plan (100/s, bucket of 2,000).
const DEFAULT_STATUS: ThrottleStatus = { maximumAvailable: 2_000, currentlyAvailable: 2_000, restoreRate: 100 };

export class ShopThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock = realClock) {}

  private bucket(shop: string): Bucket {
    let b = this.buckets.get(shop);
    if (!b) {
      b = {
        max: DEFAULT_STATUS.maximumAvailable,
        available: DEFAULT_STATUS.currentlyAvailable,
        rate: DEFAULT_STATUS.restoreRate,
        at: this.clock.now(),
      };
      this.buckets.set(shop, b);
    }
    const now = this.clock.now();
    b.available = Math.min(b.max, b.available + ((now - b.at) / 1000) * b.rate);
    b.at = now;
    return b;
  }

  /**
   * Milliseconds until `cost` points are in the shop's bucket (0: now), leaving `reserve` (a share
   * of the bucket) for other callers: background work passes one so it never drains the bucket
   * that latency-bound work (pushes) needs.
   */
  waitFor(shop: string, cost: number, reserve = 0): number {
    const b = this.bucket(shop);
    const need = Math.min(cost + reserve * b.max, b.max) - b.available;
    return need <= 0 ? 0 : Math.ceil((need / b.rate) * 1000);
  }

  /** Waits until `cost` fits (above `reserve`), then takes it from the bucket (refunded by `observe`). */
  async acquire(shop: string, cost: number, reserve = 0): Promise<number> {
    let waited = 0;
    for (;;) {
      const ms = this.waitFor(shop, cost, reserve);
      if (ms === 0) break;
      waited += ms;
      await this.clock.sleep(ms);
    }
    this.bucket(shop).available -= cost;
    return waited;
  }

  /** Shopify's word is the truth: replace our estimate with what the response reported. */
  observe(shop: string, status: ThrottleStatus): void {
    const b = this.bucket(shop);
    b.max = status.maximumAvailable;
    b.available = status.currentlyAvailable;
    b.rate = status.restoreRate > 0 ? status.restoreRate : b.rate;
    b.at = this.clock.now();
  }

  snapshot(shop: string): ThrottleStatus {
    const b = this.bucket(shop);
    return { maximumAvailable: b.max, currentlyAvailable: b.available, restoreRate: b.rate };
  }
}
