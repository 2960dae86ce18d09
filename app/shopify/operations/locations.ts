import type { AdminClient } from "../client";

/** Every location, active or not, paged (shops have a handful; bulk is not worth it). */
export const DOCUMENT = /* GraphQL */ `
  query Locations($first: Int!, $after: String) {
    locations(first: $first, after: $after, includeInactive: true) {
      nodes {
        id
        name
        isActive
        fulfillsOnlineOrders
        isFulfillmentService
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export interface ShopifyLocation {
  id: string;
  name: string;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  isFulfillmentService: boolean;
}

interface Data {
  locations: { nodes: ShopifyLocation[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export async function readLocations(client: AdminClient): Promise<ShopifyLocation[]> {
  const out: ShopifyLocation[] = [];
  let after: string | null = null;
  for (;;) {
    const { data }: { data: Data } = await client.request<Data>("locations", DOCUMENT, { first: 100, after });
    out.push(...data.locations.nodes);
    if (!data.locations.pageInfo.hasNextPage) return out;
    after = data.locations.pageInfo.endCursor;
  }
}
