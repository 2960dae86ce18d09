import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createShopifyDouble, verifySessionToken, type ShopifyDouble } from "../../shopify-double";
import { createShop, uniqueSuffix } from "../../support/factories";

/**
 * /demo/launch and /demo/session-token: 404 unless DEMO_MODE is on; with it, session tokens come
 * from the Shopify test double (which holds the secret) and launch opens /app as Shopify admin does.
 */

const API_KEY = "demo-routes-key";
const API_SECRET = "demo-routes-secret";
const savedEnv = { ...process.env };
const shop = `demo-routes-${uniqueSuffix()}.myshopify.com`;
let double: ShopifyDouble;

beforeAll(async () => {
  double = await createShopifyDouble({ apiKey: API_KEY, apiSecret: API_SECRET, sessionTokenEndpoint: true });
  double.seedStore({ shop, locations: [{ id: 1, name: "Warehouse" }], products: [] });
});
afterAll(async () => {
  await double?.close();
});
afterEach(() => {
  process.env = { ...savedEnv };
});

/** The route modules with a fresh env() (it is read once per module instance). */
async function routes(demoMode: string | undefined) {
  vi.resetModules();
  Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, SHOPIFY_APP_URL: "http://127.0.0.1:1", SHOPIFY_ADMIN_ORIGIN: double.url, LOG_LEVEL: "error" });
  if (demoMode === undefined) delete process.env.DEMO_MODE;
  else process.env.DEMO_MODE = demoMode;
  const launch = await import("../../../app/routes/demo.launch");
  const token = await import("../../../app/routes/demo.session-token");
  return { launch: launch.loader, token: token.loader };
}

async function call(loader: (args: LoaderFunctionArgs) => Promise<Response>, url: string): Promise<Response> {
  try {
    return await loader({ request: new Request(url), params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("demo routes", () => {
  it.each([[undefined], ["false"], ["0"]])("answer 404 when DEMO_MODE is %s", async (mode) => {
    const r = await routes(mode);
    expect((await call(r.launch, `http://app.test/demo/launch?shop=${shop}`)).status).toBe(404);
    expect((await call(r.token, `http://app.test/demo/session-token?shop=${shop}`)).status).toBe(404);
  });

  it("hand out a session token the double signed for the shop", async () => {
    const r = await routes("true");
    const res = await call(r.token, `http://app.test/demo/session-token?shop=${shop}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const { token } = (await res.json()) as { token: string };
    const verified = verifySessionToken(token, { apiKey: API_KEY, apiSecret: API_SECRET, nowMs: Date.now() });
    expect(verified).toMatchObject({ ok: true, claims: { dest: `https://${shop}`, iss: `https://${shop}/admin` } });
  });

  it("launch redirects into /app with embedded, shop, host and a fresh id_token, staying inside /app", async () => {
    const r = await routes("true");
    const res = await call(r.launch, `http://app.test/demo/launch?shop=${shop}&to=${encodeURIComponent("/app/promise-check")}`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("Location")!, "http://app.test");
    expect(to.pathname).toBe("/app/promise-check");
    expect(to.searchParams.get("embedded")).toBe("1");
    expect(to.searchParams.get("shop")).toBe(shop);
    expect(Buffer.from(to.searchParams.get("host")!, "base64").toString()).toBe(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`);
    expect(verifySessionToken(to.searchParams.get("id_token")!, { apiKey: API_KEY, apiSecret: API_SECRET, nowMs: Date.now() }).ok).toBe(true);
    const away = await call(r.launch, `http://app.test/demo/launch?shop=${shop}&to=${encodeURIComponent("//evil.example/app")}`);
    expect(new URL(away.headers.get("Location")!, "http://app.test").origin).toBe("http://app.test");
  });

  it("without ?shop use the most recently installed shop; refuse a bad or unknown shop by name", async () => {
    const r = await routes("true");
    await createShop({ domain: shop });
    const res = await call(r.launch, "http://app.test/demo/launch");
    expect(new URL(res.headers.get("Location")!, "http://app.test").searchParams.get("shop")).toBe(shop);
    const bad = await call(r.token, "http://app.test/demo/session-token?shop=not%20a%20shop");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("shop:");
    const unknown = await call(r.token, "http://app.test/demo/session-token?shop=nobody.myshopify.com");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("nobody.myshopify.com");
  });
});
