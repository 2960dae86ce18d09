import type { CallRecord, DeliveryRecord, InventoryChangeRec } from "../../test/shopify-double";

/** Figures of a flash-sale run, read from a Shopify double's own logs (what Shopify would see). */

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 10) / 10;
}

export interface Window {
  start: number;
  end: number;
}

export function ingestFigures(deliveries: DeliveryRecord[], w: Window) {
  const attempts = deliveries.flatMap((d) => d.attempts.filter((a) => a.at >= w.start && a.at <= w.end));
  const ok = attempts.filter((a) => a.status !== null && a.status >= 200 && a.status < 300);
  const seconds = Math.max(0.001, (w.end - w.start) / 1000);
  return {
    deliveries: attempts.length,
    deliveriesPerSecond: Math.round((attempts.length / seconds) * 10) / 10,
    ingestP50Ms: percentile(ok.map((a) => a.latencyMs), 50),
    ingestP99Ms: percentile(ok.map((a) => a.latencyMs), 99),
    ingestMaxMs: percentile(ok.map((a) => a.latencyMs), 100),
    failedAttempts: attempts.length - ok.length,
  };
}

/**
 * Webhook → push: for each delivered order webhook that must move a pushed value (sales on the
 * ring-fenced channel and cancellations), per SKU, the time from the delivery's first attempt to
 * the first push of ours (inventory change by the app whose referenceDocumentUri is a push job)
 * of that SKU landing in the double at or after it. Deliveries followed by no push are counted.
 */
export function pushLatency(deliveries: DeliveryRecord[], inventory: InventoryChangeRec[], itemOfVariant: Map<number, number>, w: Window, counts: (d: DeliveryRecord) => boolean) {
  const landings = new Map<number, number[]>();
  for (const c of inventory) {
    if (c.actor !== "app" || !c.referenceDocumentUri?.startsWith("gid://ringfence/PushJob/") || c.at < w.start) continue;
    const list = landings.get(c.itemId) ?? [];
    list.push(c.at);
    landings.set(c.itemId, list);
  }
  for (const list of landings.values()) list.sort((a, b) => a - b);
  const firstSent = new Map<string, { at: number; d: DeliveryRecord }>();
  for (const d of deliveries) {
    const at = d.attempts[0]?.at;
    if (at === undefined || at < w.start || d.status !== "accepted" || !counts(d)) continue;
    const seen = firstSent.get(d.webhookId);
    if (!seen || at < seen.at) firstSent.set(d.webhookId, { at, d });
  }
  const latencies: number[] = [];
  let unmatched = 0;
  for (const { at, d } of firstSent.values()) {
    const items = new Set(((d.payload as { line_items?: { variant_id?: number }[] }).line_items ?? []).map((l) => itemOfVariant.get(Number(l.variant_id))));
    for (const item of items) {
      if (item === undefined) continue;
      const list = landings.get(item) ?? [];
      const next = list.find((t) => t >= at);
      if (next === undefined) unmatched++;
      else latencies.push(next - at);
    }
  }
  return {
    samples: latencies.length,
    unmatched,
    pushP50Ms: percentile(latencies, 50),
    pushP95Ms: percentile(latencies, 95),
    pushP99Ms: percentile(latencies, 99),
  };
}

/**
 * Operations that route orders landing on a channel location to a facility, and keep track of
 * where orders went: work the naive baseline never does. Everything else an app spends is the
 * cost of keeping ATS in Shopify (pushes and the reads the push path needs, e.g. STALE re-reads).
 * Routing's own reads of a level (InventoryLevelsAt, where it could not follow a destination by
 * arithmetic, or after a refused move) share their operation with the push path's and are counted
 * there: the sync figure is, if anything, high.
 */
export const ROUTING_OPERATIONS: ReadonlySet<string> = new Set(["OrderFulfillmentOrders", "FulfillmentOrdersMove", "FulfillmentOrderPlacement"]);

/**
 * Fulfillment orders one routing call moved: the moves it sent ($id0, $id1, …) less those Shopify
 * refused (each refusal is one USER_ERROR; the restore write's refusals have their own codes).
 */
function movedBy(c: CallRecord): string[] {
  if (c.outcome !== "ok") return [];
  const sent = Object.entries(c.variables ?? {}).filter(([k]) => /^id\d+$/.test(k)).map(([, v]) => String(v));
  const refused = c.userErrorCodes.filter((code) => code === "USER_ERROR").length;
  return refused === 0 ? sent : sent.length > refused ? sent.slice(0, sent.length - refused) : [];
}

/** Cost of the calls an app made in the window, and the SKU changes the shop's own actions made. */
export function costFigures(calls: CallRecord[], inventory: InventoryChangeRec[], w: Window, restoreRate: number) {
  const mine = calls.filter((c) => c.startedAt >= w.start);
  const ran = mine.filter((c) => c.outcome === "ok" || c.outcome === "error");
  const cost = ran.reduce((s, c) => s + (c.actualCost ?? 0), 0);
  const mutationCost = ran.filter((c) => c.operationType === "mutation").reduce((s, c) => s + (c.actualCost ?? 0), 0);
  // One changed SKU = one item in one merchant/checkout action (an adjustment group).
  const changed = new Set(inventory.filter((c) => c.actor === "shopify" && c.at >= w.start).map((c) => `${c.groupId ?? c.at}:${c.itemId}`)).size;
  const last = ran.reduce((m, c) => Math.max(m, c.finishedAt), w.end);
  const busySeconds = Math.max(0.001, (last - w.start) / 1000);
  const byOperation: Record<string, { calls: number; points: number }> = {};
  for (const c of ran) {
    const k = c.operationName ?? c.operationType ?? "anonymous";
    byOperation[k] ??= { calls: 0, points: 0 };
    byOperation[k].calls++;
    byOperation[k].points += c.actualCost ?? 0;
  }
  const routing = ran.filter((c) => c.operationName !== null && ROUTING_OPERATIONS.has(c.operationName));
  const routingCost = routing.reduce((s, c) => s + (c.actualCost ?? 0), 0);
  const syncCost = cost - routingCost;
  // Orders routed = fulfillment orders moved off a channel location (one per order in the bench's stream).
  const ordersRouted = new Set(routing.filter((c) => c.operationName === "FulfillmentOrdersMove").flatMap(movedBy)).size;
  return {
    byOperation,
    calls: ran.length,
    mutations: ran.filter((c) => c.operationType === "mutation").length,
    throttled: mine.filter((c) => c.outcome === "throttled").length,
    stale: mine.filter((c) => c.userErrorCodes.includes("CHANGE_FROM_QUANTITY_STALE")).length,
    costPoints: cost,
    mutationCostPoints: mutationCost,
    changedSkus: changed,
    costPointsPerChangedSku: changed > 0 ? Math.round((cost / changed) * 100) / 100 : null,
    syncCostPoints: syncCost,
    syncCostPointsPerChangedSku: changed > 0 ? Math.round((syncCost / changed) * 100) / 100 : null,
    routingCostPoints: routingCost,
    routingCalls: routing.length,
    ordersRouted,
    routingPointsPerOrder: ordersRouted > 0 ? Math.round((routingCost / ordersRouted) * 100) / 100 : null,
    busySeconds: Math.round(busySeconds * 10) / 10,
    ceilingShare: Math.round((cost / (restoreRate * busySeconds)) * 1000) / 1000,
  };
}

/**
 * The naive app's cost of the whole script: every delivery it queued is one mutation, those still
 * queued when the run ends priced at its average mutation (it is throttled and never catches up,
 * so what it spent in the window depends on the window's length).
 */
export function naiveScriptCost(w: Pick<ReturnType<typeof costFigures>, "mutations" | "mutationCostPoints" | "costPoints" | "costPointsPerChangedSku" | "changedSkus">, backlog: number) {
  const pointsPerMutation = w.mutations > 0 ? w.mutationCostPoints / w.mutations : 0;
  const scriptPoints = Math.round(w.costPoints + pointsPerMutation * backlog);
  return {
    pointsPerMutation: Math.round(pointsPerMutation * 100) / 100,
    scriptPoints,
    windowPointsPerChangedSku: w.costPointsPerChangedSku,
    costPointsPerChangedSku: w.changedSkus > 0 ? Math.round((scriptPoints / w.changedSkus) * 100) / 100 : null,
  };
}

/**
 * Where an Amazon sale's webhook→push time goes when its order lands on the channel location:
 * from the delivery to the move of the item's units off that location (routing), then from the
 * move to our next push of the item (which sets the location back to ATS: the move returned the
 * units to `available` there). Per SKU, matched to the first move and push at or after each.
 */
export function routedSaleLatency(
  deliveries: DeliveryRecord[],
  inventory: InventoryChangeRec[],
  itemOfVariant: Map<number, number>,
  w: Window,
  channelLocation: number,
  counts: (d: DeliveryRecord) => boolean,
) {
  const times = (pick: (c: InventoryChangeRec) => boolean) => {
    const by = new Map<number, number[]>();
    for (const c of inventory) {
      if (c.at < w.start || !pick(c)) continue;
      const list = by.get(c.itemId) ?? [];
      list.push(c.at);
      by.set(c.itemId, list);
    }
    for (const list of by.values()) list.sort((a, b) => a - b);
    return by;
  };
  const moves = times((c) => c.reason === "fulfillment_order_moved" && c.locationId === channelLocation && c.name === "committed" && c.delta < 0);
  const pushes = times((c) => c.actor === "app" && (c.referenceDocumentUri?.startsWith("gid://ringfence/PushJob/") ?? false));
  const toMove: number[] = [];
  const toPush: number[] = [];
  const seen = new Set<string>();
  for (const d of deliveries) {
    const at = d.attempts[0]?.at;
    if (at === undefined || at < w.start || d.status !== "accepted" || !counts(d) || seen.has(d.webhookId)) continue;
    seen.add(d.webhookId);
    for (const l of (d.payload as { line_items?: { variant_id?: number }[] }).line_items ?? []) {
      const item = itemOfVariant.get(Number(l.variant_id));
      if (item === undefined) continue;
      const moved = moves.get(item)?.find((t) => t >= at);
      if (moved === undefined) continue;
      toMove.push(moved - at);
      const pushed = pushes.get(item)?.find((t) => t >= moved);
      if (pushed !== undefined) toPush.push(pushed - moved);
    }
  }
  return {
    samples: toMove.length,
    toMoveP50Ms: percentile(toMove, 50),
    toMoveP95Ms: percentile(toMove, 95),
    moveToPushP50Ms: percentile(toPush, 50),
    moveToPushP95Ms: percentile(toPush, 95),
  };
}
