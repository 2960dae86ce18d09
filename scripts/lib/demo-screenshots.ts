import { launchChromium, openPage, screenshot } from "../../test/e2e/support/browser";
import { checkPromise, previewRule } from "../../test/e2e/support/pages";
import { addDays } from "./demo-store";
import type { Stack } from "./stack";

/**
 * `npm run demo -- --screenshots DIR`: the README's pictures, taken from the running demo in
 * Debian's chromium (dashboard, a channel, the rule preview, a product's inventory view and the
 * promise check). Returns the files written.
 */
export async function takeDemoScreenshots(stack: Stack, shop: string, shopId: number, dir: string, today: string): Promise<string[]> {
  const browser = await launchChromium();
  const files: string[] = [];
  try {
    const { context, page, problems } = await openPage(browser, stack.appUrl);
    const open = async (path: string) => {
      await page.goto(`${stack.appUrl}/demo/launch?shop=${encodeURIComponent(shop)}&to=${encodeURIComponent(path)}`);
      await page.waitForLoadState("networkidle");
    };
    const amazon = await stack.prisma.channel.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "amazon" } }, select: { id: true } });
    await open("/app");
    files.push(await screenshot(page, "dashboard", dir));
    await open(`/app/channels/${amazon.id}`);
    files.push(await screenshot(page, "channel", dir));
    await open("/app/exposure-rules/new");
    await previewRule(page, { channel: "Online Store", tag: "core", cap: 5 });
    files.push(await screenshot(page, "rule-preview", dir));
    await open("/app/products/7001");
    // The first variant is the picture; the whole page (every size) is several screens tall.
    await page.setViewportSize({ width: 1280, height: 1500 });
    files.push(await screenshot(page, "product-inventory", dir, { fullPage: false }));
    await page.setViewportSize({ width: 1280, height: 900 });
    await open("/app/promise-check");
    await checkPromise(page, { sku: "TEE-BLK-M", channel: "Wholesale", quantity: 150, date: addDays(today, 7) });
    files.push(await screenshot(page, "promise-check", dir));
    await context.close();
    if (problems.length > 0) throw new Error(`the pages reported problems: ${problems.join("; ")}`);
    return files;
  } finally {
    await browser.close();
  }
}
