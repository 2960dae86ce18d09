import type { AdminClient } from "../client";

/** An order's fulfillment orders: where Shopify assigned each line (routing channel-location orders). First 3 × 25 lines keeps the requested cost under 100 points (we wait for it in the bucket) (the limit is 1,000). */
export const DOCUMENT = /* GraphQL */ `
  query OrderFulfillmentOrders($id: ID!) {
    order(id: $id) {
      id
      fulfillmentOrders(first: 3) {
        nodes {
          id
          status
          assignedLocation { location { id } }
          lineItems(first: 25) {
            nodes {
              id
              remainingQuantity
              inventoryItemId
            }
          }
        }
      }
    }
  }
`;

export interface FulfillmentOrderView {
  id: string;
  status: string;
  locationId: string | null;
  lines: { id: string; remainingQuantity: number; inventoryItemId: string | null }[];
}

interface Data {
  order: {
    id: string;
    fulfillmentOrders: {
      nodes: {
        id: string;
        status: string;
        assignedLocation: { location: { id: string } | null };
        lineItems: { nodes: { id: string; remainingQuantity: number; inventoryItemId: string | null }[] };
      }[];
    };
  } | null;
}

export async function orderFulfillmentOrders(client: AdminClient, orderGid: string): Promise<FulfillmentOrderView[]> {
  const { data } = await client.request<Data>("orderFulfillmentOrders", DOCUMENT, { id: orderGid });
  return (data.order?.fulfillmentOrders.nodes ?? []).map((fo) => ({
    id: fo.id,
    status: fo.status,
    locationId: fo.assignedLocation.location?.id ?? null,
    lines: fo.lineItems.nodes,
  }));
}
