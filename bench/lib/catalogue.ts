import type { StoreInput } from "../../test/shopify-double";

/**
 * The flash-sale catalogue: apparel styles × colours × sizes, a central warehouse and three
 * stores (Times Square, Brooklyn, Broadway), and an Amazon channel location; channels Online
 * Store (web, in place at the warehouse), Amazon (ring-fenced 20%, published to its location),
 * Wholesale (B2B, 14-day window) and POS (the stores). Deterministic for given parameters.
 */

export const WAREHOUSE = 101;
export const STORES = [102, 103, 104];
export const AMAZON_LOCATION = 901;

export interface CatalogueParams {
  styles: number;
  colours: number;
  sizes: number;
  /** Zipf exponent of SKU popularity. */
  zipf: number;
  /** Units in the warehouse across the catalogue (spread by popularity, with a floor). */
  warehouseUnits: number;
}

export interface Sku {
  sku: string;
  variantId: number;
  itemId: number;
  /** Popularity weight (sums to 1 over the catalogue). */
  weight: number;
}

const COLOURS = ["BLK", "WHT", "GRY", "NVY", "RED", "GRN", "SND", "OLV"];
const SIZES = ["XS", "S", "M", "L", "XL", "XXL"];

export function buildCatalogue(shop: string, p: CatalogueParams): { store: StoreInput; skus: Sku[] } {
  const skus: Sku[] = [];
  const products: StoreInput["products"] = [];
  let rank = 0;
  const raw: number[] = [];
  for (let s = 0; s < p.styles; s++) {
    const variants = [];
    for (let c = 0; c < p.colours; c++) {
      for (let z = 0; z < p.sizes; z++) {
        rank++;
        raw.push(1 / rank ** p.zipf);
        const n = skus.length;
        const sku: Sku = { sku: `ST${String(s + 1).padStart(3, "0")}-${COLOURS[c % COLOURS.length]}-${SIZES[z % SIZES.length]}`, variantId: 80_000 + n, itemId: 90_000 + n, weight: 0 };
        skus.push(sku);
        variants.push({ id: sku.variantId, inventoryItemId: sku.itemId, sku: sku.sku, onHand: {} as Record<string, number> });
      }
    }
    products.push({ id: 70_000 + s, title: `Style ${s + 1}`, vendor: s % 3 === 0 ? "Acme" : "Northwind", tags: s < 3 ? ["drop"] : ["core"], collections: [s % 2 ? "tees" : "hoodies"], variants });
  }
  const total = raw.reduce((a, b) => a + b, 0);
  // Popularity is shuffled across styles so hot SKUs are not all in the first product.
  const order = skus.map((_, i) => i).sort((a, b) => ((a * 7919) % skus.length) - ((b * 7919) % skus.length));
  order.forEach((skuIndex, r) => (skus[skuIndex].weight = raw[r] / total));
  let n = 0;
  for (const product of products) {
    for (const v of product.variants) {
      const w = skus[n++].weight;
      v.onHand = {
        [String(WAREHOUSE)]: Math.max(40, Math.round(p.warehouseUnits * w)),
        ...Object.fromEntries(STORES.map((l, i) => [String(l), 4 + ((n + i) % 9)])),
      };
    }
  }
  const store: StoreInput & { app: unknown } = {
    shop,
    locations: [
      { id: WAREHOUSE, name: "Central Warehouse", fulfillsOnlineOrders: true },
      { id: 102, name: "Times Square", fulfillsOnlineOrders: false },
      { id: 103, name: "Brooklyn", fulfillsOnlineOrders: false },
      { id: 104, name: "Broadway", fulfillsOnlineOrders: false },
      { id: AMAZON_LOCATION, name: "Amazon (channel)", fulfillsOnlineOrders: false },
    ],
    products,
    app: {
      channels: [
        { id: "online-store", name: "Online Store", facilities: [WAREHOUSE], priority: 1, promiseWindowDays: 0, mode: "shared", orders: { sourceNames: ["web"] }, publish: "in-place" },
        { id: "amazon", name: "Amazon", facilities: [WAREHOUSE], priority: 2, promiseWindowDays: 0, mode: "ringfenced", percent: 20, orders: { sourceNames: ["amazon"] }, publish: { location: AMAZON_LOCATION } },
        { id: "wholesale", name: "Wholesale", facilities: [WAREHOUSE], priority: 3, promiseWindowDays: 14, mode: "shared", orders: { b2b: true }, publish: "in-place" },
        { id: "pos", name: "POS", facilities: STORES, priority: 4, promiseWindowDays: 0, mode: "shared", orders: { sourceNames: ["pos"] }, publish: "in-place" },
      ],
      rules: [],
      holdbacks: [],
      suppliers: [],
      purchaseOrders: [],
    },
  };
  return { store, skus };
}
