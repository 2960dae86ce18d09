// Every admin page rendered as a whole document through the real Remix build and request handler
// (as Shopify admin's iframe loads it): the Polaris components render with the loader's data, and
// a missing or foreign id renders the page's "Not found" explanation with status 404.
import type { ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import { Session } from "@shopify/shopify-api";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { DEFAULT_SCOPES } from "../../../app/env.server";
import { createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { embeddedUrl } from "../../support/session-token";
import { API_KEY, API_SECRET, APP_URL, useAppEnv } from "./harness";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const suffix = uniqueSuffix();
const shop = `admin-render-${suffix}.myshopify.com`;
const restoreEnv = useAppEnv(`admin-render-${suffix}`);
let vite: ViteDevServer;
let handle: (request: Request) => Promise<Response>;
let g: Awaited<ReturnType<typeof seedShopGraph>>;

const page = (path: string) =>
  handle(new Request(embeddedUrl(APP_URL, path, { shop, apiKey: API_KEY, apiSecret: API_SECRET }), { headers: { "User-Agent": BROWSER_UA } }));

beforeAll(async () => {
  vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "error" });
  handle = createRequestHandler((await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild, "production");
  const { sessionStorage } = (await vite.ssrLoadModule("/app/shopify.server.ts")) as typeof import("../../../app/shopify.server");
  await sessionStorage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x", scope: DEFAULT_SCOPES.join(",") }));
  const row = await createShop({ domain: shop, syncStatus: "running", syncObjectsImported: 30, syncObjectsTotal: 120 });
  g = await seedShopGraph(row.id);
});

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop } });
  await prisma.shop.deleteMany({ where: { domain: shop } });
  const queues = (await vite?.ssrLoadModule("/app/services/admin/queue-depth.server.ts")) as typeof import("../../../app/services/admin/queue-depth.server") | undefined;
  await queues?.closeQueueDepthReader();
  await globalThis.ringfenceProducer?.close();
  globalThis.ringfenceProducer = undefined;
  const appDb = (await vite?.ssrLoadModule("/app/db.server.ts")) as typeof import("../../../app/db.server") | undefined;
  await appDb?.disconnectDb();
  await vite?.close();
  restoreEnv();
});

describe("each admin page renders", () => {
  const cases: [string, () => string, () => string[]][] = [
    ["dashboard", () => "/app", () => ["Channels with spare capacity", "Double exposure", "30 of 120 objects imported", "Polaris-ProgressBar", "Queue (all shops)"]],
    ["channels", () => "/app/channels", () => ["Create channel", "Ring-fenced", "Amazon (channel)"]],
    ["new channel", () => "/app/channels/new", () => ["Facility group", "Which orders belong to this channel", "Warehouse"]],
    ["channel", () => `/app/channels/${g.channel.id}`, () => ["Channel key: amazon", "Publish to"]],
    ["exposure rules", () => "/app/exposure-rules", () => ["Add rule", "Acme", "cap 40"]],
    ["new rule", () => "/app/exposure-rules/new", () => ["Preview", "What it sets"]],
    ["rule", () => `/app/exposure-rules/${g.rule.id}`, () => ["Edit exposure rule", "Delete…"]],
    ["rebalance", () => "/app/rebalance", () => ["Preview as of"]],
    ["holdbacks", () => "/app/holdbacks", () => ["Current holdbacks", "Import from CSV", g.item.sku!]],
    ["suppliers", () => "/app/suppliers", () => ["70%", "Typical delay"]],
    ["purchase orders", () => "/app/purchase-orders", () => [g.purchaseOrder.number, "New purchase order"]],
    ["purchase order", () => `/app/purchase-orders/${g.purchaseOrder.id}`, () => ["PO ATP", "Allocate pre-orders", "Record receipt"]],
    ["promise check", () => "/app/promise-check", () => ["Ship date", "amazon"]],
    ["products", () => "/app/products", () => [g.product.title]],
    ["product", () => `/app/products/${g.product.shopifyId}`, () => ["On hand by facility", "Rule on vendor", "<svg", "Last written to Shopify", "Inbound by date"]],
  ];
  for (const [name, path, texts] of cases) {
    it(name, async () => {
      const response = await page(path());
      // React separates adjacent text nodes with <!-- --> in server output.
      const html = (await response.text()).replaceAll("<!-- -->", "");
      expect(response.status, html.slice(0, 500)).toBe(200);
      for (const t of texts()) expect(html).toContain(t.replace(/&/g, "&amp;").replace(/"/g, "&quot;"));
    });
  }

  it("explains a missing id with a 404 page", async () => {
    const response = await page(`/app/channels/${g.channel.id + 100000}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(`There is no channel ${g.channel.id + 100000} in this shop.`);
  });
});
