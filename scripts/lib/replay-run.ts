import { applyAppConfig } from "../../app/services/config/app-config.server";
import { ValidationError } from "../../app/validation/common";
import { InputError, type DoubleStats, type ShopifyDouble } from "../../test/shopify-double";
import { ReplayFileError, type NumberedLine, type ReplayFiles } from "./replay-files";
import type { Stack } from "./stack";

/**
 * Runs a validated replay on a started stack: seed + install + initial sync, the `app` block
 * through applyAppConfig (the admin's code path), each script line through the double as Shopify
 * would, then waits until idle and reads the end state (replay-format.md "Output").
 */

export interface ReplayOutput {
  levels: { location: number; sku: string; available: number; committed: number; onHand: number; reserved: number; safetyStock: number }[];
  ats: { channel: string; sku: string; atp: number; ats: number }[];
  refused: number;
  unfulfillable: number;
  deliveries: DoubleStats["deliveries"];
  shopifyCalls: DoubleStats["shopifyCalls"];
}

export interface ReplayRunOptions {
  idleTimeoutMs?: number;
  /** Called before each script line (tests kill workers or restart Redis mid-stream here). */
  beforeLine?: (line: NumberedLine, index: number) => Promise<void> | void;
  /** Notes for stderr (skipped lines). */
  note?: (line: string) => void;
}

export async function installAndConfigure(stack: Stack, files: ReplayFiles, opts: { idleTimeoutMs?: number } = {}): Promise<{ shop: string; shopId: number }> {
  const installed = await stack.install(files.store);
  if (files.appInput !== undefined) {
    try {
      await applyAppConfig(installed.shopId, files.appInput, {
        actor: "replay",
        db: stack.prisma,
        enqueueRecompute: async (shopId, itemIds) => {
          for (const itemId of itemIds) await stack.producer.enqueue("recompute", { shopId, itemId });
        },
      });
    } catch (error) {
      if (error instanceof ValidationError) throw new ReplayFileError(error.issues.map((i) => `store: app.${i.path}: ${i.message}`));
      throw error;
    }
  }
  await stack.waitIdle({ timeoutMs: opts.idleTimeoutMs, shops: [installed.shop] });
  return installed;
}

/** Performs one line; returns false for an order the double refused (checkout said no). */
export async function performLine(d: ShopifyDouble, shop: string, { action: a }: NumberedLine): Promise<boolean | void> {
  switch (a.do) {
    case "order": {
      // A refusal is counted by the double (refused) and is a normal outcome, not an error.
      const res = d.order({ id: a.id, sourceName: a.sourceName, location: a.location, lines: a.lines, b2b: a.b2b, shipBy: a.shipBy, tags: a.tags, appId: a.appId, shop });
      return res.accepted;
    }
    case "cancel":
      return d.cancel(a.id, shop);
    case "fulfill":
      d.fulfill(a.id, a.location, shop);
      return;
    case "move":
      return d.move(a.id, a.to, shop);
    case "stock":
      return d.stock(a.sku, a.location, a.onHand, shop);
    case "deliver":
      await d.deliverRaw({ topic: a.topic, payload: a.payload, badHmac: a.badHmac, headers: a.headers, shop });
      return;
    case "faults":
      return d.faults({ duplicate: a.duplicate, reorderWindow: a.reorderWindow, seed: a.seed, delayMs: a.delayMs });
    case "wait":
      await new Promise((r) => setTimeout(r, a.ms));
      return;
  }
}

export async function readOutput(stack: Stack, shop: string, shopId: number): Promise<ReplayOutput> {
  const stats = stack.double.stats(shop);
  const snapshots = await stack.prisma.availabilitySnapshot.findMany({
    where: { shopId },
    select: { atp: true, ats: true, channel: { select: { key: true } }, item: { select: { sku: true, variant: { select: { sku: true } } } } },
  });
  const ats = snapshots
    .map((s) => ({ channel: s.channel.key, sku: s.item.variant?.sku ?? s.item.sku ?? "", atp: s.atp, ats: s.ats }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  return {
    levels: stack.double.levels(shop).map((l) => ({
      location: l.location,
      sku: l.sku,
      available: l.available,
      committed: l.committed,
      onHand: l.onHand,
      reserved: l.reserved,
      safetyStock: l.safetyStock,
    })),
    ats,
    refused: stats.refused,
    unfulfillable: stats.unfulfillable,
    deliveries: stats.deliveries,
    shopifyCalls: stats.shopifyCalls,
  };
}

/** The whole replay on a started stack. */
export async function runReplay(stack: Stack, files: ReplayFiles, opts: ReplayRunOptions = {}): Promise<ReplayOutput> {
  const { shop, shopId } = await installAndConfigure(stack, files, opts);
  const refusedOrders = new Set<number>();
  for (const [i, line] of files.script.entries()) {
    await opts.beforeLine?.(line, i);
    const a = line.action;
    // A refused order never existed in Shopify: what the script does to it later cannot happen.
    if ((a.do === "cancel" || a.do === "fulfill" || a.do === "move") && refusedOrders.has(a.id)) {
      opts.note?.(`script line ${line.line}: ${a.do} skipped: order ${a.id} was refused at checkout`);
      continue;
    }
    try {
      const accepted = await performLine(stack.double, shop, line);
      if (a.do === "order" && accepted === false) refusedOrders.add(a.id);
    } catch (error) {
      // Shopify would refuse the action (e.g. fulfil a cancelled order): the script is at fault.
      if (error instanceof InputError) throw new ReplayFileError([`script line ${line.line}: ${error.message}`]);
      throw error;
    }
  }
  await stack.waitIdle({ timeoutMs: opts.idleTimeoutMs ?? 180_000, shops: [shop] });
  return readOutput(stack, shop, shopId);
}
