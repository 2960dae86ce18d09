import type { RawDb } from "../raw-db.server";

/**
 * Serialises the transactions that apply deliveries about one Shopify object (an order, a
 * product) until commit, whether or not we store it yet. `SELECT … FOR UPDATE` finds nothing to
 * lock for an object seen for the first time, so two deliveries of it applied side by side would
 * both take it for new and the later commit would win, newer or not. One transaction-scoped
 * advisory lock per (kind, shop, Shopify id); a hash collision only makes two unrelated
 * deliveries wait for each other.
 */
export async function lockEntity(db: RawDb, kind: "order" | "product", shopId: number, shopifyId: bigint): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${kind}:${shopId}:${shopifyId}`}, 0))`;
}
