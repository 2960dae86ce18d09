import type { AdminClient } from "../client";
import type { FulfillmentOrderView } from "./order-fulfillment-orders";

/**
 * The open fulfillment orders assigned to one location (a channel location: the orders routing
 * moves off it), oldest first, through `QueryRoot.fulfillmentOrders(query:)`, which filters by
 * `assigned_location_id` and `status` (2025-01 schema). Cheaper per order than reading each
 * order's fulfillment orders (order-fulfillment-orders.ts): no Order object and no assigned
 * location to select, since the filter says where they are: a fulfillment order of two lines is
 * charged 5 points (fulfillment order 1 + lineItems 2 + 2 lines) against 10 through its order.
 * A page asks for FULFILLMENT_ORDERS_PER_PAGE × (1 + 2 + LINES) + 2 = 262 points.
 */

export const FULFILLMENT_ORDERS_PER_PAGE = 20;
export const LINES = 10;
export const REQUESTED_COST_PER_PAGE = 2 + FULFILLMENT_ORDERS_PER_PAGE * (1 + 2 + LINES);
/** Pages one call of `openFulfillmentOrdersAt` reads at most (the caller reads the rest by order). */
export const MAX_PAGES = 5;

export const DOCUMENT = /* GraphQL */ `
  query FulfillmentOrdersAt($query: String!, $first: Int!, $after: String, $lines: Int!) {
    fulfillmentOrders(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        status
        orderId
        lineItems(first: $lines) {
          pageInfo { hasNextPage }
          nodes {
            id
            remainingQuantity
            inventoryItemId
          }
        }
      }
    }
  }
`;

type Line = { id: string; remainingQuantity: number; inventoryItemId: string | null };

interface Data {
  fulfillmentOrders: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; status: string; orderId: string; lineItems: { pageInfo: { hasNextPage: boolean }; nodes: Line[] } }[];
  };
}

/**
 * The open fulfillment orders at `locationGid` of the orders in `orderGids`, by order gid, read
 * page by page until every one of those orders has been seen, the pages end, or MAX_PAGES were
 * read. An order with a fulfillment order of more than LINES lines is left out (in `overflow`),
 * like orders not found: the caller reads those orders whole.
 */
export async function openFulfillmentOrdersAt(
  client: AdminClient,
  locationGid: string,
  orderGids: string[],
): Promise<{ byOrder: Map<string, FulfillmentOrderView[]>; overflow: Set<string>; cost: number; calls: number }> {
  const wanted = new Set(orderGids);
  const byOrder = new Map<string, FulfillmentOrderView[]>();
  const overflow = new Set<string>();
  const query = `assigned_location_id:${locationGid.replace(/^gid:\/\/shopify\/Location\//, "")} status:open`;
  let after: string | null = null;
  let cost = 0;
  let calls = 0;
  while (calls < MAX_PAGES) {
    const answer: { data: Data; stats: { cost: number } } = await client.request<Data>("fulfillmentOrdersAt", DOCUMENT, { query, first: FULFILLMENT_ORDERS_PER_PAGE, after, lines: LINES });
    const { data, stats } = answer;
    cost += stats.cost;
    calls++;
    for (const fo of data.fulfillmentOrders.nodes) {
      if (!wanted.has(fo.orderId)) continue;
      if (fo.lineItems.pageInfo.hasNextPage) overflow.add(fo.orderId);
      const list = byOrder.get(fo.orderId) ?? [];
      list.push({ id: fo.id, status: fo.status, locationId: locationGid, lines: fo.lineItems.nodes });
      byOrder.set(fo.orderId, list);
    }
    const page: Data["fulfillmentOrders"]["pageInfo"] = data.fulfillmentOrders.pageInfo;
    if (!page.hasNextPage || [...wanted].every((o) => byOrder.has(o))) break;
    after = page.endCursor;
  }
  for (const o of overflow) byOrder.delete(o);
  return { byOrder, overflow, cost, calls };
}
