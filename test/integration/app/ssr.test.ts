// Whole documents through the real Remix build (vite.config.ts, root, entry.server, routes) and the
// real request handler: what Shopify admin's iframe and a merchant's browser receive.
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import { Session } from "@shopify/shopify-api";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { DEFAULT_SCOPES } from "../../../app/env.server";
import { createShop, uniqueSuffix } from "../../support/factories";
import { embeddedUrl } from "../../support/session-token";

const API_KEY = "ringfence-test-client-id";
const API_SECRET = "ringfence-test-client-secret";
const APP_URL = "https://ringfence.test";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const savedEnv = { ...process.env };
const suffix = uniqueSuffix();
const synced = `ssr-a-${suffix}.myshopify.com`;
const fresh = `ssr-b-${suffix}.myshopify.com`;

let vite: ViteDevServer;
let handle: (request: Request) => Promise<Response>;

const get = (url: string, headers: Record<string, string> = {}) =>
  handle(new Request(url, { headers: { "User-Agent": BROWSER_UA, ...headers } }));

beforeAll(async () => {
  Object.assign(process.env, {
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: APP_URL,
    LOG_LEVEL: "error",
  });
  vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "error" });
  const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  handle = createRequestHandler(build, "production");

  // Session storage as the app module graph sees it (vite's module instance, same database).
  const { sessionStorage } = (await vite.ssrLoadModule("/app/shopify.server.ts")) as typeof import("../../../app/shopify.server");
  for (const shop of [synced, fresh]) {
    await sessionStorage.storeSession(
      new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x", scope: DEFAULT_SCOPES.join(",") }),
    );
  }
  await createShop({ domain: synced, syncStatus: "done" });
});

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop: { in: [synced, fresh] } } });
  await prisma.shop.deleteMany({ where: { domain: { in: [synced, fresh] } } });
  const appDb = (await vite?.ssrLoadModule("/app/db.server.ts")) as typeof import("../../../app/db.server") | undefined;
  await appDb?.disconnectDb();
  await vite?.close();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe("server-rendered documents", () => {
  it("renders the landing page with the login form and Polaris styles", async () => {
    const response = await get(`${APP_URL}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('action="/auth/login"');
    expect(html).toMatch(/<link rel="stylesheet" href="[^"]*styles[^"]*\.css/);
    expect(html).toContain("Polaris-Page");
  });

  it("sends Shopify admin's ?shop= launch on to /app", async () => {
    const response = await get(`${APP_URL}/?shop=${synced}&host=abc`);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/app?shop=${synced}&host=abc`);
  });

  it("renders the login page", async () => {
    const response = await get(`${APP_URL}/auth/login`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Log in to Ringfence");
  });

  it("renders the embedded home page with frame-ancestors for the shop and App Bridge", async () => {
    const response = await get(embeddedUrl(APP_URL, "/app", { shop: synced, apiKey: API_KEY, apiSecret: API_SECRET }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toContain(`frame-ancestors https://${synced}`);
    const html = await response.text();
    expect(html).toContain(`data-api-key="${API_KEY}"`);
    expect(html).toContain("<ui-nav-menu");
    expect(html).toContain('href="/app/purchase-orders"');
    expect(html).toContain("In sync");
    expect(html).toContain("Next: create your first channel");
  });

  it("renders the empty state for a shop that has not been imported", async () => {
    const response = await get(embeddedUrl(APP_URL, "/app", { shop: fresh, apiKey: API_KEY, apiSecret: API_SECRET }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Your shop is not imported yet");
    expect(html).not.toContain(synced);
  });

  it("answers a crawler with 410, as the Shopify library does", async () => {
    const response = await get(`${APP_URL}/app`, { "User-Agent": "curl/8.0" });
    expect(response.status).toBe(410);
  });
});
