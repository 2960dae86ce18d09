import { describe, expect, it } from "vitest";
import { isTerminal, ShopifyAuthError, ShopifyQueryError, ShopifyServerError, ShopifyThrottledError, ShopifyUserError } from "./errors";
import { createAdminClient, type Transport } from "./client";
import { ShopThrottle, type Clock } from "./throttle";

function fakeClock(): Clock & { t: number; slept: number[] } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("ShopThrottle", () => {
  it("waits for the bucket instead of overdrawing it: 5 points left, 100 needed at 50/s → 1.9 s", async () => {
    const clock = fakeClock();
    const t = new ShopThrottle(clock);
    t.observe("a.myshopify.com", { maximumAvailable: 1000, currentlyAvailable: 5, restoreRate: 50 });
    expect(t.waitFor("a.myshopify.com", 100)).toBe(1900);
    await t.acquire("a.myshopify.com", 100);
    expect(clock.slept).toEqual([1900]);
  });

  it("background work leaves its reserve in the bucket: a push goes now, routing waits", async () => {
    const clock = fakeClock();
    const t = new ShopThrottle(clock);
    t.observe("a.myshopify.com", { maximumAvailable: 2000, currentlyAvailable: 400, restoreRate: 100 });
    expect(t.waitFor("a.myshopify.com", 12)).toBe(0);
    // A quarter of the bucket (500) stays: 12 more than 500 above the 400 there are → 1.12 s.
    expect(t.waitFor("a.myshopify.com", 12, 0.25)).toBe(1120);
    await t.acquire("a.myshopify.com", 12, 0.25);
    expect(clock.slept).toEqual([1120]);
    expect(t.snapshot("a.myshopify.com").currentlyAvailable).toBe(500);
  });

  it("keeps one bucket per shop", () => {
    const t = new ShopThrottle(fakeClock());
    t.observe("a.myshopify.com", { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 50 });
    expect(t.waitFor("a.myshopify.com", 10)).toBe(200);
    expect(t.waitFor("b.myshopify.com", 10)).toBe(0);
  });

  it("refills with time, never above the maximum", () => {
    const clock = fakeClock();
    const t = new ShopThrottle(clock);
    t.observe("a.myshopify.com", { maximumAvailable: 100, currentlyAvailable: 0, restoreRate: 10 });
    clock.t += 60_000;
    expect(t.snapshot("a.myshopify.com").currentlyAvailable).toBe(100);
  });

  it("a cost larger than the bucket waits only for a full bucket (Shopify refuses it with MAX_COST_EXCEEDED anyway)", () => {
    const t = new ShopThrottle(fakeClock());
    t.observe("a.myshopify.com", { maximumAvailable: 100, currentlyAvailable: 100, restoreRate: 10 });
    expect(t.waitFor("a.myshopify.com", 5000)).toBe(0);
  });
});

describe("isTerminal", () => {
  const s = "a.myshopify.com";
  it("stops retrying what cannot heal", () => {
    expect(isTerminal(new ShopifyAuthError("401", s, "op", 401))).toBe(true);
    expect(isTerminal(new ShopifyQueryError("bad field", s, "op", []))).toBe(true);
    expect(isTerminal(new ShopifyUserError(s, "op", [{ code: "INVALID_LOCATION", message: "x" }]))).toBe(true);
  });
  it("retries what may heal", () => {
    expect(isTerminal(new ShopifyThrottledError("t", s, "op"))).toBe(false);
    expect(isTerminal(new ShopifyServerError("503", s, "op", 503))).toBe(false);
    expect(isTerminal(new ShopifyUserError(s, "op", [{ code: "IDEMPOTENCY_CONCURRENT_REQUEST", message: "x" }]))).toBe(false);
    expect(isTerminal(new ShopifyUserError(s, "op", [{ code: "CHANGE_FROM_QUANTITY_STALE", message: "x" }]))).toBe(false);
    expect(isTerminal(new Error("ECONNRESET"))).toBe(false);
  });
  it("a user error names its code and field", () => {
    expect(new ShopifyUserError(s, "inventorySetQuantities", [{ code: "INVALID_QUANTITY_NEGATIVE", field: ["input", "quantities", "0", "quantity"], message: "can't be negative" }]).message).toBe(
      "inventorySetQuantities: INVALID_QUANTITY_NEGATIVE at input.quantities.0.quantity: can't be negative",
    );
  });
});

describe("the client's cost estimate before a call", () => {
  it("is learnt per document: a small read of an operation never waits for the bucket a big one needed", async () => {
    const clock = fakeClock();
    const throttle = new ShopThrottle(clock);
    const shop = "learn.myshopify.com";
    // Shopify answers with the requested cost of the document (its size here) and a bucket at 300.
    const transport: Transport = async (req) => {
      const requested = req.query.length;
      return { status: 200, body: { data: {}, extensions: { cost: { requestedQueryCost: requested, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 300, restoreRate: 100 } } } } };
    };
    const client = createAdminClient({ shop, transport, throttle, clock });
    const big = `query ReadMany { ${"a ".repeat(450)} }`;
    const small = `query ReadMany { a }`;
    await client.request("ReadMany", big);
    expect(clock.slept).toEqual([]);
    // The big document asked for ~900 points: it waits for them next time…
    await client.request("ReadMany", big);
    expect(clock.slept).toHaveLength(1);
    // …the small one of the same operation does not.
    clock.slept.length = 0;
    await client.request("ReadMany", small);
    await client.request("ReadMany", small);
    expect(clock.slept).toEqual([]);
  });
});
