import { UnrecoverableError } from "bullmq";
import { syncShop } from "../../app/services/sync.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";
import { dropUnlessInstalled } from "./installed";

/** Initial or full import of a shop (bulk query, progress on the shop row). */
export const sync: Processor<"sync"> = async (payload, job, ctx) => {
  const dropped = await dropUnlessInstalled(ctx, "sync", payload);
  if (dropped) return dropped;
  const { prisma, producer, log } = ctx;
  try {
    return await syncShop({ prisma, producer, log }, payload.shopId, payload.mode, { requestedAt: new Date(job.timestamp) });
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
};
