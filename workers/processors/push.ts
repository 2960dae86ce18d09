import { UnrecoverableError } from "bullmq";
import { pushShop } from "../../app/services/push.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";

/** Push a shop's pending quantities (deduplicated per shop); Shopify failures that cannot heal stop retries. */
export const push: Processor<"push"> = async (payload, _job, { prisma, producer, log }) => {
  try {
    return await pushShop({ prisma, producer, log }, payload.shopId);
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
};
