import type { Prisma, Shop, WebhookInbox } from "@prisma/client";
import type { Logger } from "../lib/logger";
import type { RawDb } from "../raw-db.server";

/**
 * What a topic handler gets: the open transaction, the shop, the locked inbox row. The handlers
 * a lane's batch runs take `ApplyContext<RawDb>`: SQL only, so the batch can run on the worker's
 * own pg pool (app/raw-db.server.ts); the others get Prisma's transaction.
 */
export interface ApplyContext<Db extends RawDb = Prisma.TransactionClient> {
  tx: Db;
  shop: Shop;
  delivery: WebhookInbox;
  log: Logger;
}

export interface ApplyResult {
  /** Items whose availability inputs changed: each gets a deduplicated recompute. */
  itemIds: number[];
  /** Why nothing (or what) was applied, kept on the inbox row. */
  note?: string;
  /** shop/redact removed the shop and, with it, this inbox row. */
  shopErased?: boolean;
  /**
   * An order of a channel that publishes to a channel location has open lines no facility holds
   * yet: the shop's `route` job is queued once the delivery commits, so the order is moved off
   * the channel location without waiting for the next push.
   */
  route?: boolean;
}

export const nothing = (note?: string): ApplyResult => ({ itemIds: [], note });

/** When the event happened: the payload's own time, else Shopify's trigger time, else receipt. */
export function eventTime(delivery: WebhookInbox, own?: Date | null): Date {
  return own ?? delivery.triggeredAt ?? delivery.receivedAt;
}
