import type { Store } from "./store";

/**
 * Shopify's side of one shop, in memory: catalogue, per-(item, location) quantities, orders,
 * fulfillment orders, metafields, bulk operations and the inventory history.
 */

export const STORED_NAMES = ["available", "committed", "reserved", "safety_stock", "damaged", "quality_control", "incoming"] as const;
export type StoredName = (typeof STORED_NAMES)[number];
export type QuantityName = StoredName | "on_hand";
export const QUANTITY_NAMES: readonly QuantityName[] = [...STORED_NAMES, "on_hand"];
/** Names Shopify tracks per ledger document (inventoryMoveQuantities needs a ledgerDocumentUri for them). */
export const LEDGER_NAMES = ["reserved", "safety_stock", "damaged", "quality_control"] as const;
export type LedgerName = (typeof LEDGER_NAMES)[number];
/** on_hand = available + committed + reserved + safety_stock + damaged + quality_control (incoming is not on hand). */
const ON_HAND_PARTS: readonly StoredName[] = ["available", "committed", "reserved", "safety_stock", "damaged", "quality_control"];

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

export interface LocationRec {
  id: number;
  name: string;
  fulfillsOnlineOrders: boolean;
  isActive: boolean;
  isFulfillmentService: boolean;
  createdAt: number;
}
export interface ProductRec {
  id: number;
  title: string;
  vendor: string;
  productType: string;
  tags: string[];
  collections: number[];
  variantIds: number[];
  createdAt: number;
  updatedAt: number;
}
export interface VariantRec {
  id: number;
  productId: number;
  itemId: number;
  sku: string;
  title: string;
  price: string;
  position: number;
  createdAt: number;
  updatedAt: number;
}
export interface CollectionRec {
  id: number;
  handle: string;
}
export interface LevelRec {
  itemId: number;
  locationId: number;
  q: Record<StoredName, number>;
  /** `${name} ${ledgerDocumentUri}` → units, for the ledger-tracked names. */
  ledgers: Map<string, number>;
  createdAt: number;
  updatedAt: number;
}
export interface InventoryChangeRec {
  at: number;
  groupId: number | null;
  itemId: number;
  locationId: number;
  sku: string;
  name: QuantityName;
  delta: number;
  quantityAfterChange: number;
  reason: string;
  referenceDocumentUri: string | null;
  ledgerDocumentUri: string | null;
  /** "app" for Admin API calls, "shopify" for checkout/merchant actions of the script. */
  actor: "app" | "shopify";
}
export interface AdjustmentGroupRec {
  id: number;
  createdAt: number;
  reason: string;
  referenceDocumentUri: string | null;
  changes: InventoryChangeRec[];
}
export interface OrderLineRec {
  id: number;
  variantId: number;
  productId: number;
  itemId: number;
  sku: string;
  title: string;
  quantity: number;
  fulfilled: number;
  /** Units removed by cancellation. */
  cancelled: number;
}
export interface OrderRec {
  id: number;
  number: number;
  name: string;
  sourceName: string;
  appId: number | null;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  closedAt: number | null;
  test: boolean;
  tags: string[];
  b2b: boolean;
  shipBy: string | null;
  locationId: number;
  lines: OrderLineRec[];
  fulfillmentIds: number[];
}
export interface FulfillmentOrderLineRec {
  id: number;
  lineItemId: number;
  itemId: number;
  variantId: number;
  sku: string;
  total: number;
  remaining: number;
}
export interface FulfillmentOrderRec {
  id: number;
  orderId: number;
  locationId: number;
  status: "OPEN" | "CLOSED" | "CANCELLED";
  lines: FulfillmentOrderLineRec[];
  createdAt: number;
  updatedAt: number;
  fulfillBy: string | null;
}
export interface FulfillmentRec {
  id: number;
  orderId: number;
  locationId: number;
  name: string;
  createdAt: number;
  lines: { lineItemId: number; quantity: number }[];
}
export interface MetafieldRec {
  id: number;
  ownerId: string;
  namespace: string;
  key: string;
  value: string;
  type: string;
  createdAt: number;
  updatedAt: number;
}
export interface BulkOperationRec {
  id: number;
  query: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  createdAt: number;
  completedAt: number | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  errorCode: string | null;
  /** Why a FAILED operation failed (the double's own diagnostics; Shopify only gives errorCode). */
  errorMessage: string | null;
  jsonl: string | null;
}

export interface IdempotencyRec {
  field: string;
  argsHash: string;
  /** Rebuilds the first call's payload from the records it produced. */
  payload: () => unknown;
}

export class ShopState {
  readonly domain: string;
  readonly shopId: number;
  readonly name: string;
  readonly currency: string;
  readonly createdAt: number;
  readonly locations = new Map<number, LocationRec>();
  readonly products = new Map<number, ProductRec>();
  readonly variants = new Map<number, VariantRec>();
  readonly itemToVariant = new Map<number, number>();
  readonly skuToVariant = new Map<string, number>();
  readonly collections = new Map<number, CollectionRec>();
  readonly levels = new Map<string, LevelRec>();
  readonly orders = new Map<number, OrderRec>();
  readonly fulfillmentOrders = new Map<number, FulfillmentOrderRec>();
  /** Order id → its fulfillment order ids, in creation order. */
  readonly fulfillmentOrdersByOrder = new Map<number, number[]>();
  readonly fulfillments = new Map<number, FulfillmentRec>();
  readonly metafields = new Map<string, MetafieldRec>();
  readonly groups = new Map<number, AdjustmentGroupRec>();
  readonly bulkOps = new Map<number, BulkOperationRec>();
  readonly inventoryLog: InventoryChangeRec[] = [];
  /** @idempotent keys seen from the app on this shop. */
  readonly idempotency = new Map<string, IdempotencyRec>();
  currentBulkId: number | null = null;
  refused = 0;
  private seq = 0;
  private orderNumber = 1000;

  constructor(store: Store, now: number, shopId: number) {
    this.domain = store.shop;
    this.shopId = shopId;
    this.name = store.name ?? store.shop.replace(/\.myshopify\.com$/, "");
    this.currency = store.currency;
    this.createdAt = now;
    for (const l of store.locations) this.locations.set(l.id, { ...l, createdAt: now });
    const collectionIds = new Map<string, number>();
    for (const p of store.products) {
      const cols = p.collections.map((handle) => {
        let id = collectionIds.get(handle);
        if (id === undefined) {
          id = collectionIds.size + 1;
          collectionIds.set(handle, id);
          this.collections.set(id, { id, handle });
        }
        return id;
      });
      this.products.set(p.id, {
        id: p.id,
        title: p.title,
        vendor: p.vendor,
        productType: p.productType,
        tags: p.tags,
        collections: cols,
        variantIds: p.variants.map((v) => v.id),
        createdAt: now,
        updatedAt: now,
      });
      p.variants.forEach((v, i) => {
        this.variants.set(v.id, {
          id: v.id,
          productId: p.id,
          itemId: v.inventoryItemId,
          sku: v.sku,
          title: v.title ?? (p.variants.length === 1 ? "Default Title" : v.sku),
          price: v.price ?? "0.00",
          position: i + 1,
          createdAt: now,
          updatedAt: now,
        });
        this.itemToVariant.set(v.inventoryItemId, v.id);
        this.skuToVariant.set(v.sku, v.id);
        // Every item is stocked at every location (0 where STORE.json gives no count), so the app
        // can publish to channel locations without activating levels first.
        for (const l of store.locations) {
          const onHand = v.onHand[String(l.id)] ?? 0;
          this.levels.set(levelKey(v.inventoryItemId, l.id), newLevel(v.inventoryItemId, l.id, onHand, now));
        }
      });
    }
  }

  /** Ids the double mints (orders' line items, fulfillment orders, groups, ...), deterministic per shop. */
  nextId(): number {
    this.seq += 1;
    return 1_000_000 + this.seq;
  }

  nextOrderNumber(): number {
    this.orderNumber += 1;
    return this.orderNumber;
  }

  level(itemId: number, locationId: number): LevelRec | undefined {
    return this.levels.get(levelKey(itemId, locationId));
  }

  variantBySku(sku: string): VariantRec | undefined {
    const id = this.skuToVariant.get(sku);
    return id === undefined ? undefined : this.variants.get(id);
  }

  skuOfItem(itemId: number): string {
    const v = this.variants.get(this.itemToVariant.get(itemId) ?? -1);
    return v?.sku ?? "";
  }

  addFulfillmentOrder(fo: FulfillmentOrderRec): void {
    this.fulfillmentOrders.set(fo.id, fo);
    this.fulfillmentOrdersByOrder.set(fo.orderId, [...(this.fulfillmentOrdersByOrder.get(fo.orderId) ?? []), fo.id]);
  }

  fulfillmentOrdersOf(orderId: number): FulfillmentOrderRec[] {
    return (this.fulfillmentOrdersByOrder.get(orderId) ?? []).map((id) => this.fulfillmentOrders.get(id)!);
  }

  levelsOfItem(itemId: number): LevelRec[] {
    return [...this.locations.keys()].map((l) => this.level(itemId, l)).filter((l): l is LevelRec => !!l);
  }
}

export const levelKey = (itemId: number, locationId: number) => `${itemId}:${locationId}`;

function newLevel(itemId: number, locationId: number, onHand: number, now: number): LevelRec {
  return {
    itemId,
    locationId,
    q: { available: onHand, committed: 0, reserved: 0, safety_stock: 0, damaged: 0, quality_control: 0, incoming: 0 },
    ledgers: new Map(),
    createdAt: now,
    updatedAt: now,
  };
}

export function onHand(level: LevelRec): number {
  return ON_HAND_PARTS.reduce((s, n) => s + level.q[n], 0);
}

export function quantity(level: LevelRec, name: QuantityName): number {
  return name === "on_hand" ? onHand(level) : level.q[name];
}

/** Units physically at the location that could still ship: on hand minus damaged and quality control. */
export function shippable(level: LevelRec): number {
  return onHand(level) - level.q.damaged - level.q.quality_control;
}

/** Units committed to orders at this location beyond what it can ever ship. */
export function unfulfillableUnits(level: LevelRec): number {
  return Math.max(0, level.q.committed - shippable(level));
}

export function isLedgerName(name: string): name is LedgerName {
  return (LEDGER_NAMES as readonly string[]).includes(name);
}

export interface ChangeMeta {
  reason: string;
  referenceDocumentUri: string | null;
  actor: "app" | "shopify";
}

/**
 * Collects quantity deltas of one operation, then applies them together: records every change
 * (with the resulting on_hand change) in the shop's inventory history and, when asked, as one
 * InventoryAdjustmentGroup. Callers validate first, so apply never fails half way.
 */
export class InventoryTx {
  private readonly deltas: { level: LevelRec; name: StoredName; delta: number; ledger: string | null }[] = [];

  constructor(
    private readonly shop: ShopState,
    private readonly meta: ChangeMeta,
  ) {}

  add(level: LevelRec, name: StoredName, delta: number, ledgerDocumentUri: string | null = null): this {
    if (delta !== 0) this.deltas.push({ level, name, delta, ledger: ledgerDocumentUri });
    return this;
  }

  get empty(): boolean {
    return this.deltas.length === 0;
  }

  apply(now: number, opts: { group?: boolean } = {}): { changes: InventoryChangeRec[]; touched: LevelRec[]; group: AdjustmentGroupRec | null } {
    const groupId = opts.group && this.deltas.length > 0 ? this.shop.nextId() : null;
    const changes: InventoryChangeRec[] = [];
    const touched: LevelRec[] = [];
    const onHandDelta = new Map<LevelRec, number>();
    for (const d of this.deltas) {
      d.level.q[d.name] += d.delta;
      if (d.ledger !== null && isLedgerName(d.name)) {
        const k = `${d.name} ${d.ledger}`;
        const next = (d.level.ledgers.get(k) ?? 0) + d.delta;
        if (next === 0) d.level.ledgers.delete(k);
        else d.level.ledgers.set(k, next);
      }
      d.level.updatedAt = now;
      if (!touched.includes(d.level)) touched.push(d.level);
      if (ON_HAND_PARTS.includes(d.name)) onHandDelta.set(d.level, (onHandDelta.get(d.level) ?? 0) + d.delta);
      changes.push(this.record(now, groupId, d.level, d.name, d.delta, d.level.q[d.name], d.ledger));
    }
    for (const [level, delta] of onHandDelta) {
      if (delta !== 0) changes.push(this.record(now, groupId, level, "on_hand", delta, onHand(level), null));
    }
    this.shop.inventoryLog.push(...changes);
    let group: AdjustmentGroupRec | null = null;
    if (groupId !== null) {
      group = { id: groupId, createdAt: now, reason: this.meta.reason, referenceDocumentUri: this.meta.referenceDocumentUri, changes };
      this.shop.groups.set(groupId, group);
    }
    return { changes, touched, group };
  }

  private record(
    at: number,
    groupId: number | null,
    level: LevelRec,
    name: QuantityName,
    delta: number,
    after: number,
    ledger: string | null,
  ): InventoryChangeRec {
    return {
      at,
      groupId,
      itemId: level.itemId,
      locationId: level.locationId,
      sku: this.shop.skuOfItem(level.itemId),
      name,
      delta,
      quantityAfterChange: after,
      reason: this.meta.reason,
      referenceDocumentUri: this.meta.referenceDocumentUri,
      ledgerDocumentUri: ledger,
      actor: this.meta.actor,
    };
  }
}
