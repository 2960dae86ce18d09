import { UnrecoverableError } from "bullmq";
import { routeShop } from "../../app/services/push.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";
import { dropUnlessInstalled } from "./installed";

/** Route a shop's channel-location orders to facilities (deduplicated per shop, queued after each push). */
export const route: Processor<"route"> = async (payload, _job, ctx) => {
  const dropped = await dropUnlessInstalled(ctx, "route", payload);
  if (dropped) return dropped;
  const { prisma, producer, log } = ctx;
  try {
    return { routed: await routeShop({ prisma, producer, log }, payload.shopId) };
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
};
