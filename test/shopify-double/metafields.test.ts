import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { gql, startDouble } from "./test-helpers";

const SET = `mutation($m: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $m) { metafields { id namespace key value type compareDigest } userErrors { field code message elementIndex } }
}`;
const SHOP_GID = "gid://shopify/Shop/1";

let double: ShopifyDouble;
let token: string;
beforeEach(async () => {
  ({ double, token } = await startDouble());
});
afterEach(async () => double.close());

describe("metafieldsSet", () => {
  it("writes to the app-reserved namespace and reads back through the owner", async () => {
    const res = await gql(double, token, SET, { m: [{ ownerId: SHOP_GID, namespace: "$app", key: "ats_snapshot", type: "json", value: '{"amazon":12}' }] });
    const [mf] = res.body.data!.metafieldsSet.metafields;
    expect(mf).toMatchObject({ namespace: "app--4000001", key: "ats_snapshot", type: "json", value: '{"amazon":12}' });
    const read = await gql(double, token, `{ shop { metafield(namespace: "$app", key: "ats_snapshot") { jsonValue } } }`);
    expect(read.body.data!.shop.metafield).toEqual({ jsonValue: { amazon: 12 } });
  });

  it("is atomic: one bad metafield and none are written", async () => {
    const res = await gql(double, token, SET, {
      m: [
        { ownerId: "gid://shopify/Product/7001", namespace: "ringfence", key: "pool", type: "single_line_text_field", value: "core" },
        { ownerId: "gid://shopify/Product/7001", namespace: "ringfence", key: "cap", type: "number_integer", value: "twelve" },
        { ownerId: "gid://shopify/Product/1", namespace: "ringfence", key: "x1", type: "boolean", value: "true" },
      ],
    });
    expect(res.body.data!.metafieldsSet.metafields).toBeNull();
    expect(res.body.data!.metafieldsSet.userErrors.map((e: { code: string; elementIndex: number }) => [e.elementIndex, e.code])).toEqual([
      [1, "INVALID_VALUE"],
      [2, "INVALID_VALUE"],
    ]);
    const read = await gql(double, token, `{ product(id: "gid://shopify/Product/7001") { metafields(first: 5) { nodes { key } } } }`);
    expect(read.body.data!.product.metafields.nodes).toEqual([]);
  });

  it("compareDigest guards against a concurrent write", async () => {
    const first = await gql(double, token, SET, { m: [{ ownerId: SHOP_GID, namespace: "ringfence", key: "cfg", type: "json", value: "{}" }] });
    const digest = first.body.data!.metafieldsSet.metafields[0].compareDigest;
    await gql(double, token, SET, { m: [{ ownerId: SHOP_GID, namespace: "ringfence", key: "cfg", value: '{"v":2}' }] });
    const stale = await gql(double, token, SET, { m: [{ ownerId: SHOP_GID, namespace: "ringfence", key: "cfg", value: '{"v":3}', compareDigest: digest }] });
    expect(stale.body.data!.metafieldsSet.userErrors[0].code).toBe("STALE_OBJECT");
  });
});
