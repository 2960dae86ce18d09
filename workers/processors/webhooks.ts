import { UnrecoverableError } from "bullmq";
import { applyDelivery } from "../../app/services/apply-delivery.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";

/**
 * Applies one inbox row (app/services/apply-delivery.server.ts). A failure is recorded on the row
 * and retried by BullMQ with the queue's backoff; after that the sweeper keeps retrying it.
 * Shopify errors that cannot heal by retrying (no session, a rejected document) fail at once.
 */
export const webhooks: Processor<"webhooks"> = async (payload, _job, { prisma, producer, log }) => {
  try {
    return await applyDelivery({ prisma, producer, log }, payload);
  } catch (error) {
    if (isTerminal(error)) throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    throw error;
  }
};
