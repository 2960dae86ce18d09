import { afterEach, describe, expect, it } from "vitest";
import type { ShopifyDouble } from "./double";
import { gql, startDouble } from "./test-helpers";

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status url } userErrors { field message code } } }`;
const SYNC = `{
  productVariants {
    edges { node {
      id sku
      inventoryItem { id inventoryLevels { edges { node { location { id } quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } } }
    } }
  }
}`;

let double: ShopifyDouble | undefined;
afterEach(async () => double?.close());

describe("bulkOperationRunQuery", () => {
  it("runs asynchronously and writes JSONL where nested connection rows carry __parentId", async () => {
    const started = await startDouble();
    double = started.double;
    double.order({ id: 1, location: 101, lines: [{ sku: "TEE-BLK-M", qty: 2 }] });
    const res = await gql(double, started.token, RUN, { q: SYNC });
    const created = res.body.data!.bulkOperationRunQuery;
    expect(created.userErrors).toEqual([]);
    expect(created.bulkOperation).toMatchObject({ status: "CREATED", url: null });

    await double.bulkIdle();
    const current = await gql(double, started.token, `{ currentBulkOperation { id status objectCount rootObjectCount url } }`);
    const op = current.body.data!.currentBulkOperation;
    // 3 variants + 3 locations each = 12 lines, 3 of them roots.
    expect(op).toMatchObject({ id: created.bulkOperation.id, status: "COMPLETED", objectCount: "12", rootObjectCount: "3" });
    const byNode = await gql(double, started.token, `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id: op.id });
    expect(byNode.body.data!.node).toEqual({ status: "COMPLETED", url: op.url });

    const file = await fetch(op.url);
    const lines = (await file.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    const variants = lines.filter((l) => !("__parentId" in l));
    expect(variants.map((v) => v.sku).sort()).toEqual(["HOOD-GRY-M", "TEE-BLK-L", "TEE-BLK-M"]);
    const tee = variants.find((v) => v.sku === "TEE-BLK-M");
    // Nested connections leave the parent row; non-connection objects stay inline.
    expect(tee).toEqual({ id: "gid://shopify/ProductVariant/8001", sku: "TEE-BLK-M", inventoryItem: { id: "gid://shopify/InventoryItem/9001" } });
    const levels = lines.filter((l) => l.__parentId === tee.id);
    expect(levels).toHaveLength(3);
    expect(levels.find((l) => l.location.id === "gid://shopify/Location/101").quantities).toEqual([
      { name: "available", quantity: 38 },
      { name: "committed", quantity: 2 },
      { name: "on_hand", quantity: 40 },
    ]);
    expect(double.deliveries().at(-1)).toMatchObject({ topic: "bulk_operations/finish", payload: { admin_graphql_api_id: op.id, status: "completed", type: "query", error_code: null } });
  });

  it("refuses queries Shopify would refuse", async () => {
    const started = await startDouble();
    double = started.double;
    const errorsOf = async (q: string) => (await gql(double!, started.token, RUN, { q })).body.data!.bulkOperationRunQuery.userErrors.map((e: { message: string }) => e.message);
    expect(await errorsOf(`{ shop { name } }`)).toEqual(["Bulk queries must contain at least one connection."]);
    expect((await errorsOf(`{ products { edges { node { id variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } }`))[0]).toMatch(
      /nesting depth greater than 2/,
    );
    expect(await errorsOf(`{ products { edges { node { title variants { edges { node { id } } } } } } }`)).toEqual([
      "The parent 'node' field for a nested connection must select the 'id' field (at products.variants).",
    ]);
    expect((await errorsOf(`{ products { edges { node { nope } } } }`))[0]).toBe("Invalid bulk query: Field 'nope' doesn't exist on type 'Product'");
  });

  it("allows one bulk query at a time per shop", async () => {
    const started = await startDouble({ bulkDelayMs: 50 });
    double = started.double;
    await gql(double, started.token, RUN, { q: SYNC });
    const second = await gql(double, started.token, RUN, { q: SYNC });
    expect(second.body.data!.bulkOperationRunQuery.userErrors[0].code).toBe("OPERATION_IN_PROGRESS");
    await double.bulkIdle();
    const third = await gql(double, started.token, RUN, { q: SYNC });
    expect(third.body.data!.bulkOperationRunQuery.userErrors).toEqual([]);
    await double.bulkIdle();
  });
});
