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
import { createItem, createLocation, createShop, seedShopGraph, uniqueSuffix } from "../../support/factories";
import { embeddedUrl } from "../../support/session-token";
import { API_KEY, API_SECRET, APP_URL, useAppEnv } from "./harness";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const suffix = uniqueSuffix();
const shop = `admin-render-${suffix}.myshopify.com`;
// Imported (locations and a product) but nothing configured: what a merchant sees on day one.
const newShop = `admin-render-new-${suffix}.myshopify.com`;
const restoreEnv = useAppEnv(`admin-render-${suffix}`);
let vite: ViteDevServer;
let handle: (request: Request) => Promise<Response>;
let g: Awaited<ReturnType<typeof seedShopGraph>>;
let quiet: Awaited<ReturnType<typeof createItem>>;
let fresh: Awaited<ReturnType<typeof createItem>>;

const page = (path: string, as = shop) =>
  handle(new Request(embeddedUrl(APP_URL, path, { shop: as, apiKey: API_KEY, apiSecret: API_SECRET }), { headers: { "User-Agent": BROWSER_UA } }));

/** The page as a merchant reads it: text only, without markup, scripts or the loader data. */
async function visibleText(path: string, as = shop): Promise<string> {
  const response = await page(path, as);
  const html = await response.text();
  expect(response.status, html.slice(0, 500)).toBe(200);
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
}

beforeAll(async () => {
  vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "error" });
  handle = createRequestHandler((await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild, "production");
  const { sessionStorage } = (await vite.ssrLoadModule("/app/shopify.server.ts")) as typeof import("../../../app/shopify.server");
  await sessionStorage.storeSession(new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x", scope: DEFAULT_SCOPES.join(",") }));
  const row = await createShop({ domain: shop, syncStatus: "running", syncObjectsImported: 30, syncObjectsTotal: 120 });
  g = await seedShopGraph(row.id);
  // A variant nobody has ordered: its inventory view must say so, not show empty tables.
  quiet = await createItem(row.id, { sku: `QUIET-${suffix}`, title: "Wool Scarf" });
  // A variant without a SKU, held back: the list must name it by its titles, not by its row id.
  const bare = await createItem(row.id, { sku: `BARE-${suffix}`, title: "Silk Tie" });
  await prisma.variant.update({ where: { id: bare.variant.id }, data: { sku: null, title: "Navy" } });
  await prisma.inventoryItem.update({ where: { id: bare.item.id }, data: { sku: null } });
  await prisma.holdback.create({ data: { shopId: row.id, itemId: bare.item.id, quantity: 2, note: "window display" } });
  await sessionStorage.storeSession(new Session({ id: `offline_${newShop}`, shop: newShop, state: "", isOnline: false, accessToken: "shpat_y", scope: DEFAULT_SCOPES.join(",") }));
  const empty = await createShop({ domain: newShop, syncStatus: "done" });
  await createLocation(empty.id, { name: "Main Warehouse" });
  fresh = await createItem(empty.id, { sku: `NEW-${suffix}`, title: "Linen Shirt" });
});

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop: { in: [shop, newShop] } } });
  await prisma.shop.deleteMany({ where: { domain: { in: [shop, newShop] } } });
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

describe("a new merchant: every empty page says what it is for and what to do first", () => {
  const cases: [string, string, string[]][] = [
    ["dashboard", "/app", ["Next: create your first channel", "Set up channels"]],
    ["channels", "/app/channels", ["No channels yet", "which facilities it ships from", "Create channel"]],
    ["exposure rules", "/app/exposure-rules", ["Create a channel first", "a channel must exist before it can have rules"]],
    ["rebalance", "/app/rebalance", ["No channel is ring-fenced", "set Stock to Ring-fenced", "Open channels"]],
    ["holdbacks", "/app/holdbacks", ["Nothing is held back", "a wholesale size run", "Import from CSV"]],
    ["purchase orders", "/app/purchase-orders", ["No purchase orders yet", "promise window reaches its arrival", "Add suppliers first"]],
    ["suppliers", "/app/suppliers", ["No suppliers yet", "on-time rate discounts the units still to arrive"]],
    ["promise check", "/app/promise-check", ["Create a channel first: promises are made per channel.", "Create channel"]],
    ["product search", "/app/products?q=nothing-like-this", ['No product matches "nothing-like-this"', "Search by product title, vendor or SKU"]],
  ];
  for (const [name, path, texts] of cases) {
    it(name, async () => {
      const text = await visibleText(path, newShop);
      for (const t of texts) expect(text).toContain(t);
    });
  }

  it("a product with no orders, no holdbacks, no inbound and no numbers yet explains each empty part", async () => {
    const text = await visibleText(`/app/products/${fresh.product.shopifyId}`, newShop);
    for (const t of [
      "Not computed yet: numbers appear once a channel exists",
      "No open orders: no channel has claimed any of this variant's stock.",
      "Nothing held back.",
      "No open purchase order brings more of this variant.",
      "Ringfence has not written this variant's quantities to Shopify yet.",
    ])
      expect(text).toContain(t);
  });

  it("the quiet variant of a busy shop says it has no open orders", async () => {
    expect(await visibleText(`/app/products/${quiet.product.shopifyId}`)).toContain("No open orders: no channel has claimed any of this variant's stock.");
  });
});

describe("help text on every setting a merchant could misread", () => {
  const cases: [string, () => string, string[]][] = [
    [
      "new channel",
      () => "/app/channels/new",
      [
        "1 is served first when stock is short",
        "Stock arriving within this many days may be promised now",
        "Units per variant this channel never promises",
        "Every shared channel sees the same stock",
        "0 to 100: the share of what the channel can promise that is put on sale.",
        "At most this many units per variant",
        "Show 0 when ATP is at or below this.",
        "Before this day the channel offers 0.",
        "what other channels may not sell is held there as reserved",
        "The order's source in Shopify",
        "Orders carrying any of these tags",
      ],
    ],
    [
      "ring-fenced channel",
      () => `/app/channels/${g.channel.id}`,
      ["The channel gets its own pool per variant", "the share of free stock its pool gets at each rebalance", "its available quantity becomes the channel's ATS"],
    ],
    [
      "new rule",
      () => "/app/exposure-rules/new",
      [
        "Only this channel's numbers change.",
        "0 to 100: the share of what the channel can promise that is put on sale.",
        "At most this many units per variant on sale, whatever the percent.",
        "Offer 0 when ATP is at or below this",
        "replaces the channel's own safety stock",
        "Before this day the channel offers 0 of these products.",
        "After this day the channel offers 0 of them.",
        "on a ring-fenced channel, also what changes at its next rebalance",
      ],
    ],
    ["holdbacks", () => "/app/holdbacks", ["The variant's SKU, exactly as in Shopify.", "Only this channel may sell the held units", "Where the units sit", "The units are released after this day."]],
    [
      "purchase orders",
      () => "/app/purchase-orders",
      ["Each number is used once.", "Their on-time rate discounts these units", "channels shipping from it count them", "A channel may promise them now if its promise window reaches this day.", "One line per variant: SKU, quantity"],
    ],
    ["purchase order", () => `/app/purchase-orders/${g.purchaseOrder.id}`, ["Moving it moves the pre-orders' promise dates.", "Only if this line arrives on another day.", "At least what was already received."]],
    ["suppliers", () => "/app/suppliers", ["the share of units that arrive by the ETA", "added to it when promising pre-orders"]],
    ["promise check", () => "/app/promise-check", ["The variant's SKU", "Its facilities, promise window and claims decide the answer.", "When the units must ship. Empty: today."]],
  ];
  for (const [name, path, texts] of cases) {
    it(name, async () => {
      const text = await visibleText(path());
      for (const t of texts) expect(text).toContain(t);
    });
  }

  it("a product rule's edit page names the product, not only its Shopify id", async () => {
    const rule = await prisma.exposureRule.create({ data: { shopId: g.channel.shopId, channelId: g.channel.id, targetKind: "product", targetValue: g.product.shopifyId.toString(), cap: 3 } });
    try {
      expect(await visibleText(`/app/exposure-rules/${rule.id}`)).toContain(`Product: ${g.product.title}`);
      expect(await visibleText("/app/exposure-rules")).toContain(`Product “${g.product.title}”`);
    } finally {
      await prisma.exposureRule.delete({ where: { id: rule.id } });
    }
  });
});

describe("names, not ids", () => {
  const variantTitle = () => `${g.product.title} – ${g.variant.title}`;
  const cases: [string, () => string, () => string[]][] = [
    ["holdbacks: the variant by product and variant title, the channel and facility by name", () => "/app/holdbacks", () => [variantTitle(), g.item.sku!, g.channel.name, "Warehouse", "Silk Tie – Navy"]],
    ["purchase order: each line's variant, the supplier and the facility", () => `/app/purchase-orders/${g.purchaseOrder.id}`, () => [variantTitle(), "Ships to Warehouse"]],
    ["purchase orders: number, supplier and facility", () => "/app/purchase-orders", () => [g.purchaseOrder.number, "Warehouse"]],
    ["product: the rule and the locations by name", () => `/app/products/${g.product.shopifyId}`, () => ['Rule on vendor "Acme"', "Amazon (channel)", "Warehouse", g.purchaseOrder.number]],
    ["dashboard: channels by name", () => "/app", () => [`${g.channel.name} 24 33 9`]],
  ];
  for (const [name, path, texts] of cases) {
    it(name, async () => {
      const text = await visibleText(path());
      for (const t of texts()) expect(text).toContain(t);
      // An internal row id shown in place of a name reads "item 12", "order 7", "location 3"…
      expect(text).not.toMatch(/\b(item|order|line|location|channel|supplier) \d+\b/i);
      expect(text).not.toContain("gid://shopify/");
    });
  }
});
