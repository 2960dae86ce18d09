import { UnrecoverableError } from "bullmq";
import { pushShop } from "../../app/services/push.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";
import { dropUnlessInstalled } from "./installed";

/** Push a shop's pending quantities (deduplicated per shop); Shopify failures that cannot heal stop retries. */
export const push: Processor<"push"> = async (payload, _job, ctx) => {
  const dropped = await dropUnlessInstalled(ctx, "push", payload);
  if (dropped) return dropped;
  const { prisma, producer, log } = ctx;
  try {
    return await pushShop({ prisma, producer, log }, payload.shopId, { route: "queue" });
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
};
