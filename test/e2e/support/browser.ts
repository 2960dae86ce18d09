import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Debian's chromium driven by playwright-core (never a downloaded browser). Headless Chromium's
 * user agent says HeadlessChrome, which the Shopify library answers with 410, so contexts send a
 * normal desktop Chrome user agent.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
export const SCREENSHOTS = fileURLToPath(new URL("../../../test-results/screenshots", import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and failed same-origin requests seen so far. */
  problems: string[];
}

/** A fresh context and page that refuses every request leaving the app's own origin (offline). */
export async function openPage(browser: Browser, appUrl: string): Promise<Watched> {
  const context = await browser.newContext({ userAgent: DESKTOP_UA, viewport: { width: 1280, height: 900 } });
  const origin = new URL(appUrl).origin;
  await context.route(
    (url) => url.origin !== origin && !url.hostname.endsWith("localhost"),
    (route) => route.abort("blockedbyclient"),
  );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (res) => {
    if (res.url().startsWith(origin) && res.status() >= 500) problems.push(`${res.status()} from ${res.url()}`);
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string, dir = SCREENSHOTS, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}
