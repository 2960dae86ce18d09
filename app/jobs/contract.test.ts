import { describe, expect, it } from "vitest";
import { DEFAULT_JOB_OPTIONS, jobKey, jobOptionsFor, parsePayload, PayloadError, QUEUE_NAMES, queues } from "./contract";

describe("queue contract", () => {
  it("declares the queues the workers and the web side share", () => {
    expect(QUEUE_NAMES).toEqual(["webhooks", "recompute", "push", "route", "sync", "reconcile", "health"]);
    expect(Object.values(queues).map((q) => q.job)).toEqual([
      "process-inbox",
      "recompute-item",
      "push-shop",
      "route-shop",
      "sync-shop",
      "reconcile-shop",
      "ping",
    ]);
  });

  it("parses good payloads", () => {
    expect(parsePayload("webhooks", { shopId: 1, inboxId: 42 })).toEqual({ shopId: 1, inboxId: 42 });
    expect(parsePayload("recompute", { shopId: 1, itemId: 7 })).toEqual({ shopId: 1, itemId: 7 });
    expect(parsePayload("sync", { shopId: 3, mode: "initial" })).toEqual({ shopId: 3, mode: "initial" });
  });

  it("rejects a token smuggled into a payload, naming it", () => {
    expect(() => parsePayload("push", { shopId: 1, accessToken: "shpat_x" })).toThrow(
      "Invalid push job payload: accessToken: not part of the payload (payloads carry ids only)",
    );
  });

  it("names each bad field", () => {
    try {
      parsePayload("recompute", { shopId: "1", itemId: -2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PayloadError);
      const issues = (error as PayloadError).issues;
      expect(issues.map((i) => i.split(":")[0])).toEqual(["shopId", "itemId"]);
    }
    expect(() => parsePayload("sync", { shopId: 1, mode: "sometimes" })).toThrow(/mode: Invalid enum value/);
  });

  it("refuses an unknown queue", () => {
    expect(() => parsePayload("nope" as never, {})).toThrow(/unknown queue/);
  });

  it("derives ids from the payload, never with ':'", () => {
    expect(jobOptionsFor("webhooks", { shopId: 1, inboxId: 42 }).jobId).toBe("inbox-42");
    expect(jobOptionsFor("webhooks", { shopId: 1, lane: 3 }).jobId).toBeUndefined();
    expect(jobOptionsFor("webhooks", { shopId: 1, lane: 3 }).deduplication).toEqual({ id: "inbox-1-lane-3", keepLastIfActive: true });
    expect(() => parsePayload("webhooks", { shopId: 1, lane: 4 })).toThrow(/lane/);
    expect(() => parsePayload("webhooks", { shopId: 1, lane: 1, inboxId: 2 })).toThrow(PayloadError);
    expect(jobOptionsFor("recompute", { shopId: 1, itemId: 7 }).deduplication).toEqual({
      id: "recompute-1-7",
      keepLastIfActive: true,
    });
    expect(jobOptionsFor("push", { shopId: 9 }).deduplication?.id).toBe("push-9");
    expect(jobOptionsFor("health", { nonce: "n" }).jobId).toBeUndefined();
  });

  it("applies defaults, then queue overrides, then extras", () => {
    const push = jobOptionsFor("push", { shopId: 1 });
    expect(push).toMatchObject(DEFAULT_JOB_OPTIONS);
    const sync = jobOptionsFor("sync", { shopId: 1, mode: "full" }, { delay: 500 });
    expect(sync.attempts).toBe(5);
    expect(sync.delay).toBe(500);
    expect(sync.removeOnComplete).toEqual(DEFAULT_JOB_OPTIONS.removeOnComplete);
  });

  it("bounds what finished jobs keep in Redis", () => {
    expect(DEFAULT_JOB_OPTIONS.removeOnComplete.count).toBeGreaterThan(0);
    expect(DEFAULT_JOB_OPTIONS.removeOnFail.count).toBeGreaterThan(0);
  });
});

describe("jobKey", () => {
  it("joins parts with '-'", () => {
    expect(jobKey("recompute", 3, 14)).toBe("recompute-3-14");
  });

  it("refuses ':' and digits-only ids", () => {
    expect(() => jobKey("a:b")).toThrow(/must not contain ":"/);
    expect(() => jobKey(12, 3)).not.toThrow();
    expect(() => jobKey(123)).toThrow(/digits only/);
  });
});
