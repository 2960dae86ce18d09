/**
 * The channel form's state and its mapping to the channel schemas' input: the browser and the
 * action both build the same object from the same state, and the same schema checks it.
 */
import type { ChannelCreateInput, ChannelUpdateInput } from "../validation/channel";
import { joinList, numberText, splitList } from "./forms";

export interface ChannelFormState {
  key: string;
  name: string;
  priority: string;
  promiseWindowDays: string;
  safetyStock: string;
  mode: "shared" | "ringfenced";
  percent: string;
  cap: string;
  zeroBelow: string;
  liveFrom: string;
  liveUntil: string;
  /** App location ids (as strings: ChoiceList values). */
  facilityIds: string[];
  sourceNames: string;
  appIds: string;
  b2b: boolean;
  /** Shopify location ids of POS locations. */
  posLocationIds: string[];
  tags: string;
  publishKind: "location" | "in_place";
  publishLocationId: string;
}

export interface ChannelLike {
  key: string;
  name: string;
  priority: number;
  promiseWindowDays: number;
  safetyStock: number;
  mode: "shared" | "ringfenced";
  percent: number;
  cap: number | null;
  zeroBelow: number;
  liveFrom: string | null;
  liveUntil: string | null;
  facilities: { id: number }[];
  orders: { sourceNames: string[]; appIds: string[]; b2b: boolean; posLocationIds: string[]; tags: string[] };
  publish: { kind: "location"; location: { id: number } } | { kind: "in_place" };
}

/** The channel schema's field names as the form calls them (see inWords). */
export const CHANNEL_WORDS: Record<string, string> = {
  liveFrom: "the live-from date",
  liveUntil: "the live-until date",
  zeroBelow: "out-of-stock threshold",
  promiseWindowDays: "promise window",
  safetyStock: "safety stock",
};

export const EMPTY_CHANNEL: ChannelFormState = {
  key: "",
  name: "",
  priority: "1",
  promiseWindowDays: "0",
  safetyStock: "0",
  mode: "shared",
  percent: "100",
  cap: "",
  zeroBelow: "0",
  liveFrom: "",
  liveUntil: "",
  facilityIds: [],
  sourceNames: "",
  appIds: "",
  b2b: false,
  posLocationIds: [],
  tags: "",
  publishKind: "in_place",
  publishLocationId: "",
};

export function channelToState(c: ChannelLike): ChannelFormState {
  return {
    key: c.key,
    name: c.name,
    priority: String(c.priority),
    promiseWindowDays: String(c.promiseWindowDays),
    safetyStock: String(c.safetyStock),
    mode: c.mode,
    percent: String(c.percent),
    cap: numberText(c.cap),
    zeroBelow: String(c.zeroBelow),
    liveFrom: c.liveFrom ?? "",
    liveUntil: c.liveUntil ?? "",
    facilityIds: c.facilities.map((f) => String(f.id)),
    sourceNames: joinList(c.orders.sourceNames),
    appIds: joinList(c.orders.appIds),
    b2b: c.orders.b2b,
    posLocationIds: c.orders.posLocationIds,
    tags: joinList(c.orders.tags),
    publishKind: c.publish.kind,
    publishLocationId: c.publish.kind === "location" ? String(c.publish.location.id) : "",
  };
}

function common(s: ChannelFormState) {
  return {
    name: s.name.trim() === "" ? undefined : s.name,
    priority: s.priority,
    promiseWindowDays: s.promiseWindowDays,
    safetyStock: s.safetyStock,
    mode: s.mode,
    percent: s.percent,
    cap: s.cap,
    zeroBelow: s.zeroBelow,
    liveFrom: s.liveFrom,
    liveUntil: s.liveUntil,
    facilityIds: s.facilityIds,
    orders: {
      sourceNames: splitList(s.sourceNames),
      appIds: splitList(s.appIds),
      b2b: s.b2b,
      posLocationIds: s.posLocationIds,
      tags: splitList(s.tags),
    },
    publish: s.publishKind === "location" ? { kind: "location" as const, locationId: s.publishLocationId } : { kind: "in_place" as const },
  };
}

export function channelCreateInput(s: ChannelFormState): ChannelCreateInput {
  return { key: s.key, ...common(s) } as ChannelCreateInput;
}

export function channelUpdateInput(s: ChannelFormState): ChannelUpdateInput {
  return common(s) as ChannelUpdateInput;
}
