// The endpoint the admin block on Shopify's product page reads: real authenticate.admin (session
// token + offline session in PostgreSQL), real Prisma queries. The Shopify test double only stands
// behind SHOPIFY_ADMIN_ORIGIN so nothing can reach the internet.
import { Session } from "@shopify/shopify-api";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { DEFAULT_SCOPES } from "../../../app/env.server";
import { createShopifyDouble, type ShopifyDouble } from "../../shopify-double";
import { createChannel, createItem, createShop, nextShopifyId, uniqueSuffix } from "../../support/factories";
import { bearerHeaders, sessionTokenClaims, signJwt } from "../../support/session-token";

const API_KEY = "ringfence-test-client-id";
const API_SECRET = "ringfence-test-client-secret";
const APP_URL = "https://ringfence.test";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
// Admin UI extensions run on Shopify's extension CDN, so their requests are cross-origin.
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

type Loader = (args: LoaderFunctionArgs) => Promise<Response>;

let double: ShopifyDouble;
let loader: Loader;
let shopify: typeof import("../../../app/shopify.server");
const savedEnv = { ...process.env };
const suffix = uniqueSuffix();
const shopA = `avail-a-${suffix}.myshopify.com`;
const shopB = `avail-b-${suffix}.myshopify.com`;
const tokenFor = (shop: string) => ({ shop, apiKey: API_KEY, apiSecret: API_SECRET });

let productA: bigint;
let productOnlyInA: bigint;
const computedAt = new Date("2026-11-20T09:30:00.000Z");

/** The library answers "not authenticated" by throwing a Response; this returns either kind. */
async function call(productId: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const request = new Request(`${APP_URL}/api/products/${encodeURIComponent(productId)}/availability`, {
    method: init.method ?? "GET",
    headers: { "User-Agent": BROWSER_UA, Origin: EXTENSION_ORIGIN, ...init.headers },
  });
  try {
    return await loader({ request, params: { productId }, context: {} });
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

beforeAll(async () => {
  double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, scope: DEFAULT_SCOPES.join(",") });
  Object.assign(process.env, {
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    SHOPIFY_ADMIN_ORIGIN: double.url,
    LOG_LEVEL: "error",
    QUEUE_PREFIX: `avail-${suffix}`,
  });
  delete process.env.SCOPES;
  shopify = await import("../../../app/shopify.server");
  loader = (await import("../../../app/routes/api.products.$productId.availability")).loader as Loader;

  // Shop A: a tee in two sizes, sold on three channels (one archived), shaped by one rule.
  const a = await createShop({ domain: shopA });
  const online = await createChannel(a.id, { key: "online", name: "Online Store", priority: 1 });
  const amazon = await createChannel(a.id, { key: "amazon", name: "Amazon", priority: 2 });
  const retired = await createChannel(a.id, { key: "ebay", name: "eBay", priority: 0, archivedAt: new Date() });
  const small = await createItem(a.id, { sku: "TEE-S", title: "Tee" });
  productA = small.product.shopifyId;
  await prisma.variant.update({ where: { id: small.variant.id }, data: { title: "S" } });
  const mediumVariant = await prisma.variant.create({
    data: { shopId: a.id, productId: small.product.id, shopifyId: nextShopifyId(), sku: "TEE-M", title: "M" },
  });
  const medium = await prisma.inventoryItem.create({
    data: { shopId: a.id, shopifyId: nextShopifyId(), variantId: mediumVariant.id, sku: "TEE-M" },
  });
  // A variant the engine has not computed yet.
  await prisma.variant.create({ data: { shopId: a.id, productId: small.product.id, shopifyId: nextShopifyId(), sku: "TEE-L", title: "L" } });
  const rule = await prisma.exposureRule.create({
    data: { shopId: a.id, channelId: amazon.id, targetKind: "variant", targetValue: "TEE-S", percent: 50 },
  });
  const snap = (itemId: number, channelId: number, atp: number, ats: number, ruleId: number | null = null) =>
    prisma.availabilitySnapshot.create({ data: { shopId: a.id, itemId, channelId, atp, ats, ruleId, breakdown: {}, computedAt } });
  // Inserted out of channel order: the answer is ordered by channel priority.
  await snap(small.item.id, amazon.id, 12, 6, rule.id);
  await snap(small.item.id, online.id, 12, 12);
  await snap(small.item.id, retired.id, 12, 3);
  await snap(medium.id, online.id, 2, 2);
  productOnlyInA = (await createItem(a.id, { sku: "CAP-1" })).product.shopifyId;

  // Shop B holds a product under the same Shopify id as A's tee (ids are only unique per shop in
  // our tables): B's token must see B's row, never A's.
  const b = await createShop({ domain: shopB });
  const bChannel = await createChannel(b.id, { key: "pos", name: "POS" });
  const bProduct = await prisma.product.create({ data: { shopId: b.id, shopifyId: productA, title: "B's hoodie" } });
  const bVariant = await prisma.variant.create({ data: { shopId: b.id, productId: bProduct.id, shopifyId: nextShopifyId(), sku: "HOOD", title: "One size" } });
  const bItem = await prisma.inventoryItem.create({ data: { shopId: b.id, shopifyId: nextShopifyId(), variantId: bVariant.id, sku: "HOOD" } });
  await prisma.availabilitySnapshot.create({
    data: { shopId: b.id, itemId: bItem.id, channelId: bChannel.id, atp: 40, ats: 30, breakdown: {}, computedAt },
  });

  for (const shop of [shopA, shopB]) {
    double.seedStore({ shop, locations: [{ id: 1, name: "Warehouse" }], products: [] });
    await storeOfflineSession(shop);
  }
});

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop: { in: [shopA, shopB] } } });
  await prisma.shop.deleteMany({ where: { domain: { in: [shopA, shopB] } } });
  await double?.close();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe("GET /api/products/:productId/availability", () => {
  it("returns ATP/ATS per channel for each variant of the session's shop's product", async () => {
    const response = await call(String(productA), { headers: bearerHeaders(tokenFor(shopA)) });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    const at = computedAt.toISOString();
    expect(body.product).toEqual({ id: `gid://shopify/Product/${productA}`, title: "Tee" });
    expect(body.variants.map((v: { sku: string; title: string }) => [v.sku, v.title])).toEqual([
      ["TEE-S", "S"],
      ["TEE-M", "M"],
      ["TEE-L", "L"],
    ]);
    expect(body.variants[0].id).toMatch(/^gid:\/\/shopify\/ProductVariant\/\d+$/);
    expect(body.variants[0].channels).toEqual([
      { key: "online", name: "Online Store", atp: 12, ats: 12, rule: null, computedAt: at },
      {
        key: "amazon",
        name: "Amazon",
        atp: 12,
        ats: 6,
        rule: { id: expect.any(Number), targetKind: "variant", targetValue: "TEE-S" },
        computedAt: at,
      },
    ]);
    expect(body.variants[1].channels).toEqual([{ key: "online", name: "Online Store", atp: 2, ats: 2, rule: null, computedAt: at }]);
    expect(body.variants[2].channels).toEqual([]);
  });

  it("accepts the product GID the admin block holds", async () => {
    const response = await call(`gid://shopify/Product/${productA}`, { headers: bearerHeaders(tokenFor(shopA)) });
    expect(response.status).toBe(200);
    expect((await response.json()).product.title).toBe("Tee");
  });

  it("answers 404 to shop B's token for a product only shop A has", async () => {
    const response = await call(String(productOnlyInA), { headers: bearerHeaders(tokenFor(shopB)) });
    expect(response.status).toBe(404);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await response.json()).error).toContain(shopB);
  });

  it("gives shop B its own product under an id shop A also uses, never A's rows", async () => {
    const response = await call(String(productA), { headers: bearerHeaders(tokenFor(shopB)) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.product.title).toBe("B's hoodie");
    expect(body.variants).toHaveLength(1);
    expect(body.variants[0].channels).toEqual([
      { key: "pos", name: "POS", atp: 40, ats: 30, rule: null, computedAt: computedAt.toISOString() },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/TEE-|Online Store|Amazon/);
  });

  it("answers 401 without a token, readable across origins", async () => {
    const response = await call(String(productA));
    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await response.json()).error).toMatch(/Authorization/);
  });

  it("answers 401 to a token signed with another secret", async () => {
    const forged = signJwt(sessionTokenClaims(tokenFor(shopA)), "not-the-app-secret");
    const response = await call(String(productA), { headers: { Authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers the CORS preflight without a token", async () => {
    const response = await call(String(productA), {
      method: "OPTIONS",
      headers: { "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });

  it("answers 400 naming productId for an id that is not a product's", async () => {
    for (const bad of ["abc", "gid://shopify/ProductVariant/5", "0"]) {
      const response = await call(bad, { headers: bearerHeaders(tokenFor(shopA)) });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/^productId must be/);
    }
  });

  it("answers 404 for a product the shop does not have", async () => {
    const response = await call("999999999999", { headers: bearerHeaders(tokenFor(shopA)) });
    expect(response.status).toBe(404);
  });
});
