/**
 * Which order lines are pre-orders, by the conventions Shopify merchants and pre-order apps use
 * (Shopify itself has no pre-order field). Pure. A line is a pre-order when any of:
 *   - its order carries the tag `pre-order` or `preorder` (any case; `pre order` and `pre_order` too);
 *   - the line item property `_preorder` or `Pre-order` (any case, same spellings, with or
 *     without the leading underscore) has a truthy value;
 *   - the line is sold with a selling plan whose name mentions pre-order.
 * Truthy property values: anything but empty, "0", "false", "no", "off" (any case), false, 0, null.
 */

export interface PreorderLineFacts {
  /** Line item properties as Shopify sends them: `[{ name, value }]`; anything else is ignored. */
  properties?: unknown;
  /** The name of the selling plan the line was sold with, when the payload carries one. */
  sellingPlanName?: string | null;
}

const PREORDER_WORD = /^_?pre[-_ ]?order$/i;
const MENTIONS_PREORDER = /\bpre[-_ ]?orders?\b/i;
const FALSY = new Set(["", "0", "false", "no", "off", "n"]);

export function isPreorderTag(tag: string): boolean {
  return PREORDER_WORD.test(tag.trim()) && !tag.trim().startsWith("_");
}

function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0) return false;
  if (typeof value === "string") return !FALSY.has(value.trim().toLowerCase());
  return true;
}

function propertySaysPreorder(properties: unknown): boolean {
  if (!Array.isArray(properties)) return false;
  return properties.some((p) => {
    if (typeof p !== "object" || p === null) return false;
    const { name, value } = p as { name?: unknown; value?: unknown };
    return typeof name === "string" && PREORDER_WORD.test(name.trim()) && truthy(value);
  });
}

export function orderIsPreorder(tags: readonly string[]): boolean {
  return tags.some(isPreorderTag);
}

export function lineIsPreorder(line: PreorderLineFacts): boolean {
  return propertySaysPreorder(line.properties) || (typeof line.sellingPlanName === "string" && MENTIONS_PREORDER.test(line.sellingPlanName));
}

/** The order's flag (from its tags) and each line's own flag (from properties or selling plan). */
export function classifyPreorders(tags: readonly string[], lines: readonly PreorderLineFacts[]): { order: boolean; lines: boolean[] } {
  return { order: orderIsPreorder(tags), lines: lines.map(lineIsPreorder) };
}
