/** The exposure rule form's state and its mapping to the rule schemas' input (browser and server alike). */
import type { RuleCreateInput, RuleTargetKind, RuleUpdateInput } from "../validation/rule";
import { numberText } from "./forms";

export interface RuleFormState {
  channelId: string;
  targetKind: RuleTargetKind;
  targetValue: string;
  percent: string;
  cap: string;
  zeroBelow: string;
  safetyStock: string;
  liveFrom: string;
  liveUntil: string;
}

export interface RuleLike {
  channelId: number;
  target: { kind: RuleTargetKind; value: string | null };
  percent: number | null;
  cap: number | null;
  zeroBelow: number | null;
  safetyStock: number | null;
  liveFrom: string | null;
  liveUntil: string | null;
}

export const TARGET_LABELS: Record<RuleTargetKind, { label: string; value: string; help: string }> = {
  all: { label: "Every product (the channel's default split)", value: "", help: "" },
  variant: { label: "A variant", value: "SKU, e.g. TEE-BLK-M", help: "The variant's SKU, exactly as in Shopify." },
  product: {
    label: "A product",
    value: "Shopify product id, e.g. 7712345678901",
    help: "The number at the end of the product's address in Shopify admin (…/products/7712345678901).",
  },
  collection: { label: "A collection", value: "Collection handle, e.g. summer-drop", help: "The collection's handle: the last part of its web address." },
  tag: { label: "Products with a tag", value: "Tag, e.g. limited", help: "Every product with this tag, as typed in Shopify." },
  vendor: { label: "Products of a vendor", value: "Vendor name, e.g. Acme", help: "Every product of this vendor, as typed in Shopify." },
};

/** The rule schema's field names as the form calls them (see inWords). */
export const RULE_WORDS: Record<string, string> = {
  zeroBelow: "out-of-stock threshold",
  safetyStock: "safety stock",
  liveFrom: "the live-from date",
  liveUntil: "the live-until date",
};

export function emptyRule(channelId: string): RuleFormState {
  return { channelId, targetKind: "all", targetValue: "", percent: "", cap: "", zeroBelow: "", safetyStock: "", liveFrom: "", liveUntil: "" };
}

export function ruleToState(r: RuleLike): RuleFormState {
  return {
    channelId: String(r.channelId),
    targetKind: r.target.kind,
    targetValue: r.target.value ?? "",
    percent: numberText(r.percent),
    cap: numberText(r.cap),
    zeroBelow: numberText(r.zeroBelow),
    safetyStock: numberText(r.safetyStock),
    liveFrom: r.liveFrom ?? "",
    liveUntil: r.liveUntil ?? "",
  };
}

function settings(s: RuleFormState) {
  return { percent: s.percent, cap: s.cap, zeroBelow: s.zeroBelow, safetyStock: s.safetyStock, liveFrom: s.liveFrom, liveUntil: s.liveUntil };
}

export function ruleCreateInput(s: RuleFormState): RuleCreateInput {
  return { channelId: s.channelId, target: { kind: s.targetKind, value: s.targetValue }, ...settings(s) } as RuleCreateInput;
}

/** An empty setting is sent as "" which the schema reads as "clear it". */
export function ruleUpdateInput(s: RuleFormState): RuleUpdateInput {
  return { target: { kind: s.targetKind, value: s.targetValue }, ...settings(s) } as RuleUpdateInput;
}

/** A target as a sentence fragment; product ids are shown by the product's title when known. */
export function targetText(kind: RuleTargetKind, value: string | null, productTitles: Record<string, string> = {}): string {
  switch (kind) {
    case "all":
      return "Every product";
    case "variant":
      return `Variant ${value}`;
    case "product":
      return value && productTitles[value] ? `Product “${productTitles[value]}”` : `Product ${value}`;
    case "collection":
      return `Collection ${value}`;
    case "tag":
      return `Tag ${value}`;
    case "vendor":
      return `Vendor ${value}`;
  }
}
