import { recomputeRequested } from "../../app/services/recompute-outbox.server";
import type { Processor } from "../types";
import { dropUnlessInstalled } from "./installed";

/**
 * Recompute one item (deduplicated per shop+item by the queue), queue its Shopify writes and settle
 * its outbox request. A dropped job leaves the request: the sweeper skips uninstalled shops and a
 * reinstall picks it up again.
 */
export const recompute: Processor<"recompute"> = async (payload, _job, ctx) => {
  const dropped = await dropUnlessInstalled(ctx, "recompute", payload);
  if (dropped) return dropped;
  const { prisma, raw, producer, log } = ctx;
  return recomputeRequested({ prisma, raw, producer, log }, payload.shopId, payload.itemId, { cause: "recompute job" });
};
