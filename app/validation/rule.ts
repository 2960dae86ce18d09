import { z } from "zod";
import { dbId, optionalDate, optionalWhole, refineDateRange, type FieldIssue } from "./common";

export const RULE_TARGET_KINDS = ["all", "variant", "product", "collection", "tag", "vendor"] as const;
export type RuleTargetKind = (typeof RULE_TARGET_KINDS)[number];

const percentOrNull = z.preprocess(
  (v) => (typeof v === "string" ? (v.trim() === "" ? null : /^\s*\d+\s*$/.test(v) ? Number(v) : v) : v),
  z
    .number({ invalid_type_error: "must be a whole number from 0 to 100" })
    .int("must be a whole number from 0 to 100")
    .min(0, "must be a whole number from 0 to 100")
    .max(100, "must be a whole number from 0 to 100")
    .nullable()
    .optional(),
);

/**
 * What a rule applies to: a variant (by SKU), a product (Shopify product id), a collection
 * (handle), a tag, a vendor, or every item of the channel (`all`, no value).
 */
export const ruleTargetSchema = z
  .object({
    kind: z.enum(RULE_TARGET_KINDS, { errorMap: () => ({ message: `must be one of ${RULE_TARGET_KINDS.join(", ")}` }) }),
    value: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? null : v), z.string().trim().max(255, "is too long").nullable().optional()),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.kind === "all" && t.value) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: "must be empty for a rule on every item" });
    if (t.kind !== "all" && !t.value) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: `is required for a ${t.kind} rule` });
    if (t.kind === "product" && t.value && !/^[1-9]\d{0,19}$/.test(t.value))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["value"], message: "must be a Shopify product id" });
  });

export const RULE_SETTINGS = ["percent", "cap", "zeroBelow", "safetyStock", "liveFrom", "liveUntil"] as const;

const settingsShape = {
  percent: percentOrNull,
  cap: optionalWhole(),
  zeroBelow: optionalWhole(),
  safetyStock: optionalWhole(),
  liveFrom: optionalDate,
  liveUntil: optionalDate,
};

/** A rule that sets nothing would be a no-op in the list; also checked on the merged result of an update. */
export function ruleSettingsIssues(rule: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (RULE_SETTINGS.every((f) => rule[f] === null || rule[f] === undefined)) {
    issues.push({ path: "percent", message: `a rule must set at least one of ${RULE_SETTINGS.join(", ")}` });
  }
  const from = rule.liveFrom;
  const until = rule.liveUntil;
  if (typeof from === "string" && typeof until === "string" && until < from) issues.push({ path: "liveUntil", message: `must be on or after liveFrom (${from})` });
  return issues;
}

function atLeastOneSetting(rule: Record<string, unknown>, ctx: z.RefinementCtx) {
  for (const i of ruleSettingsIssues(rule)) if (i.path === "percent") ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i.path], message: i.message });
}

export const ruleCreateSchema = z
  .object({ channelId: dbId, target: ruleTargetSchema, ...settingsShape })
  .strict()
  .superRefine(refineDateRange("liveFrom", "liveUntil"))
  .superRefine(atLeastOneSetting);

/** A patch: absent fields stay, null clears a setting. */
export const ruleUpdateSchema = z
  .object({ target: ruleTargetSchema.optional(), ...settingsShape })
  .strict()
  .superRefine(refineDateRange("liveFrom", "liveUntil"));

export type RuleCreateInput = z.input<typeof ruleCreateSchema>;
export type RuleCreate = z.output<typeof ruleCreateSchema>;
export type RuleUpdateInput = z.input<typeof ruleUpdateSchema>;
export type RuleUpdate = z.output<typeof ruleUpdateSchema>;
export type RuleTarget = z.output<typeof ruleTargetSchema>;

export { atLeastOneSetting };
