import { expect } from "vitest";
import prisma from "../../../app/db.server";
import type { ConfigContext } from "../../../app/services/config/context.server";
import { NotFoundError, ValidationError } from "../../../app/validation/common";
import { createItem, createLocation, createShop, setLevel } from "../../support/factories";

export const AS_OF = "2026-11-24";

/** A context whose recomputes are recorded instead of queued (the queue path has its own test). */
export function recordingContext(extra: Partial<ConfigContext> = {}) {
  const enqueued: { shopId: number; itemIds: number[] }[] = [];
  const ctx: ConfigContext = {
    actor: "user:ops@example.com",
    asOf: AS_OF,
    enqueueRecompute: async (shopId, itemIds) => {
      enqueued.push({ shopId, itemIds: [...itemIds] });
    },
    ...extra,
  };
  return { ctx, enqueued, itemsEnqueued: () => [...new Set(enqueued.flatMap((e) => e.itemIds))].sort((a, b) => a - b) };
}

/** A shop with two facilities, a channel location and two items with on hand at the first facility. */
export async function basicShop() {
  const shop = await createShop();
  const warehouse = await createLocation(shop.id, { name: "Central Warehouse" });
  const store = await createLocation(shop.id, { name: "Brooklyn" });
  const amazonLocation = await createLocation(shop.id, { name: "Amazon (channel)", fulfillsOnlineOrders: false });
  const tee = await createItem(shop.id, { sku: `TEE-${shop.id}`, vendor: "Acme", tags: ["core"], collections: ["tees"] });
  const cap = await createItem(shop.id, { sku: `CAP-${shop.id}`, vendor: "Other" });
  // Shopify's states: on hand = available + committed + reserved + safety_stock (+ damaged, QC).
  await setLevel(shop.id, tee.item.id, warehouse.id, "available", 100);
  await setLevel(shop.id, cap.item.id, warehouse.id, "available", 50);
  return { shop, warehouse, store, amazonLocation, tee, cap };
}

export async function expectValidation(promise: Promise<unknown>, expected: { path: string; message?: string | RegExp }[]): Promise<ValidationError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const err = caught as ValidationError;
  for (const e of expected) {
    const issue = err.issues.find((i) => i.path === e.path);
    expect(issue, `no issue at ${e.path}; got ${err.message}`).toBeDefined();
    if (e.message instanceof RegExp) expect(issue!.message).toMatch(e.message);
    else if (e.message !== undefined) expect(issue!.message).toBe(e.message);
  }
  return err;
}

export async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(NotFoundError);
}

export function auditFor(shopId: number, entity: string) {
  return prisma.auditEvent.findMany({ where: { shopId, entity }, orderBy: { id: "asc" } });
}
