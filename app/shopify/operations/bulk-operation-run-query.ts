import type { AdminClient } from "../client";
import { ShopifyUserError, type UserError } from "../errors";

/** Starts a bulk query; Shopify runs it in the background and writes JSONL (see current-bulk-operation.ts). */
export const DOCUMENT = /* GraphQL */ `
  mutation BulkOperationRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

/**
 * The catalogue and stock as one bulk query (initial sync and nightly reconciliation). Rooted at
 * productVariants so the nested connections (inventory levels, the product's collections) are
 * one level deep (bulk allows two). Each variant row carries its product and inventory item;
 * level and collection rows are children of their variant through `__parentId`.
 */
export const CATALOGUE_QUERY = /* GraphQL */ `
  query CatalogueBulk {
    productVariants {
      edges {
        node {
          id
          sku
          title
          product {
            id
            title
            vendor
            productType
            status
            tags
            updatedAt
            collections {
              edges { node { id handle } }
            }
          }
          inventoryItem {
            id
            tracked
            inventoryLevels {
              edges {
                node {
                  id
                  updatedAt
                  location { id }
                  quantities(names: ["available", "committed", "reserved", "safety_stock", "damaged", "quality_control"]) {
                    name
                    quantity
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

interface Data {
  bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: UserError[] };
}

export async function bulkOperationRunQuery(client: AdminClient, query: string): Promise<{ id: string; status: string }> {
  const { data } = await client.request<Data>("bulkOperationRunQuery", DOCUMENT, { query });
  const payload = data.bulkOperationRunQuery;
  if (payload.userErrors.length > 0 || !payload.bulkOperation) {
    throw new ShopifyUserError(client.shop, "bulkOperationRunQuery", payload.userErrors.length > 0 ? payload.userErrors : [{ message: "no bulk operation returned" }]);
  }
  return payload.bulkOperation;
}
