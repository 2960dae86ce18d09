import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createShopifyDouble, type ShopifyDouble, type ShopifyDoubleOptions } from "./double";
import type { StoreInput } from "./store";

/** Fixtures and small HTTP helpers for the double's own tests (no database, no Redis). */

export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";
export const SHOP = "demo-apparel.myshopify.com";

export const STORE: StoreInput = {
  shop: SHOP,
  locations: [
    { id: 101, name: "Central Warehouse", fulfillsOnlineOrders: true },
    { id: 102, name: "Outlet Store", fulfillsOnlineOrders: false },
    { id: 901, name: "Amazon (channel)", fulfillsOnlineOrders: false },
  ],
  products: [
    {
      id: 7001,
      title: "Crew Tee Black",
      vendor: "Acme",
      tags: ["core"],
      collections: ["tees"],
      variants: [
        { id: 8001, inventoryItemId: 9001, sku: "TEE-BLK-M", onHand: { "101": 40, "102": 3 } },
        { id: 8002, inventoryItemId: 9002, sku: "TEE-BLK-L", onHand: { "101": 10 } },
      ],
    },
    {
      id: 7002,
      title: "Hoodie Grey",
      vendor: "Acme",
      variants: [{ id: 8003, inventoryItemId: 9003, sku: "HOOD-GRY-M", onHand: { "101": 5, "901": 12 } }],
    },
  ],
};

export const itemGid = (id: number) => `gid://shopify/InventoryItem/${id}`;
export const locGid = (id: number) => `gid://shopify/Location/${id}`;

export async function startDouble(opts: Partial<ShopifyDoubleOptions> = {}, store: StoreInput = STORE) {
  const double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, ...opts });
  double.seedStore(store);
  const token = double.installApp(store.shop);
  return { double, token };
}

export interface GqlResponse {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, any>; path?: unknown[]; locations?: unknown[] }[];
    extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: Record<string, number> } };
  };
}

export async function gql(
  double: ShopifyDouble,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
  shop: string = SHOP,
): Promise<GqlResponse> {
  const res = await fetch(`${double.url}/${shop}/admin/api/2026-07/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

export const SET_QUANTITIES = /* GraphQL */ `
  mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $key) {
      inventoryAdjustmentGroup {
        id
        reason
        referenceDocumentUri
        changes { name delta quantityAfterChange }
      }
      userErrors { code field message }
    }
  }
`;

export const LEVEL_QUERY = /* GraphQL */ `
  query Level($item: ID!, $loc: ID!) {
    inventoryItem(id: $item) {
      inventoryLevel(locationId: $loc) {
        quantities(names: ["available", "on_hand", "committed", "reserved"]) { name quantity }
      }
    }
  }
`;

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A stand-in for the app's webhook routes: records every request; `respond` picks the status. */
export async function startReceiver(respond: (req: ReceivedWebhook, index: number) => number | Promise<number> = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const hit = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
    received.push(hit);
    const status = await respond(hit, received.length - 1);
    res.writeHead(status).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse("2026-11-27T09:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
