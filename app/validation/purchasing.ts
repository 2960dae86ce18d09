import { z } from "zod";
import { dbId, isoDate, optionalDate, positiveWhole, sku, wholeNumber } from "./common";

const rateMessage = "must be a number from 0 to 1 (the share of units that arrive on time)";

export const supplierShape = {
  name: z.string({ required_error: "is required", invalid_type_error: "must be text" }).trim().min(1, "is required").max(200, "is too long"),
  onTimeRate: z.preprocess(
    (v) => (typeof v === "string" && /^\s*\d*(\.\d+)?\s*$/.test(v) && v.trim() !== "" ? Number(v) : v),
    z.number({ invalid_type_error: rateMessage }).min(0, rateMessage).max(1, rateMessage),
  ),
  delayDays: wholeNumber(),
};

export const supplierCreateSchema = z
  .object({ ...supplierShape, onTimeRate: supplierShape.onTimeRate.default(1), delayDays: supplierShape.delayDays.default(0) })
  .strict();
export const supplierUpdateSchema = z
  .object({ name: supplierShape.name.optional(), onTimeRate: supplierShape.onTimeRate.optional(), delayDays: supplierShape.delayDays.optional() })
  .strict();

export type SupplierCreateInput = z.input<typeof supplierCreateSchema>;
export type SupplierUpdateInput = z.input<typeof supplierUpdateSchema>;

export const PO_STATUSES_EDITABLE = ["draft", "open"] as const;

export const poNumber = z.string({ required_error: "is required", invalid_type_error: "must be text" }).trim().min(1, "is required").max(100, "is too long");

export const poLineCreateSchema = z
  .object({
    itemId: dbId.optional(),
    sku: sku.optional(),
    quantity: positiveWhole(),
    /** A line-specific ETA when it differs from the order's. */
    eta: optionalDate,
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.itemId === undefined && l.sku === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["sku"], message: "is required (or itemId)" });
  });

export const purchaseOrderCreateSchema = z
  .object({
    number: poNumber,
    supplierId: z.preprocess((v) => (v === "" ? null : v), dbId.nullable().optional()),
    destinationLocationId: dbId,
    eta: isoDate,
    status: z.enum(PO_STATUSES_EDITABLE, { errorMap: () => ({ message: "must be draft or open" }) }).default("open"),
    lines: z.array(poLineCreateSchema, { required_error: "is required" }).min(1, "must have at least one line").max(5000, "has too many lines"),
  })
  .strict();

export type PurchaseOrderCreateInput = z.input<typeof purchaseOrderCreateSchema>;
export type PurchaseOrderCreate = z.output<typeof purchaseOrderCreateSchema>;

/** Editing dates and quantities; `lines[].id` names an existing line. */
export const purchaseOrderUpdateSchema = z
  .object({
    eta: isoDate.optional(),
    supplierId: z.preprocess((v) => (v === "" ? null : v), dbId.nullable().optional()),
    status: z.enum(["draft", "open", "cancelled"], { errorMap: () => ({ message: "must be draft, open or cancelled" }) }).optional(),
    lines: z
      .array(z.object({ id: dbId, quantity: positiveWhole().optional(), eta: optionalDate }).strict())
      .max(5000, "has too many lines")
      .optional(),
  })
  .strict();

export type PurchaseOrderUpdateInput = z.input<typeof purchaseOrderUpdateSchema>;

export const receiveSchema = z
  .array(z.object({ lineId: dbId, quantity: positiveWhole() }).strict(), { invalid_type_error: "must be a list of {lineId, quantity}" })
  .min(1, "must receive at least one line");

export type ReceiveInput = z.input<typeof receiveSchema>;

/**
 * PO CSV: one row per line; rows with the same `po_number` form one order, whose supplier,
 * location and eta must agree. `location` is a Shopify location id or exact name; `supplier` the
 * name of an existing supplier (never created by an import: a typo must not invent one).
 */
export const PO_CSV_COLUMNS = { required: ["po_number", "location", "sku", "quantity", "eta"], optional: ["supplier", "line_eta"] };

export const poCsvRowSchema = z.object({
  po_number: poNumber,
  supplier: z.string().trim().default(""),
  location: z.string().trim().min(1, "is required"),
  sku,
  quantity: positiveWhole(),
  eta: isoDate,
  line_eta: optionalDate,
});

export type PoCsvRow = z.output<typeof poCsvRowSchema>;
