import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../../app/db.server";
import { evaluateItemNow, forgetShopNetwork } from "../../../app/services/availability.server";
import { applyAppConfig } from "../../../app/services/config/app-config.server";
import { parseCatalogueJsonl, syncShop } from "../../../app/services/sync.server";
import { demoStore } from "../../../scripts/lib/demo-store";
import { parseStore } from "../../shopify-double";
import { shopDomain, startBench, type Bench } from "./harness";

/**
 * Exposure rules that target a collection, on the demo's apparel store: collection membership
 * arrives with the initial sync's bulk query, and a collection rule then moves the ATS of the
 * collection's items and of no other.
 */
describe("collection rules after the initial sync", () => {
  const shop = shopDomain("collections");
  const today = new Date().toISOString().slice(0, 10);
  let bench: Bench;
  let shopId: number;
  beforeAll(async () => {
    const { app: _app, ...store } = demoStore(today);
    bench = await startBench([parseStore({ ...store, shop })]);
    shopId = bench.shops.get(shop)!;
    await syncShop({ prisma, adminFor: (d) => bench.adminFor(d), pollMs: 10 }, shopId, "initial");
  });
  afterAll(() => bench.close());

  async function ats(sku: string, channelKey: string): Promise<number> {
    const item = await prisma.inventoryItem.findFirstOrThrow({ where: { shopId, sku } });
    const channel = await prisma.channel.findUniqueOrThrow({ where: { shopId_key: { shopId, key: channelKey } } });
    forgetShopNetwork(shopId);
    const ev = await evaluateItemNow(prisma, shopId, item.id);
    return ev.result!.ats[ev.net.channelIndex.get(String(channel.id))!];
  }

  it("imports each product's collections", async () => {
    const jacket = await prisma.product.findFirstOrThrow({ where: { shopId, shopifyId: 7004n } });
    expect(jacket.collections).toEqual(["outerwear"]);
  });

  it("reads collection rows whether they name the variant's row or the product as their parent", () => {
    const variant = (id: number, product: number) => JSON.stringify({ id: `gid://shopify/ProductVariant/${id}`, sku: `S${id}`, product: { id: `gid://shopify/Product/${product}`, title: "P" }, inventoryItem: { id: `gid://shopify/InventoryItem/${id}` } });
    const collection = (handle: string, parent: string) => JSON.stringify({ id: `gid://shopify/Collection/${handle.length}`, handle, __parentId: parent });
    const jsonl = [
      variant(1, 10),
      variant(2, 10),
      variant(3, 11),
      collection("outerwear", "gid://shopify/ProductVariant/1"),
      collection("sale", "gid://shopify/Product/10"),
      collection("gone", "gid://shopify/Product/99"),
    ].join("\n");
    const { rows, orphans } = parseCatalogueJsonl(jsonl);
    expect(rows.map((r) => [r.sku, r.product.collections])).toEqual([
      ["S1", ["outerwear", "sale"]],
      ["S2", ["sale"]],
      ["S3", []],
    ]);
    expect(orphans).toBe(1);
  });

  it("a cap on the outerwear collection caps the jacket's ATS and leaves the tees alone", async () => {
    const { app } = demoStore(today);
    const config = { ...app, rules: [] };
    await applyAppConfig(shopId, config, { actor: "test", db: prisma, enqueueRecompute: async () => {} });
    const jacketBefore = await ats("JKT-IND-M", "online-store");
    const teeBefore = await ats("TEE-BLK-M", "online-store");
    expect(jacketBefore).toBeGreaterThan(1);

    await applyAppConfig(shopId, { ...app, rules: [{ channel: "online-store", target: { collection: "outerwear" }, cap: 1 }] }, { actor: "test", db: prisma, enqueueRecompute: async () => {} });
    expect(await ats("JKT-IND-M", "online-store")).toBe(1);
    expect(await ats("TEE-BLK-M", "online-store")).toBe(teeBefore);
  });
});
