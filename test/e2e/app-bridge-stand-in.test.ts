import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESKTOP_UA, launchChromium } from "./support/browser";

/**
 * The demo's App Bridge stand-in on its own, in the browser: a page on a routed origin loads the
 * real public/demo/app-bridge-stand-in.js; the origin's /demo/session-token and /data answers are
 * scripted here to check the token handling App Bridge does.
 */

const ORIGIN = "http://stand-in.test";
const SCRIPT = readFileSync(fileURLToPath(new URL("../../public/demo/app-bridge-stand-in.js", import.meta.url)), "utf8");
const jwt = (exp: number, n: number) => `h.${Buffer.from(JSON.stringify({ exp, n })).toString("base64url")}.s`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function pageWith(handlers: { token: () => string; data: (auth: string | undefined) => { status: number; retryHeader?: boolean } }) {
  const context = await browser.newContext({ userAgent: DESKTOP_UA });
  const seen = { tokenRequests: [] as string[], dataAuth: [] as (string | undefined)[], elsewhereAuth: [] as (string | undefined)[] };
  await context.route("**/*", async (route: Route) => {
    const url = new URL(route.request().url());
    const auth = route.request().headers()["authorization"];
    if (url.origin !== ORIGIN) {
      seen.elsewhereAuth.push(auth);
      return route.fulfill({ status: 200, body: "{}", headers: { "Access-Control-Allow-Origin": "*" } });
    }
    if (url.pathname === "/app") {
      return route.fulfill({ contentType: "text/html", body: `<!doctype html><html><head></head><body><script src="/demo/app-bridge-stand-in.js" data-api-key="key-123"></script></body></html>` });
    }
    if (url.pathname === "/demo/app-bridge-stand-in.js") return route.fulfill({ contentType: "text/javascript", body: SCRIPT });
    if (url.pathname === "/demo/session-token") {
      seen.tokenRequests.push(url.searchParams.get("shop") ?? "");
      return route.fulfill({ contentType: "application/json", body: JSON.stringify({ token: handlers.token() }) });
    }
    if (url.pathname === "/data") {
      seen.dataAuth.push(auth);
      const r = handlers.data(auth);
      return route.fulfill({ status: r.status, body: "{}", headers: r.retryHeader ? { "X-Shopify-Retry-Invalid-Session-Request": "1" } : {} });
    }
    return route.fulfill({ status: 404, body: "" });
  });
  const page = await context.newPage();
  return { context, page, seen };
}

describe("App Bridge stand-in", () => {
  it("gives pages window.shopify and adds the launch token to same-origin fetches only", async () => {
    const soon = Math.floor(Date.now() / 1000) + 60;
    const launchToken = jwt(soon, 0);
    const { context, page, seen } = await pageWith({ token: () => jwt(soon, 1), data: () => ({ status: 200 }) });
    await page.goto(`${ORIGIN}/app?embedded=1&shop=a.myshopify.com&host=aG9zdA&id_token=${launchToken}`);
    const config = await page.evaluate(() => (window as unknown as { shopify: { config: unknown } }).shopify.config);
    expect(config).toMatchObject({ apiKey: "key-123", shop: "a.myshopify.com", host: "aG9zdA" });
    expect(await page.evaluate(() => (window as unknown as { shopify: { idToken(): Promise<string> } }).shopify.idToken())).toBe(launchToken);
    expect(await page.evaluate(() => fetch("/data").then((r) => r.status))).toBe(200);
    expect(seen.dataAuth).toEqual([`Bearer ${launchToken}`]);
    await page.evaluate(() => fetch("http://elsewhere.test/x").then((r) => r.status));
    expect(seen.elsewhereAuth).toEqual([undefined]);
    expect(seen.tokenRequests).toEqual([]);
    await page.evaluate(() => (window as unknown as { shopify: { toast: { show(m: string): void } } }).shopify.toast.show("Saved"));
    expect(await page.getByRole("status").textContent()).toBe("Saved");
    await context.close();
  });

  it("fetches a fresh token when the one it has is about to expire, and retries once on a 401 asking for it", async () => {
    const now = Math.floor(Date.now() / 1000);
    let minted = 0;
    const { context, page, seen } = await pageWith({
      token: () => jwt(now + 60, ++minted),
      // The first fresh token is refused as Shopify's library refuses a bad one; the next is fine.
      data: (auth) => (auth?.includes(Buffer.from(JSON.stringify({ exp: now + 60, n: 1 })).toString("base64url")) ? { status: 401, retryHeader: true } : { status: 200 }),
    });
    await page.goto(`${ORIGIN}/app?embedded=1&shop=a.myshopify.com&host=aG9zdA&id_token=${jwt(now + 5, 0)}`);
    expect(await page.evaluate(() => fetch("/data").then((r) => r.status))).toBe(200);
    expect(seen.tokenRequests).toEqual(["a.myshopify.com", "a.myshopify.com"]);
    expect(seen.dataAuth).toHaveLength(2);
    // A 401 without the retry header is the answer, not retried.
    const before = seen.dataAuth.length;
    await context.close();
    const second = await pageWith({ token: () => jwt(now + 60, 9), data: () => ({ status: 401 }) });
    await second.page.goto(`${ORIGIN}/app?embedded=1&shop=a.myshopify.com&host=aG9zdA&id_token=${jwt(now + 60, 8)}`);
    expect(await second.page.evaluate(() => fetch("/data").then((r) => r.status))).toBe(401);
    expect(second.seen.dataAuth).toHaveLength(1);
    expect(before).toBe(2);
    await second.context.close();
  });
});
