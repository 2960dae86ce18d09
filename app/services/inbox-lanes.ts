import type { PayloadOfTopic, Topic } from "./apply-payloads.server";

/**
 * Lanes of a shop's webhook inbox. The high-volume topics (orders, levels, products: a flash
 * sale's deliveries) are not given a job each: each delivery gets a lane from what it locks
 * first (its order, its product, or its level), and one job per (shop, lane) drains the lane in
 * batches (app/services/apply-delivery.server.ts). Deliveries about the same order, product or
 * level always share a lane, so two lanes never wait for each other's row locks, and a burst
 * costs a few jobs instead of one per delivery. Pure.
 */

/** Lanes per shop: how many of one shop's batches may run at once. */
export const LANES = 4;

/** The topics drained by lanes; every other topic keeps a job per delivery. */
export const LANED_TOPICS: readonly Topic[] = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "orders/edited",
  "refunds/create",
  "fulfillments/create",
  "inventory_levels/update",
  "inventory_levels/connect",
  "inventory_levels/disconnect",
  "products/update",
];

export type LockKey = [rank: number, a: bigint, b: bigint];

/** What a laned delivery locks first: its order, its product, or its level (item, location). */
export function lockKey(topic: Topic, payload: unknown): LockKey {
  const p = payload as Record<string, unknown>;
  const id = (v: unknown) => (typeof v === "bigint" ? v : BigInt(Number(v ?? 0)));
  if (topic === "orders/edited") return [0, id((p as PayloadOfTopic<"orders/edited">).order_edit.order_id), 0n];
  if (topic.startsWith("orders/")) return [0, id(p.id), 0n];
  if (topic === "refunds/create" || topic === "fulfillments/create") return [0, id(p.order_id), 0n];
  if (topic === "products/update") return [1, id(p.id), 0n];
  return [2, id(p.inventory_item_id), id(p.location_id)];
}

export function compareKeys(x: LockKey, y: LockKey): number {
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** The lane of a parsed delivery, or null for a topic that keeps a job per delivery. */
export function laneOf(topic: Topic, payload: unknown): number | null {
  if (!LANED_TOPICS.includes(topic)) return null;
  const [rank, a, b] = lockKey(topic, payload);
  const mixed = (a * 1_000_003n + b * 31n + BigInt(rank)) % BigInt(LANES);
  return Number(mixed < 0n ? -mixed : mixed);
}
