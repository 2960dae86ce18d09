import type { AdminClient } from "../client";

/**
 * Many orders' fulfillment orders in one call: where Shopify assigned each line (routing
 * channel-location orders). One aliased `order(id:)` per order rather than `nodes(ids:)`: `order`
 * returns the Order object, so the charged cost counts the fulfillment orders and lines actually
 * returned; `nodes` returns the Node interface, whose results the Shopify test double charges at
 * their requested (worst-case) cost, since the returned data does not name the runtime type.
 *
 * Shopify runs a query only once its requested (worst-case) cost is in the bucket, and a flash
 * sale's routing keeps the bucket low: a call asking for 372 points (4 orders × 3 fulfillment
 * orders × 25 lines) waited up to seconds for a read charged 40. So a call asks for what an order
 * usually is (NARROW: 2 fulfillment orders of up to 10 lines, 33 points an order, 8 orders a call
 * = 264) and says when it was not (`pageInfo.hasNextPage`); an order that did not fit is read again
 * on its own with WIDE sizes (5 × 50 = 278 points). Only what comes back is charged either way:
 * an order with one fulfillment order of two lines costs 10 (order 1 + fulfillmentOrders 2 +
 * fulfillment order 1 + assignedLocation 1 + location 1 + lineItems 2 + 2 lines).
 */

export interface PageSizes {
  fulfillmentOrders: number;
  lines: number;
}

export const NARROW: PageSizes = { fulfillmentOrders: 2, lines: 10 };
export const WIDE: PageSizes = { fulfillmentOrders: 5, lines: 50 };
export const requestedCostPerOrder = (p: PageSizes) => 1 + 2 + p.fulfillmentOrders * (1 + 1 + 1 + 2 + p.lines);
export const ORDERS_PER_CALL = 8;

const FRAGMENT = /* GraphQL */ `
  fragment RoutingFulfillmentOrders on Order {
    id
    fulfillmentOrders(first: $fulfillmentOrders) {
      pageInfo { hasNextPage }
      nodes {
        id
        status
        assignedLocation { location { id } }
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

/** The document for `n` orders (variables $o0 … $o{n−1}, and the page sizes). */
export function documentFor(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > ORDERS_PER_CALL) throw new RangeError(`orders per call: must be 1…${ORDERS_PER_CALL}, got ${n}`);
  const indexes = Array.from({ length: n }, (_, i) => i);
  return `query OrderFulfillmentOrders(${indexes.map((i) => `$o${i}: ID!`).join(", ")}, $fulfillmentOrders: Int!, $lines: Int!) {
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

type Line = { id: string; remainingQuantity: number; inventoryItemId: string | null };

interface OrderData {
  id: string;
  fulfillmentOrders: {
    pageInfo: { hasNextPage: boolean };
    nodes: (FulfillmentOrderNodes<Line>["nodes"][number] & { lineItems: { pageInfo: { hasNextPage: boolean } } })[];
  };
}

/**
 * Order gid → its fulfillment orders (an order Shopify does not know is absent), reading
 * ORDERS_PER_CALL orders per call at NARROW sizes, then each order that did not fit alone at WIDE
 * sizes. An order that does not fit even then is in `truncated` (and absent from `byOrder`): the
 * caller cannot know all it holds, so must not move it. Returns the points charged too.
 */
export async function ordersFulfillmentOrders(
  client: AdminClient,
  orderGids: string[],
): Promise<{ byOrder: Map<string, FulfillmentOrderView[]>; truncated: string[]; cost: number; calls: number }> {
  const byOrder = new Map<string, FulfillmentOrderView[]>();
  const truncated: string[] = [];
  let cost = 0;
  let calls = 0;
  const read = async (chunk: string[], sizes: PageSizes): Promise<string[]> => {
    const variables: Record<string, unknown> = { fulfillmentOrders: sizes.fulfillmentOrders, lines: sizes.lines };
    chunk.forEach((gid, j) => (variables[`o${j}`] = gid));
    const { data, stats } = await client.request<Record<string, OrderData | null>>("orderFulfillmentOrders", documentFor(chunk.length), variables);
    cost += stats.cost;
    calls++;
    const overflow: string[] = [];
    chunk.forEach((gid, j) => {
      const order = data[`o${j}`];
      if (!order) return;
      const fos = order.fulfillmentOrders;
      if (fos.pageInfo.hasNextPage || fos.nodes.some((fo) => fo.lineItems.pageInfo.hasNextPage)) {
        overflow.push(gid);
        return;
      }
      byOrder.set(
        gid,
        fos.nodes.map((fo) => ({ id: fo.id, status: fo.status, locationId: fo.assignedLocation.location?.id ?? null, lines: fo.lineItems.nodes })),
      );
    });
    return overflow;
  };
  const unique = [...new Set(orderGids)];
  const overflow: string[] = [];
  for (let i = 0; i < unique.length; i += ORDERS_PER_CALL) overflow.push(...(await read(unique.slice(i, i + ORDERS_PER_CALL), NARROW)));
  for (const gid of overflow) truncated.push(...(await read([gid], WIDE)));
  return { byOrder, truncated, cost, calls };
}
