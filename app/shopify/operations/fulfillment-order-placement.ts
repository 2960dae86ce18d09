import type { FulfillmentOrderNodes } from "./order-fulfillment-orders";
import type { AdminClient } from "../client";

/**
 * Where each line item of a fulfillment order's order is assigned now (fulfillment_orders/moved
 * carries fulfillment order ids only, not the order or its line items). State, not deltas: the
 * answer is right whatever order the move webhooks arrive in. Page sizes keep the requested cost
 * under Shopify's 1,000-point ceiling (10 fulfillment orders × 40 lines).
 */
export const DOCUMENT = /* GraphQL */ `
  query FulfillmentOrderPlacement($id: ID!) {
    fulfillmentOrder(id: $id) {
      id
      order {
        id
        fulfillmentOrders(first: 10) {
          nodes {
            id
            status
            assignedLocation { location { id } }
            lineItems(first: 40) {
              nodes {
                remainingQuantity
                lineItem { id }
              }
            }
          }
        }
      }
    }
  }
`;

export interface Placement {
  orderGid: string;
  fulfillmentOrders: { id: string; status: string; locationGid: string | null; lines: { lineItemGid: string; remainingQuantity: number }[] }[];
}

interface Data {
  fulfillmentOrder: {
    id: string;
    order: {
      id: string;
      fulfillmentOrders: FulfillmentOrderNodes<{ remainingQuantity: number; lineItem: { id: string } }>;
    };
  } | null;
}

/** null when Shopify no longer knows the fulfillment order. */
export async function fulfillmentOrderPlacement(client: AdminClient, fulfillmentOrderGid: string): Promise<Placement | null> {
  const { data } = await client.request<Data>("fulfillmentOrderPlacement", DOCUMENT, { id: fulfillmentOrderGid });
  const fo = data.fulfillmentOrder;
  if (!fo) return null;
  return {
    orderGid: fo.order.id,
    fulfillmentOrders: fo.order.fulfillmentOrders.nodes.map((n) => ({
      id: n.id,
      status: n.status,
      locationGid: n.assignedLocation.location?.id ?? null,
      lines: n.lineItems.nodes.map((l) => ({ lineItemGid: l.lineItem.id, remainingQuantity: l.remainingQuantity })),
    })),
  };
}
