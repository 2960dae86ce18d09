import { describe, expect, it } from "vitest";
import { appConfigSchema } from "../../app/validation/app-config";
import { parseStore } from "../../test/shopify-double";
import { addDays, createOrderStream, DEMO_SHOP, demoStore, LOCATIONS, type StreamAction } from "./demo-store";
import { ScriptLineSchema } from "./replay-files";

const TODAY = "2026-11-23";

describe("demoStore", () => {
  const store = demoStore(TODAY);

  it("is a valid STORE.json with a valid app block", () => {
    const parsed = parseStore(store);
    expect(parsed.shop).toBe(DEMO_SHOP);
    const app = appConfigSchema.parse(store.app);
    expect(app.channels.map((c) => c.id)).toEqual(["online-store", "pos", "amazon", "wholesale"]);
  });

  it("has the warehouse, the three New York stores and the Amazon channel location", () => {
    expect(store.locations.map((l) => l.name)).toEqual(["Central Warehouse", "Times Square", "Brooklyn", "Broadway", "Amazon (channel)"]);
  });

  it("sells styles in sizes, with the wholesale size run held back and a PO due in 10 days", () => {
    const tee = store.products.find((p) => p.title === "Crew Tee Black")!;
    expect(tee.variants.map((v) => v.sku)).toEqual(["TEE-BLK-S", "TEE-BLK-M", "TEE-BLK-L", "TEE-BLK-XL"]);
    const run = store.app.holdbacks!.filter((h) => h.channel === "wholesale").map((h) => [h.sku, h.qty]);
    expect(run).toEqual([["TEE-BLK-S", 12], ["TEE-BLK-M", 24], ["TEE-BLK-L", 24], ["TEE-BLK-XL", 12]]);
    expect(store.app.purchaseOrders![0]).toMatchObject({ id: "PO-1001", eta: "2026-12-03", supplier: "Mill & Loom" });
  });

  it("dates move with today", () => {
    expect(addDays("2026-12-25", 10)).toBe("2027-01-04");
    expect(demoStore("2027-01-01").app.purchaseOrders![0].eta).toBe("2027-01-11");
  });
});

describe("createOrderStream", () => {
  const take = (n: number, seed = 7) => {
    const stream = createOrderStream({ today: TODAY, seed });
    const out: StreamAction[] = [];
    for (let i = 0; i < n; i++) {
      const a = stream.next();
      if (a.do === "order") stream.settle(a.id, a.id % 3 !== 0);
      out.push(a);
    }
    return out;
  };

  it("is deterministic for a seed and differs between seeds", () => {
    expect(take(50)).toEqual(take(50));
    expect(take(50, 8)).not.toEqual(take(50));
  });

  it("produces valid script lines that only name the store's skus and locations", () => {
    const store = demoStore(TODAY);
    const skus = new Set(store.products.flatMap((p) => p.variants.map((v) => v.sku)));
    const locations = new Set(store.locations.map((l) => l.id));
    for (const a of take(500)) {
      expect(ScriptLineSchema.safeParse(a).success).toBe(true);
      if (a.do === "order") {
        expect(locations.has(a.location)).toBe(true);
        for (const l of a.lines) expect(skus.has(l.sku)).toBe(true);
      }
      if (a.do === "stock") expect(skus.has(a.sku)).toBe(true);
    }
  });

  it("spreads orders over every channel, with cancels and stock counts now and then", () => {
    const actions = take(1000);
    const orders = actions.filter((a): a is Extract<StreamAction, { do: "order" }> => a.do === "order");
    const sources = new Set(orders.map((o) => (o.b2b ? "b2b" : o.sourceName)));
    expect(sources).toEqual(new Set(["web", "amazon", "pos", "b2b"]));
    expect(orders.filter((o) => o.sourceName === "amazon").every((o) => o.location === LOCATIONS.amazon)).toBe(true);
    expect(orders.filter((o) => o.b2b).every((o) => o.shipBy !== undefined && o.shipBy >= addDays(TODAY, 14))).toBe(true);
    expect(actions.filter((a) => a.do === "cancel").length).toBeGreaterThan(10);
    expect(actions.filter((a) => a.do === "stock").length).toBeGreaterThan(10);
  });

  it("cancels only accepted, still-open orders, each once", () => {
    const stream = createOrderStream({ today: TODAY, seed: 3 });
    const accepted = new Set<number>();
    const cancelled = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const a = stream.next();
      if (a.do === "order") {
        const ok = a.id % 2 === 0;
        if (ok) accepted.add(a.id);
        stream.settle(a.id, ok);
      } else if (a.do === "cancel") {
        expect(accepted.has(a.id)).toBe(true);
        expect(cancelled.has(a.id)).toBe(false);
        cancelled.add(a.id);
      }
    }
    expect(cancelled.size).toBeGreaterThan(0);
  });
});
