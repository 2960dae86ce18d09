import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay, type ReplayOutput } from "../../../scripts/lib/replay-run";
import type { Stack } from "../../../scripts/lib/stack";
import { endState, fixture, noFaults, startE2EStack } from "./helpers";

describe("e2e: a worker killed with SIGKILL mid-stream", () => {
  let stack: Stack;
  let clean: ReplayOutput;

  beforeAll(async () => {
    stack = await startE2EStack({ workers: 2 });
    clean = await runReplay(stack, fixture("apparel", "crash-clean", noFaults));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("loses and doubles nothing: the end state equals the clean run", async () => {
    const files = fixture("apparel", "crash", noFaults);
    const killed: number[] = [];
    const out = await runReplay(stack, files, {
      idleTimeoutMs: 150_000,
      async beforeLine(_line, i) {
        // Mid-stream: deliveries of the lines before are still being applied and pushed.
        if (i === 4 || i === 9) {
          const victim = stack.workers[0];
          killed.push(victim.pid);
          await stack.killWorker(victim, "SIGKILL");
          await stack.startWorker();
        }
      },
    });
    expect(killed).toHaveLength(2);
    expect(endState(out)).toEqual(endState(clean));
    // Nothing doubled: one order row per Shopify order, each line's quantity as sold.
    const shopId = (await stack.prisma.shop.findUniqueOrThrow({ where: { domain: files.store.shop } })).id;
    const cleanShopId = (await stack.prisma.shop.findFirstOrThrow({ where: { domain: { startsWith: "crash-clean-" } }, orderBy: { id: "desc" } })).id;
    const lines = (id: number) =>
      stack.prisma.orderLine.findMany({ where: { shopId: id }, select: { quantity: true, openQuantity: true, order: { select: { shopifyId: true } } } });
    const summarise = (rows: Awaited<ReturnType<typeof lines>>) =>
      rows.map((r) => `${r.order.shopifyId}:${r.quantity}:${r.openQuantity}`).sort();
    expect(summarise(await lines(shopId))).toEqual(summarise(await lines(cleanShopId)));
    expect(await stack.prisma.webhookInbox.count({ where: { shopId, status: { notIn: ["done", "rejected"] } } })).toBe(0);
  }, 180_000);
});
