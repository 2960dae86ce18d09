import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { demoStore } from "../../../scripts/lib/demo-store";
import { installAndConfigure } from "../../../scripts/lib/replay-run";
import { startStack, type Stack } from "../../../scripts/lib/stack";
import { parseStore } from "../../shopify-double";
import { launchChromium } from "./browser";

/**
 * The demo for browser tests: the real stack in demo mode (DEMO_MODE, the double's session-token
 * endpoint), the demo apparel store installed and configured, and a second shop with its own data
 * (for the cross-shop test). Shop domains are unique so a shared database cannot mix runs.
 */

export interface DemoStack {
  stack: Stack;
  browser: Browser;
  shop: string;
  shopId: number;
  otherShop: string;
  otherShopId: number;
  /** Opens `path` in the embedded admin the way the demo's printed URL does. */
  open(page: Page, path: string, shop?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoStack(): Promise<DemoStack> {
  const tag = randomBytes(3).toString("hex");
  const today = new Date().toISOString().slice(0, 10);
  const store = { ...demoStore(today), shop: `e2e-apparel-${tag}.myshopify.com` };
  const other = { ...demoStore(today), shop: `e2e-other-${tag}.myshopify.com`, name: "Another merchant" };
  const stack = await startStack({ workers: 1, env: { DEMO_MODE: "true" }, double: { sessionTokenEndpoint: true, productUpdateWebhooks: false } });
  try {
    const a = await installAndConfigure(stack, { store: parseStore(store), app: null, appInput: store.app, script: [] });
    // The other shop has the same catalogue ids in Shopify but no configuration of its own.
    const b = await installAndConfigure(stack, { store: parseStore(other), app: null, appInput: undefined, script: [] });
    const browser = await launchChromium();
    return {
      stack,
      browser,
      shop: a.shop,
      shopId: a.shopId,
      otherShop: b.shop,
      otherShopId: b.shopId,
      async open(page, path, shop = a.shop) {
        await page.goto(`${stack.appUrl}/demo/launch?shop=${encodeURIComponent(shop)}&to=${encodeURIComponent(path)}`);
        await page.waitForLoadState("networkidle");
      },
      async close() {
        await browser.close().catch(() => undefined);
        await stack.close();
      },
    };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
