import { z } from "zod";
import { channelKey } from "./channel";
import { optionalDate, positiveWhole, sku } from "./common";

/**
 * "Can I promise 480 of this SKU to wholesale on the 28th? If not, when?" The admin form and the
 * `api.promise` endpoint take the same fields. No date: today in the shop's time zone.
 */
export const promiseCheckSchema = z
  .object({
    sku,
    channel: channelKey,
    quantity: positiveWhole(),
    date: optionalDate,
  })
  .strict();

export type PromiseCheckInput = z.input<typeof promiseCheckSchema>;
export type PromiseCheck = z.output<typeof promiseCheckSchema>;
