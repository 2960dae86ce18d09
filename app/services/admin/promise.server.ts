import type { PrismaClient } from "@prisma/client";
import { atpOnDay, earliestDay, formatDay, parseDay } from "../../domain/index";
import { NotFoundError, parseOrThrow, ValidationError, type FieldIssue } from "../../validation/common";
import { promiseCheckSchema } from "../../validation/promise";
import { evaluateItemNow } from "../availability.server";
import { itemsBySku, resolveSku } from "../config/lookups.server";

export interface PromiseResult {
  sku: string;
  channel: { id: number; key: string; name: string };
  quantity: number;
  date: string;
  asOf: string;
  /** ATP for the channel on `date`. */
  atp: number;
  canPromise: boolean;
  /** First day the whole quantity can be promised; null when no known supply covers it. */
  earliestDate: string | null;
  /** The day whose projected balance limits ATP on `date`. */
  bindingDate: string;
  /** ATP today, for comparison. */
  atpToday: number;
}

/**
 * Answers a promise check from the same evaluation the recompute worker runs (same inputs, same
 * pools), kept with its timeline: ATP on the day is the lowest projected balance from that day on.
 */
export async function checkPromise(prisma: PrismaClient, shopId: number, input: unknown, now = new Date()): Promise<PromiseResult> {
  const data = parseOrThrow(promiseCheckSchema, input);
  const issues: FieldIssue[] = [];
  const itemId = resolveSku(await itemsBySku(shopId, [data.sku], prisma), data.sku, "sku", issues);
  const channel = await prisma.channel.findFirst({ where: { shopId, key: data.channel }, select: { id: true, key: true, name: true, archivedAt: true } });
  if (!channel) issues.push({ path: "channel", message: `unknown channel "${data.channel}"` });
  else if (channel.archivedAt) issues.push({ path: "channel", message: `channel "${channel.name}" is archived` });
  if (issues.length > 0 || itemId === null || !channel) throw new ValidationError(issues);

  const ev = await evaluateItemNow(prisma, shopId, itemId, { now, timeline: true });
  if (!ev.result) {
    throw new ValidationError([{ path: "sku", message: `no availability can be computed for "${data.sku}": ${ev.skipped ?? "unknown reason"}` }]);
  }
  const c = ev.net.channelIndex.get(String(channel.id));
  if (c === undefined) throw new NotFoundError("channel", channel.key);
  const asOf = parseDay(ev.asOf);
  const date = data.date ?? ev.asOf;
  if (date < ev.asOf) throw new ValidationError([{ path: "date", message: `must be today (${ev.asOf}) or later` }]);
  const day = parseDay(date) - asOf;
  const on = atpOnDay(ev.result, c, day);
  on.atp = Math.floor(on.atp);
  const first = earliestDay(ev.result, c, data.quantity);
  return {
    sku: data.sku,
    channel: { id: channel.id, key: channel.key, name: channel.name },
    quantity: data.quantity,
    date,
    asOf: ev.asOf,
    atp: on.atp,
    canPromise: data.quantity <= on.atp,
    earliestDate: first === null ? null : formatDay(asOf + first),
    bindingDate: formatDay(asOf + on.bindingDay),
    atpToday: Math.floor(atpOnDay(ev.result, c, 0).atp),
  };
}
