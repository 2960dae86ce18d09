/**
 * The replay's `app` block (replay-format.md): configuration in the scenario vocabulary, with
 * facilities and publish targets as Shopify location ids and rules, holdbacks and POs naming SKUs.
 * Built from the same field schemas as the admin forms, so a bad value reads the same everywhere.
 */
import { z } from "zod";
import { channelKey, channelPolicyShape, orderMatchSchema } from "./channel";
import { isoDate, note, optionalDate, optionalWhole, positiveWhole, refineDateRange, shopifyId, sku, wholeNumber } from "./common";
import { poNumber, supplierShape } from "./purchasing";
import { atLeastOneSetting } from "./rule";

const shopifyIds = z
  .array(shopifyId, { required_error: "is required", invalid_type_error: "must be a list of Shopify location ids" })
  .min(1, "must name at least one facility")
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `location ${id} is listed twice` });
      seen.add(id);
    });
  });

export const appChannelSchema = z
  .object({
    id: channelKey,
    ...channelPolicyShape,
    facilities: shopifyIds,
    orders: orderMatchSchema.default({}),
    publish: z
      .union([z.literal("in-place"), z.object({ location: shopifyId }).strict()], {
        errorMap: () => ({ message: 'must be {"location": <Shopify location id>} or "in-place"' }),
      })
      .default("in-place"),
  })
  .strict()
  .superRefine(refineDateRange("liveFrom", "liveUntil"));

const targetSchema = z
  .object({
    sku: sku.optional(),
    product: shopifyId.optional(),
    collection: z.string().trim().min(1, "must not be empty").optional(),
    tag: z.string().trim().min(1, "must not be empty").optional(),
    vendor: z.string().trim().min(1, "must not be empty").optional(),
  })
  .strict()
  .refine((t) => Object.values(t).filter((v) => v !== undefined).length <= 1, "must name at most one of sku, product, collection, tag, vendor");

const percentOrNull = z
  .number({ invalid_type_error: "must be a whole number from 0 to 100" })
  .int("must be a whole number from 0 to 100")
  .min(0, "must be a whole number from 0 to 100")
  .max(100, "must be a whole number from 0 to 100")
  .nullable()
  .optional();

export const appRuleSchema = z
  .object({
    id: z.string().optional(),
    channel: channelKey,
    target: targetSchema.default({}),
    percent: percentOrNull,
    cap: optionalWhole(),
    zeroBelow: optionalWhole(),
    safetyStock: optionalWhole(),
    liveFrom: optionalDate,
    liveUntil: optionalDate,
  })
  .strict()
  .superRefine(refineDateRange("liveFrom", "liveUntil"))
  .superRefine(atLeastOneSetting);

export const appHoldbackSchema = z
  .object({
    id: z.string().optional(),
    sku,
    channel: channelKey.nullable().optional(),
    qty: wholeNumber(),
    facility: shopifyId.nullable().optional(),
    from: optionalDate,
    until: optionalDate,
    note,
  })
  .strict()
  .superRefine(refineDateRange("from", "until"));

export const appSupplierSchema = z
  .object({
    /** The supplier's name. */
    id: supplierShape.name,
    onTimeRate: supplierShape.onTimeRate.default(1),
    delayDays: supplierShape.delayDays.default(0),
  })
  .strict();

export const appPurchaseOrderSchema = z
  .object({
    /** The PO number. */
    id: poNumber,
    supplier: z.string().trim().min(1).nullable().optional(),
    facility: shopifyId,
    eta: isoDate,
    status: z.enum(["draft", "open"], { errorMap: () => ({ message: "must be draft or open" }) }).default("open"),
    lines: z
      .array(z.object({ sku, qty: positiveWhole(), eta: optionalDate }).strict(), { required_error: "is required" })
      .min(1, "must have at least one line"),
  })
  .strict();

export const appConfigSchema = z
  .object({
    channels: z.array(appChannelSchema).default([]),
    rules: z.array(appRuleSchema).default([]),
    holdbacks: z.array(appHoldbackSchema).default([]),
    suppliers: z.array(appSupplierSchema).default([]),
    purchaseOrders: z.array(appPurchaseOrderSchema).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const unique = (section: "channels" | "suppliers" | "purchaseOrders", ids: string[], what: string) => {
      const first = new Map<string, number>();
      ids.forEach((id, i) => {
        const f = first.get(id);
        if (f !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [section, i, "id"], message: `duplicate ${what} "${id}" (also ${section}[${f}])` });
        else first.set(id, i);
      });
    };
    unique("channels", c.channels.map((x) => x.id), "channel id");
    unique("suppliers", c.suppliers.map((x) => x.id), "supplier id");
    unique("purchaseOrders", c.purchaseOrders.map((x) => x.id), "purchase order id");
  });

export type AppConfigInput = z.input<typeof appConfigSchema>;
export type AppConfig = z.output<typeof appConfigSchema>;
