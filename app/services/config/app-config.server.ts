import type { Db } from "../../models/audit.server";
import { appConfigSchema, type AppConfig } from "../../validation/app-config";
import { parseOrThrow, ValidationError, type FieldIssue } from "../../validation/common";
import { createChannel, updateChannel } from "./channels.server";
import { runChange, type ConfigContext } from "./context.server";
import { createHoldback, deleteHoldback } from "./holdbacks.server";
import { shopLocations, type LocationRef } from "./lookups.server";
import { createPurchaseOrder, updatePurchaseOrder } from "./purchase-orders.server";
import { createRule, deleteRule } from "./rules.server";
import { createSupplier, updateSupplier } from "./suppliers.server";

export interface AppConfigResult {
  channels: { created: string[]; updated: string[] };
  suppliers: { created: string[]; updated: string[] };
  rules: { replaced: number; created: number };
  holdbacks: { replaced: number; created: number };
  purchaseOrders: { created: string[]; updated: string[] };
}

function joinPath(base: string, path: string): string {
  if (path === "") return base;
  return path.startsWith("[") ? `${base}${path}` : `${base}.${path}`;
}

/** Runs a service call and re-labels its field errors with where they are in the config. */
async function at<T>(base: string, fn: () => Promise<T>, rename: [RegExp, string][] = []): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.issues.map((i) => ({ path: joinPath(base, rename.reduce((p, [re, to]) => p.replace(re, to), i.path)), message: i.message })),
      "invalid app config",
    );
  }
}

function locationOf(locations: readonly LocationRef[], id: string, path: string, issues: FieldIssue[]): number | null {
  const loc = locations.find((l) => l.shopifyId === BigInt(id));
  if (!loc) issues.push({ path, message: `unknown location ${id} (not a location of this shop)` });
  return loc ? loc.id : null;
}

function throwIfAny(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError(issues, "invalid app config");
}

/**
 * Applies the replay's `app` block through the same services the admin uses, in one transaction:
 * an invalid config is refused whole with the path at fault (`channels[0].percent: ...`) and
 * nothing is saved.
 *
 * Semantics: channels are matched by key (created or updated), suppliers by name, purchase orders
 * by number (created, or their ETA, supplier and line quantities updated); rules and holdbacks have
 * no natural key, so the block's lists replace the shop's. Applying the same block twice is a no-op
 * for the numbers.
 */
export async function applyAppConfig(shopId: number, input: unknown, ctx: ConfigContext): Promise<AppConfigResult> {
  let config: AppConfig;
  try {
    config = parseOrThrow(appConfigSchema, input);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(error.issues, "invalid app config");
    throw error;
  }
  return runChange(shopId, ctx, async (change) => {
    const tx: Db = change.tx;
    const inner = change.ctx;
    const result: AppConfigResult = {
      channels: { created: [], updated: [] },
      suppliers: { created: [], updated: [] },
      rules: { replaced: 0, created: 0 },
      holdbacks: { replaced: 0, created: 0 },
      purchaseOrders: { created: [], updated: [] },
    };
    const locations = await shopLocations(shopId, tx);

    for (const [i, s] of config.suppliers.entries()) {
      const existing = await tx.supplier.findUnique({ where: { shopId_name: { shopId, name: s.id } } });
      const input = { onTimeRate: s.onTimeRate, delayDays: s.delayDays };
      if (existing) {
        await at(`suppliers[${i}]`, () => updateSupplier(shopId, existing.id, input, inner));
        result.suppliers.updated.push(s.id);
      } else {
        await at(`suppliers[${i}]`, () => createSupplier(shopId, { name: s.id, ...input }, inner), [[/^name/, "id"]]);
        result.suppliers.created.push(s.id);
      }
    }

    const channelIds = new Map<string, number>();
    for (const [i, c] of config.channels.entries()) {
      const base = `channels[${i}]`;
      const issues: FieldIssue[] = [];
      const facilityIds = c.facilities.map((id, j) => locationOf(locations, id, `${base}.facilities[${j}]`, issues));
      const publishLocation = c.publish === "in-place" ? null : locationOf(locations, c.publish.location, `${base}.publish.location`, issues);
      throwIfAny(issues);
      const { id: key, facilities: _f, publish: _p, ...policy } = c;
      const fields = {
        ...policy,
        facilityIds: facilityIds as number[],
        publish: publishLocation === null ? { kind: "in_place" as const } : { kind: "location" as const, locationId: publishLocation },
      };
      const rename: [RegExp, string][] = [
        [/^facilityIds/, "facilities"],
        [/^publish\.locationId/, "publish.location"],
      ];
      const existing = await tx.channel.findUnique({ where: { shopId_key: { shopId, key } }, select: { id: true } });
      if (existing) {
        await at(base, () => updateChannel(shopId, existing.id, { ...fields, cap: fields.cap ?? null, liveFrom: fields.liveFrom ?? null, liveUntil: fields.liveUntil ?? null }, inner), rename);
        channelIds.set(key, existing.id);
        result.channels.updated.push(key);
      } else {
        const view = await at(base, () => createChannel(shopId, { key, ...fields }, inner), [...rename, [/^key/, "id"]]);
        channelIds.set(key, view.id);
        result.channels.created.push(key);
      }
    }
    const channelId = async (key: string, path: string, issues: FieldIssue[]) => {
      if (!channelIds.has(key)) {
        const row = await tx.channel.findUnique({ where: { shopId_key: { shopId, key } }, select: { id: true, archivedAt: true } });
        if (row && !row.archivedAt) channelIds.set(key, row.id);
      }
      const id = channelIds.get(key);
      if (id === undefined) issues.push({ path, message: `unknown channel "${key}"` });
      return id ?? null;
    };

    const oldRules = await tx.exposureRule.findMany({ where: { shopId }, select: { id: true } });
    for (const r of oldRules) await deleteRule(shopId, r.id, inner);
    result.rules.replaced = oldRules.length;
    for (const [i, r] of config.rules.entries()) {
      const base = `rules[${i}]`;
      const issues: FieldIssue[] = [];
      const ch = await channelId(r.channel, `${base}.channel`, issues);
      throwIfAny(issues);
      const t = r.target;
      const target =
        t.sku !== undefined
          ? { kind: "variant", value: t.sku }
          : t.product !== undefined
            ? { kind: "product", value: t.product }
            : t.collection !== undefined
              ? { kind: "collection", value: t.collection }
              : t.tag !== undefined
                ? { kind: "tag", value: t.tag }
                : t.vendor !== undefined
                  ? { kind: "vendor", value: t.vendor }
                  : { kind: "all" };
      const { id: _id, channel: _c, target: _t, ...settings } = r;
      await at(base, () => createRule(shopId, { channelId: ch, target, ...settings }, inner), [[/^target\.value/, `target.${Object.keys(t)[0] ?? "value"}`]]);
      result.rules.created++;
    }

    const oldHoldbacks = await tx.holdback.findMany({ where: { shopId }, select: { id: true } });
    for (const h of oldHoldbacks) await deleteHoldback(shopId, h.id, inner);
    result.holdbacks.replaced = oldHoldbacks.length;
    for (const [i, h] of config.holdbacks.entries()) {
      const base = `holdbacks[${i}]`;
      const issues: FieldIssue[] = [];
      const ch = h.channel ? await channelId(h.channel, `${base}.channel`, issues) : null;
      const loc = h.facility ? locationOf(locations, h.facility, `${base}.facility`, issues) : null;
      throwIfAny(issues);
      await at(
        base,
        () => createHoldback(shopId, { sku: h.sku, channelId: ch, locationId: loc, quantity: h.qty, from: h.from, until: h.until, note: h.note }, inner),
        [
          [/^quantity/, "qty"],
          [/^locationId/, "facility"],
          [/^channelId/, "channel"],
        ],
      );
      result.holdbacks.created++;
    }

    for (const [i, po] of config.purchaseOrders.entries()) {
      const base = `purchaseOrders[${i}]`;
      const issues: FieldIssue[] = [];
      const loc = locationOf(locations, po.facility, `${base}.facility`, issues);
      let supplierId: number | null = null;
      if (po.supplier) {
        const s = await tx.supplier.findUnique({ where: { shopId_name: { shopId, name: po.supplier } }, select: { id: true } });
        if (!s) issues.push({ path: `${base}.supplier`, message: `unknown supplier "${po.supplier}"` });
        else supplierId = s.id;
      }
      throwIfAny(issues);
      const rename: [RegExp, string][] = [
        [/^lines\[(\d+)\]\.quantity/, "lines[$1].qty"],
        [/^destinationLocationId/, "facility"],
        [/^supplierId/, "supplier"],
        [/^number/, "id"],
      ];
      const existing = await tx.purchaseOrder.findUnique({
        where: { shopId_number: { shopId, number: po.id } },
        select: { id: true, destinationLocationId: true, lines: { select: { id: true, item: { select: { sku: true } } } } },
      });
      if (!existing) {
        await at(
          base,
          () =>
            createPurchaseOrder(
              shopId,
              { number: po.id, supplierId, destinationLocationId: loc, eta: po.eta, status: po.status, lines: po.lines.map((l) => ({ sku: l.sku, quantity: l.qty, eta: l.eta })) },
              inner,
            ),
          rename,
        );
        result.purchaseOrders.created.push(po.id);
        continue;
      }
      if (existing.destinationLocationId !== loc) issues.push({ path: `${base}.facility`, message: `purchase order "${po.id}" exists with another destination` });
      const lines = po.lines.map((l, j) => {
        const line = existing.lines.find((x) => x.item.sku === l.sku);
        if (!line) issues.push({ path: `${base}.lines[${j}].sku`, message: `purchase order "${po.id}" exists and has no line for "${l.sku}"` });
        return { id: line?.id ?? 0, quantity: l.qty, eta: l.eta ?? null };
      });
      throwIfAny(issues);
      await at(base, () => updatePurchaseOrder(shopId, existing.id, { eta: po.eta, supplierId, lines }, inner), rename);
      result.purchaseOrders.updated.push(po.id);
    }

    await change.audit({ action: "apply", entity: "app_config", after: result, note: "replay app config" });
    return result;
  });
}
