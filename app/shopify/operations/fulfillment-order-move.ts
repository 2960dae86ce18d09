import type { AdminClient } from "../client";
import { ShopifyUserError, type UserError } from "../errors";

/**
 * Re-routes a fulfillment order from a channel location to the facility that will pick it. Only
 * the moved fulfillment order's id is selected (a partly fulfilled one moves as a new fulfillment
 * order, and that id is what the fulfillment_orders/moved webhook names): 10 + 1 + userErrors 1.
 */
export const DOCUMENT = /* GraphQL */ `
  mutation FulfillmentOrderMove($id: ID!, $newLocationId: ID!) {
    fulfillmentOrderMove(id: $id, newLocationId: $newLocationId) {
      movedFulfillmentOrder { id }
      userErrors { field message }
    }
  }
`;

interface Data {
  fulfillmentOrderMove: { movedFulfillmentOrder: { id: string } | null; userErrors: UserError[] };
}

export async function fulfillmentOrderMove(client: AdminClient, fulfillmentOrderId: string, newLocationId: string): Promise<{ movedId: string | null; cost: number }> {
  const { data, stats } = await client.request<Data>("fulfillmentOrderMove", DOCUMENT, { id: fulfillmentOrderId, newLocationId });
  const payload = data.fulfillmentOrderMove;
  if (payload.userErrors.length > 0) throw new ShopifyUserError(client.shop, "fulfillmentOrderMove", payload.userErrors);
  return { movedId: payload.movedFulfillmentOrder?.id ?? null, cost: stats.cost };
}
