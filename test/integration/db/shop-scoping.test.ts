import { Prisma } from "@prisma/client";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { createShop, seedShopGraph } from "../../support/factories";

type Delegate = { count(args: { where: { shopId: number } }): Promise<number> };

// Every model with a shopId column, read from the generated client so a new model is covered
// (and must be seeded by seedShopGraph) without editing this test.
const scopedModels = Prisma.dmmf.datamodel.models
  .filter((model) => model.fields.some((field) => field.name === "shopId"))
  .map((model) => model.name);

function delegate(model: string): Delegate {
  const key = model.charAt(0).toLowerCase() + model.slice(1);
  return (prisma as unknown as Record<string, Delegate>)[key];
}

async function countsFor(shopId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of scopedModels) counts[model] = await delegate(model).count({ where: { shopId } });
  return counts;
}

describe("shop scoping", () => {
  let shopA: { id: number };
  let shopB: { id: number };
  let graphA: Awaited<ReturnType<typeof seedShopGraph>>;
  let graphB: Awaited<ReturnType<typeof seedShopGraph>>;

  beforeAll(async () => {
    shopA = await createShop();
    shopB = await createShop();
    graphA = await seedShopGraph(shopA.id);
    graphB = await seedShopGraph(shopB.id);
  });

  it("every model except the Shopify session carries shopId", () => {
    const unscoped = Prisma.dmmf.datamodel.models
      .map((m) => m.name)
      .filter((name) => !scopedModels.includes(name) && name !== "Shop" && name !== "Session");
    expect(unscoped).toEqual([]);
    expect(scopedModels.length).toBeGreaterThan(20);
  });

  it("the seeded graph puts rows in every shop-scoped table", async () => {
    const counts = await countsFor(shopA.id);
    expect(Object.entries(counts).filter(([, n]) => n === 0)).toEqual([]);
  });

  it("rows of shop A are not visible through queries scoped to shop B", async () => {
    const skuA = graphA.item.sku!;
    expect(await prisma.inventoryItem.findMany({ where: { shopId: shopB.id, sku: skuA } })).toEqual([]);
    expect(await prisma.channel.findUnique({ where: { shopId_key: { shopId: shopB.id, key: "amazon" } } })).toMatchObject({
      id: graphB.channel.id,
    });
    expect(
      await prisma.orderLine.findMany({ where: { shopId: shopB.id, itemId: graphA.item.id } }),
    ).toEqual([]);
    const levelsB = await prisma.inventoryLevel.findMany({ where: { shopId: shopB.id } });
    expect(levelsB.every((level) => level.itemId === graphB.item.id)).toBe(true);
    expect(await prisma.webhookInbox.findMany({ where: { shopId: shopB.id, webhookId: graphA.delivery.webhookId } })).toEqual([]);
    for (const model of scopedModels) {
      const key = model.charAt(0).toLowerCase() + model.slice(1);
      const rows = await (prisma as unknown as Record<string, { findMany(a: object): Promise<Array<{ shopId: number }>> }>)[
        key
      ].findMany({ where: { shopId: shopB.id } });
      expect(rows.length, model).toBeGreaterThan(0);
      expect(rows.every((row) => row.shopId === shopB.id), model).toBe(true);
    }
  });

  it("Shopify ids are unique per shop, not globally", async () => {
    await expect(
      prisma.location.create({ data: { shopId: shopB.id, shopifyId: graphA.facility.shopifyId, name: "same Shopify id, other shop" } }),
    ).resolves.toMatchObject({ shopId: shopB.id });
    await expect(
      prisma.location.create({ data: { shopId: shopA.id, shopifyId: graphA.facility.shopifyId, name: "duplicate" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("a webhook delivery id is recorded once", async () => {
    await expect(
      prisma.webhookInbox.create({
        data: { shopId: shopA.id, webhookId: graphA.delivery.webhookId, topic: "ORDERS_CREATE", payload: {} },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("deleting a shop erases every row it owns and nothing of another shop", async () => {
    const before = await countsFor(shopB.id);
    await prisma.shop.delete({ where: { id: shopA.id } });
    const after = await countsFor(shopA.id);
    expect(Object.entries(after).filter(([, n]) => n !== 0)).toEqual([]);
    expect(await countsFor(shopB.id)).toEqual(before);
  });
});
