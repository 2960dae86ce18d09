import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { gql, itemGid, locGid, manualClock, SET_QUANTITIES, startDouble } from "./test-helpers";

let double: ShopifyDouble | undefined;
afterEach(async () => double?.close());

const PRODUCTS = `{ products(first: 10) { edges { node { id } } } }`;
const NESTED = `{ products(first: 10) { edges { node { id variants(first: 5) { nodes { sku } } } } } }`;
const SET_ONE = (key: string, qty: number) => ({
  key,
  input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: itemGid(9002), locationId: locGid(101), quantity: qty, changeFromQuantity: null }] },
});
const SET_MINIMAL = `mutation($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { code } } }`;

describe("calculated query cost", () => {
  it("prices connections as 2 + first × node cost and refunds what was not returned", async () => {
    const started = await startDouble();
    double = started.double;
    // Requested: 2 + 10 × 1 = 12. Returned 2 products: 2 + 2 × 1 = 4.
    const flat = await gql(double, started.token, PRODUCTS);
    expect(flat.body.extensions!.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 4 });
    // Requested: 2 + 10 × (1 + (2 + 5 × 1)) = 82. Returned: 2 + [1 + (2 + 2)] + [1 + (2 + 1)] = 11.
    const nested = await gql(double, started.token, NESTED);
    expect(nested.body.extensions!.cost).toMatchObject({ requestedQueryCost: 82, actualQueryCost: 11 });
    // Objects cost 1, scalars 0.
    const shop = await gql(double, started.token, `{ shop { name currencyCode } }`);
    expect(shop.body.extensions!.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });
  });

  it("charges nodes(ids:) per id, and refunds ids that matched nothing", async () => {
    const started = await startDouble();
    double = started.double;
    // Per id: 1 + (2 + 3 levels × (1 + quantities 1)) = 9; three ids requested, two exist.
    const res = await gql(
      double,
      started.token,
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on InventoryItem { id inventoryLevels(first: 3) { nodes { quantities(names: ["available"]) { quantity } } } } } }`,
      { ids: [itemGid(9001), itemGid(9002), itemGid(1)] },
    );
    expect(res.body.data!.nodes[2]).toBeNull();
    expect(res.body.extensions!.cost).toMatchObject({ requestedQueryCost: 27, actualQueryCost: 18 });
  });

  it("prices a mutation as 10 plus its selection", async () => {
    const started = await startDouble();
    double = started.double;
    const res = await gql(double, started.token, SET_MINIMAL, SET_ONE("c1", 3));
    expect(res.body.extensions!.cost).toMatchObject({ requestedQueryCost: 11, actualQueryCost: 11 });
    const full = await gql(double, started.token, SET_QUANTITIES, SET_ONE("c2", 4));
    // 10 + inventoryAdjustmentGroup (1 + changes 1) + userErrors 1
    expect(full.body.extensions!.cost.requestedQueryCost).toBe(13);
    expect(double.stats().shopifyCalls).toMatchObject({ mutations: 2, costPoints: 11 + 13 });
  });

  it("refuses a connection without first or last, and a query over 1,000 points", async () => {
    const started = await startDouble();
    double = started.double;
    const noFirst = await gql(double, started.token, `{ products { nodes { id } } }`);
    expect(noFirst.body.errors?.[0]).toMatchObject({ message: "you must provide one of first or last", path: ["products"] });
    const huge = await gql(double, started.token, `{ products(first: 250) { nodes { id variants(first: 250) { nodes { id } } } } }`);
    expect(huge.body.errors?.[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
    expect(double.stats().shopifyCalls).toMatchObject({ queries: 0, costPoints: 0 });
  });
});

describe("leaky bucket", () => {
  it("answers THROTTLED with HTTP 200 when the bucket lacks the requested cost, then restores over time", async () => {
    const clock = manualClock();
    const started = await startDouble({ now: clock.now, restoreRate: 10, bucketSize: 30 });
    double = started.double;
    const run = (key: string) => gql(double!, started.token, SET_MINIMAL, SET_ONE(key, 5));
    expect((await run("t1")).body.extensions!.cost.throttleStatus).toEqual({ maximumAvailable: 30, currentlyAvailable: 19, restoreRate: 10 });
    expect((await run("t2")).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(8);

    const throttled = await run("t3");
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(throttled.body.extensions!.cost).toEqual({
      requestedQueryCost: 11,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 30, currentlyAvailable: 8, restoreRate: 10 },
    });

    clock.advance(200); // +2 points: still short
    expect((await run("t3")).body.errors?.[0].extensions?.code).toBe("THROTTLED");
    clock.advance(100); // 8 + 3 = 11
    const ok = await run("t3");
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(0);

    clock.advance(60_000);
    expect((await gql(double, started.token, `{ shop { name } }`)).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(29);
    expect(double.stats().shopifyCalls).toMatchObject({ throttled: 2, mutations: 3, queries: 1 });
  });

  it("keeps one bucket per shop", async () => {
    const clock = manualClock();
    const started = await startDouble({ now: clock.now, restoreRate: 10, bucketSize: 12 });
    double = started.double;
    double.seedStore({ shop: "other.myshopify.com", locations: [{ id: 1, name: "A" }], products: [] });
    const other = double.installApp("other.myshopify.com");
    await gql(double, started.token, SET_MINIMAL, SET_ONE("b1", 1));
    expect((await gql(double, started.token, `{ shop { name } }`)).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(0);
    expect((await gql(double, other, `{ shop { name } }`, undefined, "other.myshopify.com")).body.extensions!.cost.throttleStatus.currentlyAvailable).toBe(11);
  });
});
