import { DelayedError, UnrecoverableError } from "bullmq";
import { applyDelivery, drainLane } from "../../app/services/apply-delivery.server";
import { isTerminal } from "../../app/shopify/errors";
import type { Processor } from "../types";

/**
 * `{shopId, lane}`: drains one lane of the shop's inbox (app/services/inbox-lanes.ts); what a slice
 * leaves goes to the lane's follow-up job, queued now (kept by BullMQ until this one ends).
 * `{shopId, inboxId}`: applies one row (app/services/apply-delivery.server.ts). A failure is
 * recorded on the row and retried by BullMQ with the queue's backoff; after that the sweeper keeps
 * retrying it. Shopify errors that cannot heal by retrying (no session, a rejected document) fail
 * at once. Rows held by another applier are looked at again BUSY_RECHECK_MS later (not an attempt).
 */
const BUSY_RECHECK_MS = 2_000;

export const webhooks: Processor<"webhooks"> = async (payload, job, { prisma, raw, producer, log, token }) => {
  try {
    if ("lane" in payload) {
      const drained = await drainLane({ prisma, raw, producer, log }, payload);
      if (drained.more) await producer.enqueue("webhooks", payload, drained.held ? { delay: BUSY_RECHECK_MS } : {});
      return drained;
    }
    const outcome = await applyDelivery({ prisma, producer, log }, payload);
    if (outcome.status === "skipped" && outcome.reason === "busy" && token) {
      // Another applier holds the row (usually a batch about to mark it done). Look again shortly
      // instead of waiting on its lock: if that applier's process died, this applies the row.
      await job.moveToDelayed(Date.now() + BUSY_RECHECK_MS, token);
      throw new DelayedError();
    }
    return outcome;
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (isTerminal(error)) throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    throw error;
  }
};
