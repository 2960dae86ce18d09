import type { Page } from "playwright-core";

/**
 * The interactions the browser tests and the demo's README screenshots share: what a merchant
 * does on the page, by the labels the page shows.
 */

/** Fills a new exposure rule and asks for its preview; resolves once the preview is shown. */
export async function previewRule(page: Page, rule: { channel: string; tag: string; cap: number }): Promise<void> {
  await page.getByLabel("Channel").selectOption({ label: rule.channel });
  await page.getByLabel("Applies to").selectOption("tag");
  await page.getByLabel("Which one").fill(rule.tag);
  await page.getByLabel("Cap (units)").fill(String(rule.cap));
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByText("If you save this rule").waitFor();
}

/** Asks the promise check; resolves with the verdict once the answer is shown. */
export async function checkPromise(page: Page, q: { sku: string; channel: string; quantity: number; date: string }): Promise<"Can promise" | "Cannot promise"> {
  await page.getByLabel("SKU").fill(q.sku);
  await page.getByLabel("Channel").selectOption({ label: q.channel });
  await page.getByLabel("Quantity").fill(String(q.quantity));
  await page.getByLabel("Ship date").fill(q.date);
  await page.getByRole("button", { name: "Check", exact: true }).click();
  const verdict = page.getByText(/^(Can promise|Cannot promise)$/);
  await page.getByText(`${q.quantity} × ${q.sku}`).waitFor();
  return (await verdict.first().textContent()) as "Can promise" | "Cannot promise";
}
