import { UnrecoverableError } from "bullmq";
import { reconcileShop } from "../../app/services/reconcile.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";
import { dropUnlessInstalled } from "./installed";

/** Nightly / on-demand comparison with Shopify; drifted items are recomputed. */
export const reconcile: Processor<"reconcile"> = async (payload, _job, ctx) => {
  const dropped = await dropUnlessInstalled(ctx, "reconcile", payload);
  if (dropped) return dropped;
  const { prisma, producer, log } = ctx;
  try {
    return await reconcileShop({ prisma, producer, log }, payload.shopId);
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
};
