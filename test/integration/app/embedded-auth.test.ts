// authenticate.admin in front of the embedded pages, with the real Shopify library, real session
// storage in PostgreSQL and locally minted session tokens. The only stand-in is the Shopify test
// double, reached through SHOPIFY_ADMIN_ORIGIN for token exchange and Admin GraphQL.
import { Session } from "@shopify/shopify-api";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { DEFAULT_SCOPES } from "../../../app/env.server";
import type { ShopOverview } from "../../../app/lib/shop-overview.server";
import { createShopifyDouble, type ShopifyDouble } from "../../shopify-double";
import { createItem, createLocation, createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { bearerHeaders, embeddedUrl, mintSessionToken, sessionTokenClaims, signJwt } from "../../support/session-token";

const API_KEY = "ringfence-test-client-id";
const API_SECRET = "ringfence-test-client-secret";
const APP_URL = "https://ringfence.test";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;
interface HomeData {
  shop: string;
  overview: ShopOverview | null;
}

let double: ShopifyDouble;
let homeLoader: Loader;
let layoutLoader: Loader;
let shopify: typeof import("../../../app/shopify.server");
const savedEnv = { ...process.env };
const suffix = uniqueSuffix();
const shopA = `auth-a-${suffix}.myshopify.com`;
const shopB = `auth-b-${suffix}.myshopify.com`;
const shopC = `auth-c-${suffix}.myshopify.com`;

const tokenFor = (shop: string) => ({ shop, apiKey: API_KEY, apiSecret: API_SECRET });

function call(loader: Loader, url: string, headers: Record<string, string> = {}) {
  const request = new Request(url, { headers: { "User-Agent": BROWSER_UA, ...headers } });
  return loader({ request, params: {}, context: {} });
}

/** The library answers "not authenticated" by throwing a Response; this returns either kind. */
async function outcome(promise: Promise<Response>): Promise<Response> {
  try {
    return await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function storeOfflineSession(shop: string) {
  await shopify.sessionStorage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: double.installApp(shop),
      scope: DEFAULT_SCOPES.join(","),
    }),
  );
}

function seedDouble(shop: string) {
  double.seedStore({
    shop,
    locations: [{ id: 1, name: "Warehouse" }],
    products: [{ id: 10, title: "Tee", variants: [{ id: 11, inventoryItemId: 12, sku: `TEE-${shop}`, onHand: { "1": 5 } }] }],
  });
}

beforeAll(async () => {
  double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, scope: DEFAULT_SCOPES.join(",") });
  Object.assign(process.env, {
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    SHOPIFY_ADMIN_ORIGIN: double.url,
    LOG_LEVEL: "error",
    // The install hook enqueues an initial sync; keep it out of other tests' queues.
    QUEUE_PREFIX: `auth-${suffix}`,
  });
  delete process.env.SCOPES;
  shopify = await import("../../../app/shopify.server");
  homeLoader = (await import("../../../app/routes/app._index")).loader as Loader;
  layoutLoader = (await import("../../../app/routes/app")).loader as Loader;

  for (const shop of [shopA, shopB, shopC]) seedDouble(shop);

  const a = await createShop({ domain: shopA });
  await seedShopGraph(a.id);
  const b = await createShop({ domain: shopB, syncStatus: "running", syncObjectsImported: 30, syncObjectsTotal: 120 });
  for (let i = 0; i < 3; i++) await createLocation(b.id);
  await createItem(b.id);
  await createItem(b.id);

  await storeOfflineSession(shopA);
  await storeOfflineSession(shopB);
});

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop: { in: [shopA, shopB, shopC] } } });
  await prisma.shop.deleteMany({ where: { domain: { in: [shopA, shopB, shopC] } } });
  await double?.close();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe("authenticate.admin protects the embedded pages", () => {
  it("sends a request without a session token to the login page", async () => {
    const response = await outcome(call(homeLoader, `${APP_URL}/app`));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/auth/login");
  });

  it("answers 401 with the retry header to a token signed with another secret", async () => {
    const forged = signJwt(sessionTokenClaims(tokenFor(shopA)), "not-the-app-secret");
    const response = await outcome(call(homeLoader, `${APP_URL}/app`, { Authorization: `Bearer ${forged}` }));
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  });

  it("answers 401 to an expired token", async () => {
    const expired = mintSessionToken({ ...tokenFor(shopA), issuedAt: new Date(Date.now() - 10 * 60_000) });
    const response = await outcome(call(homeLoader, `${APP_URL}/app`, { Authorization: `Bearer ${expired}` }));
    expect(response.status).toBe(401);
  });

  it("answers 401 to a token for another app", async () => {
    const other = mintSessionToken({ ...tokenFor(shopA), apiKey: "someone-elses-app" });
    const response = await outcome(call(homeLoader, `${APP_URL}/app`, { Authorization: `Bearer ${other}` }));
    expect(response.status).toBe(401);
  });
});

describe("the home page shows the session's shop and only that shop", () => {
  it("returns shop A's state to shop A's token", async () => {
    const response = await outcome(call(homeLoader, `${APP_URL}/app`, bearerHeaders(tokenFor(shopA))));
    expect(response.status).toBe(200);
    const data = (await response.json()) as HomeData;
    expect(data.shop).toBe(shopA);
    expect(data.overview?.domain).toBe(shopA);
    expect(data.overview?.counts).toEqual({
      facilities: 1,
      channelLocations: 1,
      channels: 1,
      products: 1,
      variants: 1,
      trackedItems: 1,
      openPurchaseOrders: 1,
      activeHoldbacks: 1,
    });
    expect(data.overview?.sync.status).toBe("pending");
  });

  it("returns shop B's state to shop B's token, never shop A's", async () => {
    const response = await outcome(call(homeLoader, `${APP_URL}/app`, bearerHeaders(tokenFor(shopB))));
    expect(response.status).toBe(200);
    const data = (await response.json()) as HomeData;
    expect(data.shop).toBe(shopB);
    expect(data.overview?.domain).toBe(shopB);
    expect(data.overview?.counts).toEqual({
      facilities: 3,
      channelLocations: 0,
      channels: 0,
      products: 2,
      variants: 2,
      trackedItems: 2,
      openPurchaseOrders: 0,
      activeHoldbacks: 0,
    });
    expect(data.overview?.sync).toMatchObject({ status: "running", imported: 30, total: 120 });
    expect(JSON.stringify(data)).not.toContain(shopA);
  });

  it("ignores a shop named in the query string: the token decides", async () => {
    const response = await outcome(call(homeLoader, `${APP_URL}/app?shop=${shopA}`, bearerHeaders(tokenFor(shopB))));
    expect(response.status).toBe(200);
    expect(((await response.json()) as HomeData).overview?.domain).toBe(shopB);
  });

  it("accepts the document request Shopify admin makes (id_token in the URL)", async () => {
    const response = await outcome(call(layoutLoader, embeddedUrl(APP_URL, "/app", tokenFor(shopA))));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ apiKey: API_KEY, demo: false });
  });
});

describe("a shop with no stored session", () => {
  it("gets an offline token by token exchange through SHOPIFY_ADMIN_ORIGIN, then an empty home page", async () => {
    expect(await prisma.session.count({ where: { shop: shopC } })).toBe(0);

    const response = await outcome(call(homeLoader, `${APP_URL}/app`, bearerHeaders(tokenFor(shopC))));
    expect(response.status).toBe(200);
    const data = (await response.json()) as HomeData;
    expect(data.shop).toBe(shopC);
    // Installed by the afterAuth hook, nothing imported yet.
    expect(data.overview?.sync.status).toBe("pending");
    expect(Object.values(data.overview?.counts ?? { missing: -1 }).every((n) => n === 0)).toBe(true);

    const stored = await prisma.session.findUnique({ where: { id: `offline_${shopC}` } });
    expect(stored?.accessToken).toMatch(/^shpat_/);
    expect(stored?.scope).toBe(DEFAULT_SCOPES.join(","));
  });

  it("lets a worker call the Admin API for that shop with the stored token, through the same origin", async () => {
    const { admin } = await shopify.unauthenticated.admin(shopC);
    const response = await admin.graphql(`#graphql
      query Locations { locations(first: 5) { nodes { name } } }`);
    const body = (await response.json()) as { data: { locations: { nodes: { name: string }[] } } };
    expect(body.data.locations.nodes).toEqual([{ name: "Warehouse" }]);
    expect(double.calls(shopC).graphql.length).toBeGreaterThan(0);
  });
});
