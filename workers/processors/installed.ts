import { UnrecoverableError } from "bullmq";
import type { QueueName } from "../../app/jobs/contract";
import { isInstalled } from "../../app/models/shops.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor, ProcessorContext } from "../types";

export interface Dropped {
  status: "dropped";
  reason: "shop not installed";
}

/**
 * Work queued for a shop that has since uninstalled (or was erased) is dropped, not retried: its
 * token is gone and Shopify would refuse it. Returns the job's result when dropped, else null.
 */
export async function dropUnlessInstalled(ctx: ProcessorContext, queue: string, payload: { shopId: number }): Promise<Dropped | null> {
  // On the process's pg pool when it has one: every recompute asks (a Prisma raw query costs ~5x the CPU).
  if (await isInstalled(ctx.raw ?? ctx.prisma, payload.shopId)) return null;
  ctx.log.info("job dropped: shop not installed", { queue, ...payload });
  return { status: "dropped", reason: "shop not installed" };
}

/**
 * A job that calls Shopify for one shop: dropped unless the shop is installed, and failed at once
 * (no retries) on a Shopify error that cannot heal; other failures retry with the queue's backoff.
 */
export function shopifyShopJob<Q extends QueueName>(queue: Q, run: Processor<Q>): Processor<Q> {
  return async (payload, job, ctx) => {
    const dropped = await dropUnlessInstalled(ctx, queue, payload as { shopId: number });
    if (dropped) return dropped;
    try {
      return await run(payload, job, ctx);
    } catch (error) {
      if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
      throw error;
    }
  };
}
