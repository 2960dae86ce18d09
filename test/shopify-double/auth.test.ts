import "@shopify/shopify-api/adapters/node";
import { ApiVersion, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { mintSessionToken } from "./auth";
import type { ShopifyDouble } from "./double";
import { API_KEY, API_SECRET, gql, SHOP, startDouble } from "./test-helpers";

let double: ShopifyDouble | undefined;
afterEach(async () => double?.close());

const exchange = (d: ShopifyDouble, shop: string, body: Record<string, string>) =>
  fetch(`${d.url}/${shop}/admin/oauth/access_token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

const tokenExchangeBody = (subject: string) => ({
  client_id: API_KEY,
  client_secret: API_SECRET,
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token: subject,
  subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
  requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
});

describe("token exchange", () => {
  it("swaps a session token signed with the app secret for an access token that works on that shop", async () => {
    ({ double } = await startDouble());
    const res = await exchange(double, SHOP, tokenExchangeBody(double.sessionToken(SHOP)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(body.scope).toContain("write_inventory");
    expect((await gql(double, body.access_token, `{ shop { myshopifyDomain } }`)).body.data).toEqual({ shop: { myshopifyDomain: SHOP } });
  });

  it("refuses a session token signed with another secret, for another shop, or expired", async () => {
    ({ double } = await startDouble());
    double.seedStore({ shop: "b.myshopify.com", locations: [{ id: 1, name: "B" }], products: [] });
    const forged = mintSessionToken({ shop: SHOP, apiKey: API_KEY, apiSecret: "wrong", nowMs: Date.now() });
    const forB = double.sessionToken("b.myshopify.com");
    const expired = mintSessionToken({ shop: SHOP, apiKey: API_KEY, apiSecret: API_SECRET, nowMs: Date.now() - 3_600_000 });
    for (const [subject, reason] of [
      [forged, "signature does not verify with the app secret"],
      [forB, "dest https://b.myshopify.com is not demo-apparel.myshopify.com"],
      [expired, "token expired"],
    ]) {
      const res = await exchange(double, SHOP, tokenExchangeBody(subject));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "invalid_subject_token", error_description: reason });
    }
    const badClient = await exchange(double, SHOP, { ...tokenExchangeBody(double.sessionToken(SHOP)), client_secret: "nope" });
    expect(badClient.status).toBe(401);
  });

  it("also issues tokens for the client credentials grant", async () => {
    ({ double } = await startDouble());
    const res = await exchange(double, SHOP, { client_id: API_KEY, client_secret: API_SECRET, grant_type: "client_credentials" });
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await gql(double, access_token, `{ shop { name } }`)).status).toBe(200);
  });
});

describe("per-shop isolation", () => {
  it("a token for shop A is refused on shop B, as Shopify refuses it", async () => {
    ({ double } = await startDouble());
    double.seedStore({ shop: "b.myshopify.com", locations: [{ id: 1, name: "B" }], products: [] });
    const tokenA = double.installApp(SHOP);
    const res = await gql(double, tokenA, `{ shop { name } }`, undefined, "b.myshopify.com");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    expect((await gql(double, "shpat_made_up", `{ shop { name } }`)).status).toBe(401);
    const unknownShop = await fetch(`${double.url}/nowhere.myshopify.com/admin/api/2026-07/graphql.json`, { method: "POST" });
    expect(unknownShop.status).toBe(404);
  });

  it("uninstalling revokes the shop's tokens and sends app/uninstalled", async () => {
    let token: string;
    ({ double, token } = await startDouble());
    double.uninstallApp(SHOP);
    expect((await gql(double, token, `{ shop { name } }`)).status).toBe(401);
    expect(double.deliveries().map((d) => d.topic)).toEqual(["app/uninstalled"]);
  });
});

describe("the real @shopify/shopify-api against the double", () => {
  it("token exchange and Admin GraphQL go through one origin override", async () => {
    ({ double } = await startDouble());
    const origin = double.url;
    // What app/shopify.server.ts does when SHOPIFY_ADMIN_ORIGIN is set (stack.md).
    setAbstractFetchFunc((input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      return fetch(url.replace(/^https:\/\/([a-z0-9-]+\.myshopify\.com)\//, `${origin}/$1/`), init);
    });
    const shopify = shopifyApi({
      apiKey: API_KEY,
      apiSecretKey: API_SECRET,
      hostName: "app.example.com",
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: true,
      logger: { level: 0 },
    });
    const { session } = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: double.sessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session.accessToken).toMatch(/^shpat_/);
    const client = new shopify.clients.Graphql({ session });
    const res = await client.request(`query { locations(first: 5) { nodes { name } } }`);
    expect(res.data).toEqual({ locations: { nodes: [{ name: "Amazon (channel)" }, { name: "Central Warehouse" }, { name: "Outlet Store" }] } });
    expect(res.extensions).toMatchObject({ cost: { requestedQueryCost: 7, actualQueryCost: 5 } });
  });
});

describe("session token endpoint (demo only)", () => {
  it("hands out a verifiable token for the shop only when enabled", async () => {
    ({ double } = await startDouble({ sessionTokenEndpoint: true }));
    const res = await fetch(`${double.url}/${SHOP}/admin/session_token`);
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as { dest: string; aud: string };
    expect(claims).toMatchObject({ dest: `https://${SHOP}`, aud: API_KEY });
    const exchanged = await exchange(double, SHOP, tokenExchangeBody(token));
    expect(exchanged.status).toBe(200);
    expect((await fetch(`${double.url}/unknown.myshopify.com/admin/session_token`)).status).toBe(404);
    await double.close();
    ({ double } = await startDouble());
    expect((await fetch(`${double.url}/${SHOP}/admin/session_token`)).status).toBe(404);
  });
});
