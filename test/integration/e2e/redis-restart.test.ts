import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../app/lib/logger";
import { sweepInbox } from "../../../app/services/sweeper.server";
import { runReplay, type ReplayOutput } from "../../../scripts/lib/replay-run";
import type { Stack } from "../../../scripts/lib/stack";
import { endState, fixture, noFaults, startE2EStack } from "./helpers";

describe("e2e: Redis restarted mid-stream (its data lost)", () => {
  let stack: Stack;
  let clean: ReplayOutput;

  beforeAll(async () => {
    // A Redis of the stack's own: the test stops it and starts it empty.
    stack = await startE2EStack({ ownRedis: true });
    clean = await runReplay(stack, fixture("apparel", "redis-clean", noFaults));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("loses nothing: inbox rows recorded while Redis was away are swept back in and the end state equals the clean run", async () => {
    const files = fixture("apparel", "redis", noFaults);
    const log = createLogger("error");
    // The worker's sweeper is a 15 s timer for rows older than 30 s; the same sweep runs here
    // every 300 ms for rows older than 1 s so the test does not wait a minute.
    let sweeping = true;
    const sweeps = (async () => {
      let enqueued = 0;
      while (sweeping) {
        const report = await sweepInbox({ prisma: stack.prisma, producer: stack.producer, log }, { staleMs: 1_000, baseBackoffMs: 500 }).catch(() => null);
        enqueued += report?.enqueued ?? 0;
        await new Promise((r) => setTimeout(r, 300));
      }
      return enqueued;
    })();
    let restarted = false;
    const out = await runReplay(stack, files, {
      idleTimeoutMs: 90_000,
      async beforeLine(_line, i) {
        if (i === 6) {
          await stack.restartRedis({ keepData: false });
          restarted = true;
        }
      },
    });
    sweeping = false;
    await sweeps;
    expect(restarted).toBe(true);
    expect(endState(out)).toEqual(endState(clean));
    const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: files.store.shop } })).id;
    expect(await stack.prisma.webhookInbox.count({ where: { shopId, status: { notIn: ["done", "rejected"] } } })).toBe(0);
  }, 150_000);
});
