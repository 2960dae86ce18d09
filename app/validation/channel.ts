import { z } from "zod";
import { dbId, optionalDate, optionalWhole, percentField, positiveWhole, refineDateRange, shopifyId, wholeNumber } from "./common";

export const CHANNEL_MODES = ["shared", "ringfenced"] as const;

export const channelKey = z
  .string({ required_error: "is required", invalid_type_error: "must be a text key" })
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be 1 to 63 lower-case letters, digits, - or _, starting with a letter or digit");

const textList = (what: string) =>
  z.array(z.string({ invalid_type_error: `must be a ${what}` }).trim().min(1, `must not be empty`).max(255, "is too long")).max(100, "has too many entries");

/** Which orders belong to the channel: an order matches when any of these does. */
export const orderMatchSchema = z
  .object({
    sourceNames: textList("source name").default([]),
    appIds: z.array(shopifyId).max(100, "has too many entries").default([]),
    b2b: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    posLocationIds: z.array(shopifyId).max(100, "has too many entries").default([]),
    tags: textList("tag").default([]),
  })
  .strict();

export type OrderMatchInput = z.input<typeof orderMatchSchema>;
export type OrderMatch = z.output<typeof orderMatchSchema>;

/** Exposure and commitment fields shared by the admin form and the replay config. */
export const channelPolicyShape = {
  name: z.string({ invalid_type_error: "must be text" }).trim().min(1, "must not be empty").max(100, "is too long").optional(),
  priority: positiveWhole(),
  promiseWindowDays: wholeNumber(),
  safetyStock: wholeNumber().default(0),
  mode: z.enum(CHANNEL_MODES, { errorMap: () => ({ message: `must be one of ${CHANNEL_MODES.join(", ")}` }) }).default("shared"),
  percent: percentField.default(100),
  cap: optionalWhole(),
  zeroBelow: wholeNumber().default(0),
  liveFrom: optionalDate,
  liveUntil: optionalDate,
};

export const publishSchema = z.discriminatedUnion(
  "kind",
  [z.object({ kind: z.literal("location"), locationId: dbId }).strict(), z.object({ kind: z.literal("in_place") }).strict()],
  { errorMap: () => ({ message: 'must be {kind: "location", locationId} or {kind: "in_place"}' }) },
);

export type PublishInput = z.output<typeof publishSchema>;

const facilityIds = z
  .array(dbId, { required_error: "is required", invalid_type_error: "must be a list of location ids" })
  .min(1, "must name at least one facility")
  .max(200, "has too many entries")
  .superRefine((ids, ctx) => {
    const seen = new Set<number>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `location ${id} is listed twice` });
      seen.add(id);
    });
  });

const channelObject = z
  .object({
    key: channelKey,
    ...channelPolicyShape,
    facilityIds,
    orders: orderMatchSchema.default({}),
    publish: publishSchema.default({ kind: "in_place" }),
  })
  .strict();

/** Creating a channel (admin form). Facility and publish ids are the app's location ids. */
export const channelCreateSchema = channelObject.superRefine(refineDateRange("liveFrom", "liveUntil"));

/** Updating a channel: any subset of the fields (the key cannot change: scenarios and URLs name it). */
export const channelUpdateSchema = channelObject
  .omit({ key: true })
  .extend({
    priority: channelPolicyShape.priority.optional(),
    promiseWindowDays: channelPolicyShape.promiseWindowDays.optional(),
    safetyStock: wholeNumber().optional(),
    mode: z.enum(CHANNEL_MODES, { errorMap: () => ({ message: `must be one of ${CHANNEL_MODES.join(", ")}` }) }).optional(),
    percent: percentField.optional(),
    zeroBelow: wholeNumber().optional(),
    facilityIds: facilityIds.optional(),
    orders: orderMatchSchema.optional(),
    publish: publishSchema.optional(),
  })
  .strict()
  .superRefine(refineDateRange("liveFrom", "liveUntil"));

export type ChannelCreateInput = z.input<typeof channelCreateSchema>;
export type ChannelCreate = z.output<typeof channelCreateSchema>;
export type ChannelUpdateInput = z.input<typeof channelUpdateSchema>;
export type ChannelUpdate = z.output<typeof channelUpdateSchema>;
