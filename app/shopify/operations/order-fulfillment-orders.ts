import type { AdminClient } from "../client";

/**
 * Many orders' fulfillment orders in one call: where Shopify assigned each line (routing
 * channel-location orders). One aliased `order(id:)` per order rather than `nodes(ids:)`: `order`
 * returns the Order object, so the charged cost counts the fulfillment orders and lines actually
 * returned; `nodes` returns the Node interface, whose results the Shopify test double charges at
 * their requested (worst-case) cost, since the returned data does not name the runtime type.
 *
 * Requested cost per order: order 1 + fulfillmentOrders (2 + 3 × (1 + assignedLocation 1 +
 * location 1 + lineItems (2 + 25 × 1))) = 93. Actual cost for an order with one fulfillment order
 * of two lines: 10. Shopify runs a query only when its requested cost is in the bucket, so a call
 * reads ORDERS_PER_CALL = 4 orders (372 requested): ten (930, the most under the 1,000-point
 * limit) waited seconds for a bucket that routing a flash sale keeps low, for the same actual cost.
 */

export const FULFILLMENT_ORDERS_PER_ORDER = 3;
export const LINES_PER_FULFILLMENT_ORDER = 25;
export const REQUESTED_COST_PER_ORDER = 1 + 2 + FULFILLMENT_ORDERS_PER_ORDER * (1 + 1 + 1 + 2 + LINES_PER_FULFILLMENT_ORDER);
export const ORDERS_PER_CALL = 4;

const FRAGMENT = /* GraphQL */ `
  fragment RoutingFulfillmentOrders on Order {
    id
    fulfillmentOrders(first: ${FULFILLMENT_ORDERS_PER_ORDER}) {
      nodes {
        id
        status
        assignedLocation { location { id } }
        lineItems(first: ${LINES_PER_FULFILLMENT_ORDER}) {
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

/** The document for `n` orders (variables $o0 … $o{n−1}). */
export function documentFor(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > ORDERS_PER_CALL) throw new RangeError(`orders per call: must be 1…${ORDERS_PER_CALL}, got ${n}`);
  const indexes = Array.from({ length: n }, (_, i) => i);
  return `query OrderFulfillmentOrders(${indexes.map((i) => `$o${i}: ID!`).join(", ")}) {
${indexes.map((i) => `  o${i}: order(id: $o${i}) { ...RoutingFulfillmentOrders }`).join("\n")}
}
${FRAGMENT}`;
}

/** The full-size document (what a full chunk sends; validated against the schema in a test). */
export const DOCUMENT = documentFor(ORDERS_PER_CALL);

export interface FulfillmentOrderView {
  id: string;
  status: string;
  locationId: string | null;
  lines: { id: string; remainingQuantity: number; inventoryItemId: string | null }[];
}

/** An order's `fulfillmentOrders` connection as our documents select it; lines differ per document. */
export interface FulfillmentOrderNodes<Line> {
  nodes: {
    id: string;
    status: string;
    assignedLocation: { location: { id: string } | null };
    lineItems: { nodes: Line[] };
  }[];
}

interface OrderData {
  id: string;
  fulfillmentOrders: FulfillmentOrderNodes<{ id: string; remainingQuantity: number; inventoryItemId: string | null }>;
}

/**
 * Order gid → its fulfillment orders (an order Shopify does not know is absent), reading
 * ORDERS_PER_CALL orders per call. Returns the points charged too.
 */
export async function ordersFulfillmentOrders(client: AdminClient, orderGids: string[]): Promise<{ byOrder: Map<string, FulfillmentOrderView[]>; cost: number; calls: number }> {
  const unique = [...new Set(orderGids)];
  const byOrder = new Map<string, FulfillmentOrderView[]>();
  let cost = 0;
  let calls = 0;
  for (let i = 0; i < unique.length; i += ORDERS_PER_CALL) {
    const chunk = unique.slice(i, i + ORDERS_PER_CALL);
    const variables = Object.fromEntries(chunk.map((gid, j) => [`o${j}`, gid]));
    const { data, stats } = await client.request<Record<string, OrderData | null>>("orderFulfillmentOrders", documentFor(chunk.length), variables);
    cost += stats.cost;
    calls++;
    chunk.forEach((gid, j) => {
      const order = data[`o${j}`];
      if (!order) return;
      byOrder.set(
        gid,
        order.fulfillmentOrders.nodes.map((fo) => ({
          id: fo.id,
          status: fo.status,
          locationId: fo.assignedLocation.location?.id ?? null,
          lines: fo.lineItems.nodes,
        })),
      );
    });
  }
  return { byOrder, cost, calls };
}
