import type { Prisma } from "@prisma/client";
import type { RuleDef } from "../../domain/index";
import { diffAvailability, type AvailabilityDiffRow } from "../../domain/config-preview";
import type { Db } from "../../models/audit.server";
import { deleteRuleRow, findRule, insertRule, listRules as listRuleRows, updateRuleRow, type RuleRow } from "../../models/rules.server";
import { dateFromDb, dateToDb, NotFoundError, parseOrThrow, ValidationError, type FieldIssue } from "../../validation/common";
import { ruleCreateSchema, ruleSettingsIssues, ruleUpdateSchema, type RuleTarget, type RuleTargetKind } from "../../validation/rule";
import { asOfFor, clockOf, dbOf, runChange, type ConfigContext } from "./context.server";
import { itemNames } from "./lookups.server";
import type { NetworkConfig } from "../../models/network.server";
import { evaluateItemNow, ruleDefs, shopNetwork, withRules } from "../availability.server";

export interface RuleView {
  id: number;
  channelId: number;
  channel: string;
  target: { kind: RuleTargetKind; value: string | null };
  percent: number | null;
  cap: number | null;
  zeroBelow: number | null;
  safetyStock: number | null;
  liveFrom: string | null;
  liveUntil: string | null;
  createdAt: string;
}

export function ruleView(r: RuleRow): RuleView {
  return {
    id: r.id,
    channelId: r.channelId,
    channel: r.channel.key,
    target: { kind: r.targetKind, value: r.targetValue },
    percent: r.percent,
    cap: r.cap,
    zeroBelow: r.zeroBelow,
    safetyStock: r.safetyStock,
    liveFrom: dateFromDb(r.liveFrom),
    liveUntil: dateFromDb(r.liveUntil),
    createdAt: r.createdAt.toISOString(),
  };
}

/** A rule's settings with dates as strings, the shape the schemas check. */
function specOf(r: RuleRow): Record<string, unknown> {
  return {
    percent: r.percent,
    cap: r.cap,
    zeroBelow: r.zeroBelow,
    safetyStock: r.safetyStock,
    liveFrom: dateFromDb(r.liveFrom),
    liveUntil: dateFromDb(r.liveUntil),
  };
}

/** Items a target names, among the shop's live items. */
export async function itemsForTarget(shopId: number, kind: RuleTargetKind, value: string | null, db: Db): Promise<number[] | "all"> {
  const v = value ?? "";
  let where: Prisma.InventoryItemWhereInput;
  switch (kind) {
    case "all":
      return "all";
    case "variant":
      where = { sku: v };
      break;
    case "product":
      if (!/^\d{1,20}$/.test(v)) return [];
      where = { variant: { product: { shopifyId: BigInt(v) } } };
      break;
    case "collection":
      where = { variant: { product: { collections: { has: v } } } };
      break;
    case "tag":
      where = { variant: { product: { tags: { has: v } } } };
      break;
    case "vendor":
      where = { variant: { product: { vendor: v } } };
      break;
  }
  const rows = await db.inventoryItem.findMany({ where: { shopId, deletedAt: null, ...where }, select: { id: true } });
  return rows.map((r) => r.id);
}

async function checkReferences(shopId: number, channelId: number | undefined, target: RuleTarget | undefined, db: Db): Promise<void> {
  const issues: FieldIssue[] = [];
  if (channelId !== undefined) {
    const ch = await db.channel.findFirst({ where: { shopId, id: channelId }, select: { archivedAt: true, key: true } });
    if (!ch) issues.push({ path: "channelId", message: `channel ${channelId} is not a channel of this shop` });
    else if (ch.archivedAt) issues.push({ path: "channelId", message: `channel "${ch.key}" is archived` });
  }
  if (target && (target.kind === "variant" || target.kind === "product")) {
    const items = await itemsForTarget(shopId, target.kind, target.value ?? null, db);
    if (items !== "all" && items.length === 0)
      issues.push({ path: "target.value", message: target.kind === "variant" ? `unknown SKU "${target.value}"` : `unknown product ${target.value}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

function settingsData(d: { percent?: number | null; cap?: number | null; zeroBelow?: number | null; safetyStock?: number | null; liveFrom?: string | null; liveUntil?: string | null }) {
  return {
    ...(d.percent !== undefined ? { percent: d.percent } : {}),
    ...(d.cap !== undefined ? { cap: d.cap } : {}),
    ...(d.zeroBelow !== undefined ? { zeroBelow: d.zeroBelow } : {}),
    ...(d.safetyStock !== undefined ? { safetyStock: d.safetyStock } : {}),
    ...(d.liveFrom !== undefined ? { liveFrom: dateToDb(d.liveFrom) } : {}),
    ...(d.liveUntil !== undefined ? { liveUntil: dateToDb(d.liveUntil) } : {}),
  };
}

async function recomputeTarget(shopId: number, change: { recompute(ids: Iterable<number>): void; recomputeAll(): void }, kind: RuleTargetKind, value: string | null, db: Db) {
  const items = await itemsForTarget(shopId, kind, value, db);
  if (items === "all") change.recomputeAll();
  else change.recompute(items);
}

export async function createRule(shopId: number, input: unknown, ctx: ConfigContext): Promise<RuleView> {
  const data = parseOrThrow(ruleCreateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    await checkReferences(shopId, data.channelId, data.target, change.tx);
    const row = await insertRule(
      shopId,
      { channelId: data.channelId, targetKind: data.target.kind, targetValue: data.target.value ?? null, ...settingsData(data) },
      change.tx,
    );
    const view = ruleView(row);
    await change.audit({ action: "create", entity: "exposure_rule", entityId: row.id, after: view });
    await recomputeTarget(shopId, change, row.targetKind, row.targetValue, change.tx);
    return view;
  });
}

export async function updateRule(shopId: number, ruleId: number, input: unknown, ctx: ConfigContext): Promise<RuleView> {
  const data = parseOrThrow(ruleUpdateSchema, input);
  return runChange(shopId, ctx, async (change) => {
    const before = await findRule(shopId, ruleId, change.tx);
    if (!before) throw new NotFoundError("exposure rule", ruleId);
    await checkReferences(shopId, undefined, data.target, change.tx);
    const merged = { ...specOf(before), ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
    const issues = ruleSettingsIssues(merged);
    if (issues.length > 0) throw new ValidationError(issues);
    await updateRuleRow(
      shopId,
      ruleId,
      { ...(data.target ? { targetKind: data.target.kind, targetValue: data.target.value ?? null } : {}), ...settingsData(data) },
      change.tx,
    );
    const after = (await findRule(shopId, ruleId, change.tx)) as RuleRow;
    const view = ruleView(after);
    await change.audit({ action: "update", entity: "exposure_rule", entityId: ruleId, before: ruleView(before), after: view });
    await recomputeTarget(shopId, change, before.targetKind, before.targetValue, change.tx);
    await recomputeTarget(shopId, change, after.targetKind, after.targetValue, change.tx);
    return view;
  });
}

export async function deleteRule(shopId: number, ruleId: number, ctx: ConfigContext): Promise<void> {
  await runChange(shopId, ctx, async (change) => {
    const before = await findRule(shopId, ruleId, change.tx);
    if (!before) throw new NotFoundError("exposure rule", ruleId);
    await deleteRuleRow(shopId, ruleId, change.tx);
    await change.audit({ action: "delete", entity: "exposure_rule", entityId: ruleId, before: ruleView(before) });
    await recomputeTarget(shopId, change, before.targetKind, before.targetValue, change.tx);
  });
}

export async function getRule(shopId: number, ruleId: number, ctx: Pick<ConfigContext, "db"> = {}): Promise<RuleView> {
  const row = await findRule(shopId, ruleId, dbOf(ctx));
  if (!row) throw new NotFoundError("exposure rule", ruleId);
  return ruleView(row);
}

export async function listRules(shopId: number, filter: { channelId?: number } = {}, ctx: Pick<ConfigContext, "db"> = {}): Promise<RuleView[]> {
  return (await listRuleRows(shopId, filter, dbOf(ctx))).map(ruleView);
}

export type RuleChange =
  | { action: "create"; rule: unknown }
  | { action: "update"; id: number; changes: unknown }
  | { action: "delete"; id: number };

export interface PreviewRow extends Omit<AvailabilityDiffRow<number | "proposed" | null>, "item"> {
  itemId: number;
  sku: string | null;
  channelId: number;
  /**
   * Ring-fenced channels only: ATS at the next rebalance without and with the change. Their pools
   * are carried until then, so a new split often moves nothing now and shows here instead.
   */
  atRebalance?: { before: number; after: number };
}

export interface RulePreview {
  asOf: string;
  /** Items the old or new target names. */
  affectedItems: number;
  /** Only the first `limit` items (by id) were evaluated. */
  truncated: boolean;
  /**
   * One row per affected item for the rule's channel, plus any other channel whose numbers move
   * now or at the next rebalance. `changed` marks the rows whose ATP or ATS moves now.
   */
  rows: PreviewRow[];
  /** Product and variant title of each listed item, by item id. */
  titles: Record<number, string>;
}

type StoredRule = NetworkConfig["rules"][number];

// About 30 ms an item on this machine (two evaluations, each loading the item): ~15 s at the limit.
export const PREVIEW_ITEM_LIMIT = 500;
/** Items evaluated at once: each holds a database connection while it loads. */
const PREVIEW_CONCURRENCY = 6;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function proposedRow(base: Omit<StoredRule, "id" | "shopId" | "createdAt" | "updatedAt">): RuleDef {
  const row = { ...base, id: 0, shopId: 0, createdAt: new Date(0), updatedAt: new Date(0) } as StoredRule;
  return { ...ruleDefs([row])[0], id: "proposed" };
}

/** A rule id as the engine reports it → the row id ("proposed" for the unsaved one). */
const ruleRef = (id: string | null): number | "proposed" | null => (id === null ? null : id === "proposed" ? "proposed" : Number(id));

/**
 * The dry run before saving a rule: the affected (item, channel) rows with ATP/ATS now and after.
 * Each item is evaluated by the recompute path itself (evaluateItemNow: same inputs, same pools)
 * twice, on the shop's network and on the same network with the changed rule list. Nothing is
 * written.
 */
export async function previewRuleChange(
  shopId: number,
  proposal: RuleChange,
  ctx: Pick<ConfigContext, "db" | "asOf" | "now"> = {},
  opts: { limit?: number } = {},
): Promise<RulePreview> {
  const db = dbOf(ctx);
  const sn = await shopNetwork(db, shopId);
  const stored = ruleDefs(sn.cfg.rules);
  let after: RuleDef[];
  let channelId: number;
  const targets: { kind: RuleTargetKind; value: string | null }[] = [];
  if (proposal.action === "create") {
    const d = parseOrThrow(ruleCreateSchema, proposal.rule);
    await checkReferences(shopId, d.channelId, d.target, db);
    channelId = d.channelId;
    targets.push({ kind: d.target.kind, value: d.target.value ?? null });
    after = [
      ...stored,
      proposedRow({
        channelId: d.channelId,
        targetKind: d.target.kind,
        targetValue: d.target.value ?? null,
        percent: d.percent ?? null,
        cap: d.cap ?? null,
        zeroBelow: d.zeroBelow ?? null,
        safetyStock: d.safetyStock ?? null,
        liveFrom: dateToDb(d.liveFrom),
        liveUntil: dateToDb(d.liveUntil),
      }),
    ];
  } else {
    const row = await findRule(shopId, proposal.id, db);
    if (!row) throw new NotFoundError("exposure rule", proposal.id);
    channelId = row.channelId;
    targets.push({ kind: row.targetKind, value: row.targetValue });
    if (proposal.action === "delete") {
      after = stored.filter((r) => r.id !== String(row.id));
    } else {
      const d = parseOrThrow(ruleUpdateSchema, proposal.changes);
      await checkReferences(shopId, undefined, d.target, db);
      const merged = { ...specOf(row), ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
      const issues = ruleSettingsIssues(merged);
      if (issues.length > 0) throw new ValidationError(issues);
      const { channel: _c, ...rowFields } = row;
      const patched: StoredRule = {
        ...rowFields,
        ...(d.target ? { targetKind: d.target.kind, targetValue: d.target.value ?? null } : {}),
        ...settingsData(d),
      } as StoredRule;
      after = stored.map((r) => (r.id === String(row.id) ? ruleDefs([patched])[0] : r));
      targets.push({ kind: patched.targetKind, value: patched.targetValue });
    }
  }

  const itemSets = await Promise.all(targets.map((t) => itemsForTarget(shopId, t.kind, t.value, db)));
  const ids = itemSets.includes("all")
    ? (await db.inventoryItem.findMany({ where: { shopId, deletedAt: null }, select: { id: true }, orderBy: { id: "asc" } })).map((i) => i.id)
    : [...new Set(itemSets.flat() as number[])].sort((a, b) => a - b);
  // A rule on a whole large catalogue: a page evaluates every item twice, so bound the dry run.
  const limit = opts.limit ?? PREVIEW_ITEM_LIMIT;
  const evaluated = ids.slice(0, limit);
  const names = await itemNames(shopId, evaluated, db);
  const asOf = await asOfFor(shopId, ctx, db);
  const now = clockOf(ctx);
  const netAfter = withRules(sn.net, after);
  const perItem = await mapLimit(evaluated, PREVIEW_CONCURRENCY, async (itemId) => {
    const before = await evaluateItemNow(db, shopId, itemId, { now, net: sn.net });
    const next = await evaluateItemNow(db, shopId, itemId, { now, net: netAfter });
    if (!before.result || !next.result) return [];
    const doc = (net: typeof sn.net, res: NonNullable<typeof before.result>) =>
      net.channelIds.map((ch, c) => ({ sku: String(itemId), channel: ch, atp: res.atp[c], ats: res.ats[c], rule: res.rule[c] < 0 ? null : net.rules.ids[res.rule[c]] }));
    const atRebalance = new Map<string, { before: number; after: number }>();
    if (before.fresh && next.fresh)
      for (const c of sn.net.ringfenced) atRebalance.set(sn.net.channelIds[c], { before: before.fresh.ats[c], after: next.fresh.ats[c] });
    const keep = (r: { channel: string }) => {
      const later = atRebalance.get(r.channel);
      return r.channel === String(channelId) || (later !== undefined && later.before !== later.after);
    };
    return diffAvailability(doc(sn.net, before.result), doc(netAfter, next.result), keep, ruleRef).map(({ item: _i, ...d }) => {
      const later = atRebalance.get(d.channel);
      return {
        itemId,
        sku: names.get(itemId)?.sku ?? null,
        channelId: Number(d.channel),
        ...d,
        channel: sn.cfg.channels.find((c) => c.id === Number(d.channel))?.key ?? d.channel,
        ...(later ? { atRebalance: later } : {}),
      };
    });
  });
  const rows: PreviewRow[] = perItem.flat();
  const titles = Object.fromEntries(rows.map((r) => [r.itemId, names.get(r.itemId)?.title ?? r.sku ?? `Variant ${r.itemId}`]));
  return { asOf, affectedItems: ids.length, truncated: evaluated.length < ids.length, rows, titles };
}
