import {
  fulfillmentOrderMovedPayload,
  fulfillmentPayload,
  inventoryLevelPayload,
  orderAppId,
  orderPayload,
  productPayload,
} from "./payloads";
import {
  gid,
  InventoryTx,
  shippable,
  type FulfillmentOrderRec,
  type InventoryChangeRec,
  type LevelRec,
  type OrderRec,
  type ShopState,
} from "./shop-state";
import { InputError, OrderActionSchema, parseOrThrow, type OrderAction } from "./store";

/**
 * What Shopify itself does when a buyer checks out, a merchant cancels, fulfils or re-routes an
 * order, or counts stock: state changes plus the webhooks Shopify would send for them.
 */

export interface WebhookEvent {
  topic: string;
  payload: Record<string, unknown>;
}

/** inventory_levels/update for every level touched, and products/update where a variant's available changed. */
export function inventoryEvents(shop: ShopState, touched: LevelRec[], changes: InventoryChangeRec[], now: number): WebhookEvent[] {
  const events: WebhookEvent[] = touched.map((l) => ({ topic: "inventory_levels/update", payload: inventoryLevelPayload(l) }));
  const products = new Set<number>();
  for (const c of changes) {
    if (c.name !== "available") continue;
    const v = shop.variants.get(shop.itemToVariant.get(c.itemId) ?? -1);
    if (v) {
      v.updatedAt = now;
      products.add(v.productId);
    }
  }
  for (const p of products) {
    shop.products.get(p)!.updatedAt = now;
    events.push({ topic: "products/update", payload: productPayload(shop, p) });
  }
  return events;
}

function location(shop: ShopState, id: number, field: string) {
  const loc = shop.locations.get(id);
  if (!loc) throw new InputError(`${field}: unknown location id ${id} in ${shop.domain}`, [{ path: field, message: `unknown location id ${id}` }]);
  return loc;
}

function orderOf(shop: ShopState, id: number): OrderRec {
  const order = shop.orders.get(id);
  if (!order) throw new InputError(`id: unknown order ${id} in ${shop.domain}`, [{ path: "id", message: `unknown order ${id}` }]);
  return order;
}

export type CheckoutResult = { accepted: true; order: OrderRec; events: WebhookEvent[] } | { accepted: false; reason: string };

/** Checkout: refuses when `available` at the location is short for any line, else commits the units. */
export function checkout(shop: ShopState, action: OrderAction, now: number): CheckoutResult {
  const input = parseOrThrow(OrderActionSchema, action, "invalid order");
  if (shop.orders.has(input.id)) throw new InputError(`id: order ${input.id} already exists in ${shop.domain}`, [{ path: "id", message: "order already exists" }]);
  const loc = location(shop, input.location, "location");
  if (!loc.isActive) throw new InputError(`location: location ${loc.id} is inactive`, [{ path: "location", message: "inactive location" }]);
  const wanted = new Map<number, number>();
  const variants = input.lines.map((line, i) => {
    const v = shop.variantBySku(line.sku);
    if (!v) throw new InputError(`lines[${i}].sku: unknown sku ${line.sku}`, [{ path: `lines[${i}].sku`, message: `unknown sku ${line.sku}` }]);
    wanted.set(v.itemId, (wanted.get(v.itemId) ?? 0) + line.qty);
    return v;
  });
  for (const [itemId, qty] of wanted) {
    const available = shop.level(itemId, loc.id)?.q.available ?? 0;
    if (available < qty) {
      shop.refused += 1;
      return { accepted: false, reason: `${shop.skuOfItem(itemId)}: ${qty} wanted, ${available} available at location ${loc.id}` };
    }
  }
  const number = shop.nextOrderNumber();
  const order: OrderRec = {
    id: input.id,
    number,
    name: `#${number}`,
    sourceName: input.sourceName,
    appId: orderAppId(input.sourceName, input.appId),
    createdAt: now,
    updatedAt: now,
    cancelledAt: null,
    closedAt: null,
    test: input.test,
    tags: input.tags,
    b2b: input.b2b,
    shipBy: input.shipBy ?? null,
    locationId: loc.id,
    lines: input.lines.map((line, i) => {
      const v = variants[i];
      const p = shop.products.get(v.productId)!;
      return {
        id: shop.nextId(),
        variantId: v.id,
        productId: v.productId,
        itemId: v.itemId,
        sku: v.sku,
        title: p.title,
        quantity: line.qty,
        fulfilled: 0,
        cancelled: 0,
      };
    }),
    fulfillmentIds: [],
  };
  const fo: FulfillmentOrderRec = {
    id: shop.nextId(),
    orderId: order.id,
    locationId: loc.id,
    status: "OPEN",
    createdAt: now,
    updatedAt: now,
    fulfillBy: order.shipBy,
    lines: order.lines.map((l) => ({ id: shop.nextId(), lineItemId: l.id, itemId: l.itemId, variantId: l.variantId, sku: l.sku, total: l.quantity, remaining: l.quantity })),
  };
  shop.orders.set(order.id, order);
  shop.addFulfillmentOrder(fo);
  const tx = new InventoryTx(shop, { reason: "order_created", referenceDocumentUri: gid("Order", order.id), actor: "shopify" });
  for (const [itemId, qty] of wanted) {
    const level = shop.level(itemId, loc.id)!;
    tx.add(level, "available", -qty).add(level, "committed", qty);
  }
  const { changes, touched } = tx.apply(now);
  return {
    accepted: true,
    order,
    events: [{ topic: "orders/create", payload: orderPayload(shop, order) }, ...inventoryEvents(shop, touched, changes, now)],
  };
}

export function fulfillmentOrdersOf(shop: ShopState, orderId: number): FulfillmentOrderRec[] {
  return shop.fulfillmentOrdersOf(orderId);
}

/** Cancel with restock: unfulfilled units go from committed back to available where they are assigned. */
export function cancelOrder(shop: ShopState, orderId: number, now: number): WebhookEvent[] {
  const order = orderOf(shop, orderId);
  if (order.cancelledAt !== null) throw new InputError(`id: order ${orderId} is already cancelled`, [{ path: "id", message: "already cancelled" }]);
  const tx = new InventoryTx(shop, { reason: "order_cancelled", referenceDocumentUri: gid("Order", order.id), actor: "shopify" });
  for (const fo of fulfillmentOrdersOf(shop, orderId)) {
    if (fo.status !== "OPEN") continue;
    for (const fl of fo.lines) {
      if (fl.remaining === 0) continue;
      const level = shop.level(fl.itemId, fo.locationId)!;
      tx.add(level, "committed", -fl.remaining).add(level, "available", fl.remaining);
      order.lines.find((l) => l.id === fl.lineItemId)!.cancelled += fl.remaining;
      fl.remaining = 0;
    }
    fo.status = "CANCELLED";
    fo.updatedAt = now;
  }
  order.cancelledAt = now;
  order.closedAt = now;
  order.updatedAt = now;
  const { changes, touched } = tx.apply(now);
  const payload = orderPayload(shop, order);
  return [
    { topic: "orders/cancelled", payload },
    { topic: "orders/updated", payload },
    ...inventoryEvents(shop, touched, changes, now),
  ];
}

/**
 * Fulfils the order's open fulfillment orders at `locationId`, shipping only units physically
 * there (on hand minus damaged and quality control); what cannot ship stays committed.
 */
export function fulfillOrder(shop: ShopState, orderId: number, locationId: number, now: number): { shipped: number; events: WebhookEvent[] } {
  const order = orderOf(shop, orderId);
  location(shop, locationId, "location");
  if (order.cancelledAt !== null) throw new InputError(`id: order ${orderId} is cancelled`, [{ path: "id", message: "order is cancelled" }]);
  const fos = fulfillmentOrdersOf(shop, orderId).filter((fo) => fo.status === "OPEN" && fo.locationId === locationId);
  if (fos.length === 0) {
    const at = fulfillmentOrdersOf(shop, orderId)
      .filter((fo) => fo.status === "OPEN")
      .map((fo) => fo.locationId);
    throw new InputError(`location: order ${orderId} has no open fulfillment order at location ${locationId} (open at: ${at.join(", ") || "none"})`, [
      { path: "location", message: "no open fulfillment order there" },
    ]);
  }
  const tx = new InventoryTx(shop, { reason: "fulfillment_created", referenceDocumentUri: gid("Order", order.id), actor: "shopify" });
  const planned = new Map<LevelRec, number>();
  const shippedLines = new Map<number, number>();
  for (const fo of fos) {
    for (const fl of fo.lines) {
      if (fl.remaining === 0) continue;
      const level = shop.level(fl.itemId, locationId)!;
      const room = Math.max(0, shippable(level) - (planned.get(level) ?? 0));
      const ship = Math.min(fl.remaining, room);
      if (ship === 0) continue;
      planned.set(level, (planned.get(level) ?? 0) + ship);
      tx.add(level, "committed", -ship);
      fl.remaining -= ship;
      order.lines.find((l) => l.id === fl.lineItemId)!.fulfilled += ship;
      shippedLines.set(fl.lineItemId, (shippedLines.get(fl.lineItemId) ?? 0) + ship);
    }
    if (fo.lines.every((fl) => fl.remaining === 0)) fo.status = "CLOSED";
    fo.updatedAt = now;
  }
  const shipped = [...shippedLines.values()].reduce((s, n) => s + n, 0);
  if (shipped === 0) return { shipped: 0, events: [] };
  const fulfillment = {
    id: shop.nextId(),
    orderId,
    locationId,
    name: `${order.name}.${order.fulfillmentIds.length + 1}`,
    createdAt: now,
    lines: [...shippedLines].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
  };
  shop.fulfillments.set(fulfillment.id, fulfillment);
  order.fulfillmentIds.push(fulfillment.id);
  order.updatedAt = now;
  const { changes, touched } = tx.apply(now);
  const complete = order.lines.every((l) => l.fulfilled + l.cancelled >= l.quantity);
  const payload = orderPayload(shop, order);
  return {
    shipped,
    events: [
      { topic: "fulfillments/create", payload: fulfillmentPayload(shop, fulfillment) },
      { topic: complete ? "orders/fulfilled" : "orders/partially_fulfilled", payload },
      { topic: "orders/updated", payload },
      ...inventoryEvents(shop, touched, changes, now),
    ],
  };
}

export type MoveResult =
  | { ok: true; original: FulfillmentOrderRec; moved: FulfillmentOrderRec; remaining: FulfillmentOrderRec | null; events: WebhookEvent[] }
  | { ok: false; field: string[]; message: string };

/**
 * fulfillmentOrderMove: re-assigns a fulfillment order (or some of its line items) to another
 * location; the committed units move with it (source: committed → available, destination:
 * available → committed, which may go negative there).
 * https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/fulfillmentordermove
 */
export function moveFulfillmentOrder(
  shop: ShopState,
  foId: number,
  newLocationId: number,
  lineItems: { id: number; quantity: number }[] | null,
  now: number,
  actor: "app" | "shopify",
): MoveResult {
  const fo = shop.fulfillmentOrders.get(foId);
  if (!fo) return { ok: false, field: ["id"], message: "Fulfillment order does not exist." };
  if (fo.status !== "OPEN") return { ok: false, field: ["id"], message: "Fulfillment order is not open and cannot be moved." };
  const dest = shop.locations.get(newLocationId);
  if (!dest || !dest.isActive) return { ok: false, field: ["newLocationId"], message: "Location does not exist or is inactive." };
  if (dest.id === fo.locationId) return { ok: false, field: ["newLocationId"], message: "Fulfillment order is already assigned to this location." };
  const request = new Map<number, number>();
  if (lineItems) {
    for (const [i, li] of lineItems.entries()) {
      const fl = fo.lines.find((l) => l.id === li.id);
      if (!fl) return { ok: false, field: ["fulfillmentOrderLineItems", String(i), "id"], message: "Fulfillment order line item does not exist on this fulfillment order." };
      if (li.quantity < 1 || li.quantity > fl.remaining)
        return { ok: false, field: ["fulfillmentOrderLineItems", String(i), "quantity"], message: `Quantity must be between 1 and ${fl.remaining}.` };
      request.set(fl.id, (request.get(fl.id) ?? 0) + li.quantity);
    }
  } else {
    for (const fl of fo.lines) if (fl.remaining > 0) request.set(fl.id, fl.remaining);
  }
  const sourceLocationId = fo.locationId;
  const untouched = fo.lines.every((fl) => fl.remaining === fl.total);
  const wholeOrder = fo.lines.every((fl) => (request.get(fl.id) ?? 0) === fl.remaining);
  const tx = new InventoryTx(shop, { reason: "fulfillment_order_moved", referenceDocumentUri: gid("FulfillmentOrder", fo.id), actor });
  for (const [flId, qty] of request) {
    const fl = fo.lines.find((l) => l.id === flId)!;
    const from = shop.level(fl.itemId, sourceLocationId)!;
    const to = shop.level(fl.itemId, dest.id)!;
    tx.add(from, "committed", -qty).add(from, "available", qty);
    tx.add(to, "available", -qty).add(to, "committed", qty);
  }
  let moved: FulfillmentOrderRec;
  let remaining: FulfillmentOrderRec | null = null;
  if (untouched && wholeOrder) {
    fo.locationId = dest.id;
    fo.updatedAt = now;
    moved = fo;
  } else {
    moved = {
      id: shop.nextId(),
      orderId: fo.orderId,
      locationId: dest.id,
      status: "OPEN",
      createdAt: now,
      updatedAt: now,
      fulfillBy: fo.fulfillBy,
      lines: [...request].map(([flId, qty]) => {
        const fl = fo.lines.find((l) => l.id === flId)!;
        fl.total -= qty;
        fl.remaining -= qty;
        return { ...fl, id: shop.nextId(), total: qty, remaining: qty };
      }),
    };
    shop.addFulfillmentOrder(moved);
    fo.lines = fo.lines.filter((fl) => fl.total > 0);
    fo.updatedAt = now;
    if (fo.lines.every((fl) => fl.remaining === 0)) fo.status = "CLOSED";
    else remaining = fo;
  }
  const { changes, touched } = tx.apply(now);
  const requested = lineItems ? [...request].map(([id, quantity]) => ({ id, quantity })) : null;
  return {
    ok: true,
    original: fo,
    moved,
    remaining,
    events: [
      { topic: "fulfillment_orders/moved", payload: fulfillmentOrderMovedPayload(fo, moved, sourceLocationId, requested) },
      ...inventoryEvents(shop, touched, changes, now),
    ],
  };
}

/** The merchant re-routes an order: every open fulfillment order not already at `to` moves there. */
export function moveOrder(shop: ShopState, orderId: number, to: number, now: number): WebhookEvent[] {
  const order = orderOf(shop, orderId);
  location(shop, to, "to");
  const fos = fulfillmentOrdersOf(shop, order.id).filter((fo) => fo.status === "OPEN" && fo.locationId !== to);
  if (fos.length === 0) throw new InputError(`to: order ${orderId} has no open fulfillment order to move to ${to}`, [{ path: "to", message: "nothing to move" }]);
  const events: WebhookEvent[] = [];
  for (const fo of fos) {
    const res = moveFulfillmentOrder(shop, fo.id, to, null, now, "shopify");
    if (!res.ok) throw new InputError(`to: ${res.message}`, [{ path: "to", message: res.message }]);
    events.push(...res.events);
  }
  return events;
}

/** A count or a receipt: sets on_hand; available moves by the same delta. */
export function stockCount(shop: ShopState, sku: string, locationId: number, onHandTarget: number, now: number): WebhookEvent[] {
  if (!Number.isInteger(onHandTarget) || onHandTarget < 0) throw new InputError(`onHand: must be an integer >= 0, got ${onHandTarget}`, [{ path: "onHand", message: "must be >= 0" }]);
  const v = shop.variantBySku(sku);
  if (!v) throw new InputError(`sku: unknown sku ${sku}`, [{ path: "sku", message: `unknown sku ${sku}` }]);
  location(shop, locationId, "location");
  const level = shop.level(v.itemId, locationId)!;
  const current = level.q.available + level.q.committed + level.q.reserved + level.q.safety_stock + level.q.damaged + level.q.quality_control;
  const tx = new InventoryTx(shop, { reason: "correction", referenceDocumentUri: null, actor: "shopify" });
  tx.add(level, "available", onHandTarget - current);
  if (tx.empty) return [];
  const { changes, touched } = tx.apply(now);
  return inventoryEvents(shop, touched, changes, now);
}
