import type { GraphQLEnumType } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { loadAdminSchema, validateDocument } from "./schema";
import { gql, SET_QUANTITIES, startDouble } from "./test-helpers";
import type { ShopifyDouble } from "./double";

describe("Admin schema (dev-mcp 2025-01 + 2026 overlay)", () => {
  it("accepts inventorySetQuantities with @idempotent and changeFromQuantity", () => {
    expect(validateDocument(SET_QUANTITIES)).toEqual([]);
    const literal = `mutation {
      inventorySetQuantities(input: {name: "available", reason: "correction", referenceDocumentUri: "gid://ringfence/PushJob/1",
        quantities: [{inventoryItemId: "gid://shopify/InventoryItem/1", locationId: "gid://shopify/Location/2", quantity: 3, changeFromQuantity: null}]})
        @idempotent(key: "5b1f0c2e-0000-4000-8000-000000000001") { userErrors { code } }
    }`;
    expect(validateDocument(literal)).toEqual([]);
  });

  it("knows the 2026 error codes from the overlay", () => {
    const enumType = loadAdminSchema().getType("InventorySetQuantitiesUserErrorCode") as GraphQLEnumType;
    expect(enumType.getValues().map((v) => v.name)).toEqual(expect.arrayContaining(["CHANGE_FROM_QUANTITY_STALE", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]));
  });

  it("rejects a field Shopify doesn't have, worded as Shopify words it", () => {
    const errors = validateDocument(`query Stock { shop { name inventoryPools } }`);
    expect(errors).toEqual([
      {
        message: "Field 'inventoryPools' doesn't exist on type 'Shop'",
        locations: [{ line: 1, column: 27 }],
        path: ["query Stock", "shop", "inventoryPools"],
        extensions: { code: "undefinedField", typeName: "Shop", fieldName: "inventoryPools" },
      },
    ]);
  });

  it("rejects unknown arguments, unknown input fields and an undeclared directive argument", () => {
    const errors = validateDocument(`mutation {
      inventorySetQuantities(input: {name: "available", reason: "correction", quantities: [{inventoryItemId: "1", locationId: "2", quantity: 1, changeFrom: 3}]})
        @idempotent(id: "x") { userErrors { code } }
    }`);
    const codes = errors.map((e) => e.extensions?.code);
    expect(codes).toContain("argumentNotAccepted");
    expect(errors.some((e) => e.message.includes("changeFrom"))).toBe(true);
    expect(errors.every((e) => e.locations && e.locations.length > 0)).toBe(true);
  });

  it("reports syntax errors with a location", () => {
    const [e] = validateDocument(`query { shop { name }`);
    expect(e.message).toMatch(/^syntax error, /);
    expect(e.locations?.[0]).toEqual({ line: 1, column: 22 });
  });
});

describe("the endpoint validates every document", () => {
  let double: ShopifyDouble | undefined;
  afterEach(async () => double?.close());

  it("answers an invalid document with HTTP 200, errors and no data, and charges nothing", async () => {
    const started = await startDouble();
    double = started.double;
    const res = await gql(double, started.token, `{ shop { name notAField } }`);
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]).toMatchObject({ message: "Field 'notAField' doesn't exist on type 'Shop'", extensions: { code: "undefinedField" } });
    expect(double.stats().shopifyCalls).toMatchObject({ queries: 0, costPoints: 0 });
    expect(double.calls().graphql[0]).toMatchObject({ outcome: "invalid", errorCodes: ["undefinedField"] });
  });

  it("words bad variables as Shopify does", async () => {
    const started = await startDouble();
    double = started.double;
    const res = await gql(double, started.token, SET_QUANTITIES, {
      key: "k",
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: "x", locationId: "y", quantity: null, changeFromQuantity: null }] },
    });
    expect(res.body.errors?.[0].message).toBe(
      "Variable $input of type InventorySetQuantitiesInput! was provided invalid value for quantities.0.quantity (Expected non-nullable type \"Int!\" not to be null.)",
    );
    expect(res.body.errors?.[0].extensions?.code).toBe("INVALID_VARIABLE");
  });
});
