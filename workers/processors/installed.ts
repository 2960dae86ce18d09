import type { ProcessorContext } from "../types";
import { isInstalled } from "../../app/models/shops.server";

export interface Dropped {
  status: "dropped";
  reason: "shop not installed";
}

/**
 * Work queued for a shop that has since uninstalled (or was erased) is dropped, not retried: its
 * token is gone and Shopify would refuse it. Returns the job's result when dropped, else null.
 */
export async function dropUnlessInstalled(ctx: ProcessorContext, queue: string, payload: { shopId: number }): Promise<Dropped | null> {
  if (await isInstalled(ctx.prisma, payload.shopId)) return null;
  ctx.log.info("job dropped: shop not installed", { queue, ...payload });
  return { status: "dropped", reason: "shop not installed" };
}
