import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPage, screenshot, type Watched } from "./support/browser";
import { checkPromise, previewRule } from "./support/pages";
import { startDemoStack, type DemoStack } from "./support/demo-stack";

/**
 * The admin in a real browser (Debian chromium), against the demo: the real app server, worker,
 * PostgreSQL, Redis and the Shopify test double, with the App Bridge stand-in supplying session
 * tokens. Each test saves a screenshot of the page it ends on under test-results/screenshots/.
 */

let demo: DemoStack;
let w: Watched;

beforeAll(async () => {
  demo = await startDemoStack();
});

afterAll(async () => {
  await demo?.close();
});

async function fresh(): Promise<Page> {
  w = await openPage(demo.browser, demo.stack.appUrl);
  return w.page;
}

afterEach(async () => {
  const problems = w?.problems ?? [];
  await w?.context.close();
  expect(problems, "uncaught page errors or 5xx answers").toEqual([]);
});

const db = () => demo.stack.prisma;

describe("the embedded admin in a browser", () => {
  it("opens from /demo/launch with the App Bridge stand-in and navigates client-side with session tokens", async () => {
    const page = await fresh();
    await demo.open(page, "/app");
    expect(new URL(page.url()).pathname).toBe("/app");
    expect(await page.evaluate(() => typeof (window as unknown as { shopify?: { idToken?: unknown } }).shopify?.idToken)).toBe("function");
    await screenshot(page, "dashboard");
    // Client-side navigation sends loader fetches that only a Bearer token lets through.
    await page.locator("ui-nav-menu").getByRole("link", { name: "Channels" }).click();
    await page.waitForURL(/\/app\/channels$/);
    await expect.poll(() => page.getByText("Wholesale").count()).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe("/app/channels");
    await screenshot(page, "channels");
  });

  it("creates a channel", async () => {
    const page = await fresh();
    await demo.open(page, "/app/channels/new");
    await page.getByLabel("Key").fill("outlet");
    await page.getByLabel("Name", { exact: true }).fill("Outlet Store");
    await page.getByLabel("Brooklyn").first().check();
    await page.getByLabel("Order source names").fill("outlet");
    await page.getByLabel("Percent").fill("40");
    await screenshot(page, "channel-new");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/app\/channels\/\d+/);
    await expect.poll(() => page.getByText("Outlet Store").count()).toBeGreaterThan(0);
    const saved = await db().channel.findUnique({ where: { shopId_key: { shopId: demo.shopId, key: "outlet" } }, include: { facilities: { include: { location: true } } } });
    expect(saved).toMatchObject({ name: "Outlet Store", percent: 40 });
    expect(saved!.facilities.map((f) => f.location.name)).toEqual(["Brooklyn"]);
    await screenshot(page, "channel");
  });

  it("adds an exposure rule after a preview of what it changes", async () => {
    const page = await fresh();
    await demo.open(page, "/app/exposure-rules/new");
    const saveButton = page.getByRole("button", { name: "Save rule" });
    expect(await saveButton.isDisabled()).toBe(true);
    await previewRule(page, { channel: "Online Store", tag: "core", cap: 5 });
    // The Online Store's ATS of the black tee drops to the cap; the row shows before → after.
    const row = page.getByRole("row").filter({ hasText: "TEE-BLK-M" }).filter({ hasText: "Online Store" });
    await expect.poll(() => row.textContent()).toMatch(/→ 5/);
    const rulesBefore = await db().exposureRule.count({ where: { shopId: demo.shopId } });
    await screenshot(page, "rule-preview");
    await saveButton.click();
    await page.waitForURL(/\/app\/exposure-rules\?channel=\d+/);
    expect(await db().exposureRule.count({ where: { shopId: demo.shopId } })).toBe(rulesBefore + 1);
  });

  it("refuses a holdback CSV with one bad row: the error names the row and nothing is saved", async () => {
    const page = await fresh();
    await demo.open(page, "/app/holdbacks");
    const before = await db().holdback.count({ where: { shopId: demo.shopId } });
    const csv = ["sku,channel,quantity,location,from,until,note", "TEE-WHT-M,wholesale,12,Central Warehouse,,,size run", "TEE-NOPE-M,wholesale,12,Central Warehouse,,,typo"].join("\n");
    await page.locator('input[type="file"]').setInputFiles({ name: "size-run.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Import" }).click();
    const banner = page.getByText(/TEE-NOPE-M/);
    await banner.first().waitFor();
    await screenshot(page, "holdbacks-import-error");
    expect(await db().holdback.count({ where: { shopId: demo.shopId } })).toBe(before);
    expect(await db().holdback.count({ where: { shopId: demo.shopId, note: "size run" } })).toBe(0);
  });

  it("runs a promise check: a big wholesale order cannot be promised on time, a small one can", async () => {
    const page = await fresh();
    await demo.open(page, "/app/promise-check");
    const today = new Date().toISOString().slice(0, 10);
    expect(await checkPromise(page, { sku: "TEE-BLK-M", channel: "Wholesale", quantity: 480, date: today })).toBe("Cannot promise");
    await expect.poll(() => page.getByText(/No known stock or inbound purchase order covers 480 units|The earliest date all 480/).count()).toBe(1);
    await screenshot(page, "promise-check");
    expect(await checkPromise(page, { sku: "TEE-BLK-M", channel: "Wholesale", quantity: 10, date: today })).toBe("Can promise");
  });

  it("opens a product's inventory view: stock by facility, numbers per channel with their reasons", async () => {
    const page = await fresh();
    await demo.open(page, "/app/products/7001");
    await page.getByRole("heading", { name: "Crew Tee Black" }).first().waitFor();
    const text = await page.locator("body").innerText();
    for (const expected of ["TEE-BLK-M", "Central Warehouse", "Times Square", "Online Store", "Amazon", "Wholesale", "POS"]) expect(text).toContain(expected);
    expect(text).toMatch(/ATP \d+/);
    // ATS over time: Polaris Viz replaces the server-rendered sparklines once the page hydrates.
    const chart = page.locator('[data-testid="ats-chart"]').first();
    await expect.poll(() => chart.locator("[data-chart-fallback]").count()).toBe(0);
    await expect.poll(() => chart.locator("svg").count()).toBeGreaterThan(0);
    for (const channel of ["Online Store", "Amazon"]) expect(await chart.innerText()).toContain(channel);
    await screenshot(page, "product");
  });

  it("a session token for another shop cannot read or change this shop's data", async () => {
    const page = await fresh();
    const channel = await db().channel.findUniqueOrThrow({ where: { shopId_key: { shopId: demo.shopId, key: "wholesale" } } });
    const holdback = await db().holdback.findFirstOrThrow({ where: { shopId: demo.shopId } });
    // The other merchant, in the browser: this shop's channel page is not found, its list shows none of ours.
    await demo.open(page, `/app/channels/${channel.id}`, demo.otherShop);
    await expect.poll(() => page.getByText(/There is no channel/).count()).toBeGreaterThan(0);
    expect(await page.getByText("Bloom").count()).toBe(0);
    await screenshot(page, "other-shop-denied");

    const res = await fetch(`${demo.stack.appUrl}/demo/session-token?shop=${demo.otherShop}`, { headers: { "User-Agent": "Mozilla/5.0 Chrome/124.0" } });
    const { token } = (await res.json()) as { token: string };
    const asOther = (path: string, init: RequestInit = {}) =>
      w.context.request.fetch(`${demo.stack.appUrl}${path}`, {
        method: init.method ?? "GET",
        headers: { Authorization: `Bearer ${token}`, ...(init.body ? { "Content-Type": "application/json" } : {}) },
        data: init.body as string | undefined,
      });
    const read = await asOther(`/app/channels/${channel.id}?_data=${encodeURIComponent("routes/app.channels.$id")}`);
    expect(read.status()).toBe(404);
    expect(await read.text()).not.toContain("Wholesale");
    const list = await asOther(`/app/holdbacks?_data=${encodeURIComponent("routes/app.holdbacks")}`);
    expect(list.status()).toBe(200);
    expect((await list.json()) as { holdbacks: unknown[] }).toMatchObject({ holdbacks: [] });
    const del = await asOther(`/app/holdbacks?_data=${encodeURIComponent("routes/app.holdbacks")}`, { method: "POST", body: JSON.stringify({ intent: "delete", id: holdback.id }) });
    expect(del.status()).toBe(404);
    const edit = await asOther(`/app/channels/${channel.id}?_data=${encodeURIComponent("routes/app.channels.$id")}`, { method: "POST", body: JSON.stringify({ intent: "update", percent: 1 }) });
    expect(edit.status()).toBeGreaterThanOrEqual(400);
    expect(await db().holdback.findUnique({ where: { id: holdback.id } })).not.toBeNull();
    expect((await db().channel.findUniqueOrThrow({ where: { id: channel.id } })).percent).toBe(channel.percent);
  });
});
