import { recomputeItem } from "../../app/services/availability.server";
import type { Processor } from "../types";

/** Recompute one item (deduplicated per shop+item by the queue) and queue its Shopify writes. */
export const recompute: Processor<"recompute"> = async (payload, _job, { prisma, producer, log }) =>
  recomputeItem({ prisma, producer, log }, payload.shopId, payload.itemId, { cause: "recompute job" });
