import { z } from "zod";
import { dbId, note, optionalDate, refineDateRange, sku, wholeNumber } from "./common";

const holdbackShape = {
  quantity: wholeNumber(),
  /** Beneficiary channel; null or absent: held from every channel (a promo hold). */
  channelId: z.preprocess((v) => (v === "" ? null : v), dbId.nullable().optional()),
  /** Facility the units are held at; null or absent: anywhere in scope. */
  locationId: z.preprocess((v) => (v === "" ? null : v), dbId.nullable().optional()),
  from: optionalDate,
  until: optionalDate,
  note,
};

/** The item is named either by the app's id or by SKU (what a CSV or replay gives). */
export const holdbackCreateSchema = z
  .object({ itemId: dbId.optional(), sku: sku.optional(), ...holdbackShape })
  .strict()
  .superRefine((h, ctx) => {
    if (h.itemId === undefined && h.sku === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["sku"], message: "is required (or itemId)" });
  })
  .superRefine(refineDateRange("from", "until"));

export const holdbackUpdateSchema = z
  .object({
    quantity: holdbackShape.quantity.optional(),
    channelId: holdbackShape.channelId,
    locationId: holdbackShape.locationId,
    from: optionalDate,
    until: optionalDate,
    note,
  })
  .strict()
  .superRefine(refineDateRange("from", "until"));

export type HoldbackCreateInput = z.input<typeof holdbackCreateSchema>;
export type HoldbackCreate = z.output<typeof holdbackCreateSchema>;
export type HoldbackUpdateInput = z.input<typeof holdbackUpdateSchema>;
export type HoldbackUpdate = z.output<typeof holdbackUpdateSchema>;

export const HOLDBACK_CSV_COLUMNS = { required: ["sku", "quantity"], optional: ["channel", "location", "from", "until", "note"] };

/**
 * One CSV row as text. `channel` is a channel key (empty: nobody); `location` a Shopify location
 * id or the location's exact name (empty: anywhere). References are checked by the service.
 */
export const holdbackCsvRowSchema = z
  .object({
    sku,
    channel: z.string().trim().default(""),
    quantity: wholeNumber(),
    location: z.string().trim().default(""),
    from: optionalDate,
    until: optionalDate,
    note,
  })
  .superRefine(refineDateRange("from", "until"));

export type HoldbackCsvRow = z.output<typeof holdbackCsvRowSchema>;
