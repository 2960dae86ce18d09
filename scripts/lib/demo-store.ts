import type { AppConfigInput } from "../../app/validation/app-config";
import type { StoreInput } from "../../test/shopify-double";
import type { ScriptLine } from "./replay-files";
import { prng } from "./prng";

/**
 * The demo's apparel store (product.md): a central warehouse and three New York stores, channels
 * Online Store, POS, Amazon (its own channel location) and Wholesale (B2B, 14-day window), styles
 * in sizes, a wholesale size-run holdback and purchase orders from two suppliers. STORE.json shape
 * of replay-format.md; dates are relative to `today` so the demo never goes stale.
 *
 * And the simulated order stream: a deterministic (seeded) source of Shopify actions spread over
 * the channels, with a cancel or a stock count now and then.
 */

export const DEMO_SHOP = "demo-apparel.myshopify.com";

export const LOCATIONS = {
  warehouse: 101,
  timesSquare: 201,
  brooklyn: 202,
  broadway: 203,
  amazon: 901,
} as const;

const STORES = [LOCATIONS.timesSquare, LOCATIONS.brooklyn, LOCATIONS.broadway];

interface StyleDef {
  id: number;
  title: string;
  code: string;
  vendor: string;
  tags: string[];
  collections: string[];
  price: string;
  /** Size → [warehouse, Times Square, Brooklyn, Broadway] on hand. */
  sizes: Record<string, [number, number, number, number]>;
}

const STYLES: StyleDef[] = [
  {
    id: 7001, title: "Crew Tee Black", code: "TEE-BLK", vendor: "Northside Mills", tags: ["core"], collections: ["tees"], price: "28.00",
    sizes: { S: [60, 6, 4, 5], M: [90, 8, 6, 7], L: [80, 8, 6, 6], XL: [40, 4, 3, 3] },
  },
  {
    id: 7002, title: "Crew Tee White", code: "TEE-WHT", vendor: "Northside Mills", tags: ["core"], collections: ["tees"], price: "28.00",
    sizes: { S: [50, 5, 4, 4], M: [70, 6, 6, 6], L: [60, 6, 5, 5], XL: [30, 3, 2, 2] },
  },
  {
    id: 7003, title: "Hoodie Heather Grey", code: "HOOD-GRY", vendor: "Northside Mills", tags: ["fleece"], collections: ["hoodies"], price: "68.00",
    sizes: { S: [24, 3, 2, 2], M: [36, 4, 3, 3], L: [30, 4, 3, 3], XL: [18, 2, 1, 1] },
  },
  {
    id: 7004, title: "Denim Jacket Indigo", code: "JKT-IND", vendor: "Mill & Loom", tags: ["drop"], collections: ["outerwear"], price: "148.00",
    sizes: { S: [4, 1, 0, 0], M: [6, 1, 1, 0], L: [4, 0, 1, 0] },
  },
  {
    id: 7005, title: "Chino Sand", code: "CHN-SND", vendor: "Mill & Loom", tags: ["core"], collections: ["pants"], price: "78.00",
    sizes: { "30": [20, 2, 2, 2], "32": [30, 3, 3, 3], "34": [30, 3, 3, 2], "36": [16, 2, 1, 1] },
  },
  {
    id: 7006, title: "Beanie Navy", code: "BNE-NVY", vendor: "Northside Mills", tags: ["accessories"], collections: ["accessories"], price: "24.00",
    sizes: { OS: [120, 10, 10, 10] },
  },
];

/** YYYY-MM-DD of `today` plus `days` (UTC calendar). */
export function addDays(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function demoStore(today: string): StoreInput & { app: AppConfigInput } {
  const products = STYLES.map((style, si) => ({
    id: style.id,
    title: style.title,
    vendor: style.vendor,
    tags: style.tags,
    collections: style.collections,
    variants: Object.entries(style.sizes).map(([size, counts], vi) => {
      const onHand: Record<string, number> = {};
      [LOCATIONS.warehouse, ...STORES].forEach((loc, i) => {
        if (counts[i] > 0) onHand[String(loc)] = counts[i];
      });
      return {
        id: 8000 + si * 10 + vi + 1,
        inventoryItemId: 9000 + si * 10 + vi + 1,
        sku: `${style.code}-${size}`,
        title: size,
        price: style.price,
        onHand,
      };
    }),
  }));

  const app: AppConfigInput = {
    channels: [
      {
        id: "online-store", name: "Online Store", facilities: [LOCATIONS.warehouse], priority: 1, promiseWindowDays: 0,
        mode: "shared", orders: { sourceNames: ["web"] }, publish: "in-place",
      },
      {
        id: "pos", name: "POS", facilities: STORES, priority: 1, promiseWindowDays: 0,
        mode: "shared", orders: { sourceNames: ["pos"] }, publish: "in-place",
      },
      {
        id: "amazon", name: "Amazon", facilities: [LOCATIONS.warehouse], priority: 2, promiseWindowDays: 0,
        mode: "ringfenced", percent: 30, orders: { sourceNames: ["amazon"] }, publish: { location: LOCATIONS.amazon },
      },
      {
        id: "wholesale", name: "Wholesale", facilities: [LOCATIONS.warehouse], priority: 3, promiseWindowDays: 14,
        mode: "shared", orders: { b2b: true }, publish: "in-place",
      },
    ],
    rules: [
      { channel: "amazon", target: { collection: "outerwear" }, cap: 2 },
      { channel: "amazon", target: { sku: "BNE-NVY-OS" }, percent: 50 },
      { channel: "online-store", target: { tag: "fleece" }, zeroBelow: 3 },
    ],
    holdbacks: [
      ...(["S", "M", "L", "XL"] as const).map((size) => ({
        sku: `TEE-BLK-${size}`, channel: "wholesale", qty: size === "S" || size === "XL" ? 12 : 24,
        facility: String(LOCATIONS.warehouse), until: addDays(today, 30), note: "size run for Bloom & Co",
      })),
      { sku: "HOOD-GRY-M", channel: null, qty: 6, facility: String(LOCATIONS.warehouse), until: addDays(today, 7), note: "photo shoot" },
    ],
    suppliers: [
      { id: "Mill & Loom", onTimeRate: 0.7, delayDays: 7 },
      { id: "Northside Mills", onTimeRate: 0.95, delayDays: 2 },
    ],
    purchaseOrders: [
      {
        id: "PO-1001", supplier: "Mill & Loom", facility: String(LOCATIONS.warehouse), eta: addDays(today, 10),
        lines: [ { sku: "JKT-IND-S", qty: 40 }, { sku: "JKT-IND-M", qty: 60 }, { sku: "JKT-IND-L", qty: 40 } ],
      },
      {
        id: "PO-1002", supplier: "Northside Mills", facility: String(LOCATIONS.warehouse), eta: addDays(today, 21),
        lines: [ { sku: "TEE-BLK-M", qty: 120 }, { sku: "TEE-BLK-L", qty: 120 }, { sku: "HOOD-GRY-M", qty: 48 } ],
      },
    ],
  };

  return {
    shop: DEMO_SHOP,
    name: "Demo Apparel NYC",
    locations: [
      { id: LOCATIONS.warehouse, name: "Central Warehouse", fulfillsOnlineOrders: true },
      { id: LOCATIONS.timesSquare, name: "Times Square", fulfillsOnlineOrders: false },
      { id: LOCATIONS.brooklyn, name: "Brooklyn", fulfillsOnlineOrders: false },
      { id: LOCATIONS.broadway, name: "Broadway", fulfillsOnlineOrders: false },
      { id: LOCATIONS.amazon, name: "Amazon (channel)", fulfillsOnlineOrders: false },
    ],
    products,
    app,
  };
}


export type StreamAction = Extract<ScriptLine, { do: "order" | "cancel" | "stock" }>;

export interface OrderStream {
  next(): StreamAction;
  /** Tells the stream what Shopify made of an order (refused orders can never be cancelled). */
  settle(orderId: number, accepted: boolean): void;
  readonly openOrders: number;
}

export interface OrderStreamOptions {
  seed?: number;
  today: string;
  firstOrderId?: number;
  store?: StoreInput;
}

/**
 * Shopify actions as a busy store produces them: web orders at the warehouse, Amazon orders at
 * its channel location, POS sales in the three stores, the odd wholesale order with a ship-by date,
 * a cancel of an open order now and then, and stock counts that bring a shelf back to its seeded
 * level (so a long-running demo does not sell out and go quiet).
 */
export function createOrderStream(opts: OrderStreamOptions): OrderStream {
  const store = opts.store ?? demoStore(opts.today);
  const rand = prng(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const variants = store.products.flatMap((p) => p.variants);
  const skus = variants.map((v) => v.sku);
  const shelves = variants.flatMap((v) => Object.entries(v.onHand ?? {}).map(([loc, qty]) => ({ sku: v.sku, location: Number(loc), onHand: qty })));
  const stocked = (location: number) => variants.filter((v) => (v.onHand?.[String(location)] ?? 0) > 0).map((v) => v.sku);
  let nextId = opts.firstOrderId ?? 100_001;
  const pending = new Set<number>();
  const open: number[] = [];

  const lines = (pool: string[], count: number, qty: () => number) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(count, pool.length)) chosen.add(pick(pool));
    return [...chosen].map((sku) => ({ sku, qty: qty() }));
  };

  const order = (fields: Omit<Extract<StreamAction, { do: "order" }>, "do" | "id" | "b2b" | "tags"> & { b2b?: boolean }): StreamAction => {
    const id = nextId++;
    pending.add(id);
    return { do: "order", id, b2b: false, tags: [], ...fields };
  };

  return {
    next() {
      const r = rand();
      if (r < 0.06 && open.length > 0) {
        const id = open.splice(Math.floor(rand() * open.length), 1)[0];
        return { do: "cancel", id };
      }
      if (r < 0.1) {
        const shelf = pick(shelves);
        return { do: "stock", sku: shelf.sku, location: shelf.location, onHand: shelf.onHand };
      }
      if (r < 0.5) return order({ sourceName: "web", location: LOCATIONS.warehouse, lines: lines(stocked(LOCATIONS.warehouse), between(1, 2), () => between(1, 2)) });
      if (r < 0.7) return order({ sourceName: "amazon", location: LOCATIONS.amazon, lines: lines(skus, 1, () => 1) });
      if (r < 0.95) {
        const location = pick(STORES);
        return order({ sourceName: "pos", location, lines: lines(stocked(location), between(1, 2), () => 1) });
      }
      return order({
        sourceName: "shopify_draft_order",
        b2b: true,
        location: LOCATIONS.warehouse,
        shipBy: addDays(opts.today, between(14, 28)),
        lines: lines(stocked(LOCATIONS.warehouse).filter((s) => s.startsWith("TEE-") || s.startsWith("CHN-")), between(1, 3), () => between(6, 12)),
      });
    },
    settle(orderId, accepted) {
      if (!pending.delete(orderId)) return;
      if (accepted) open.push(orderId);
    },
    get openOrders() {
      return open.length;
    },
  };
}
