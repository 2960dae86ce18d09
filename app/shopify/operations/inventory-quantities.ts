import type { AdminClient } from "../client";

/**
 * Re-reads quantities of some items at every location they are stocked at (after a
 * CHANGE_FROM_QUANTITY_STALE, before we plan again). `nodes` takes up to 250 ids; callers chunk
 * so the requested cost stays under Shopify's 1,000 points.
 */
export const DOCUMENT = /* GraphQL */ `
  query InventoryQuantities($ids: [ID!]!, $levels: Int!, $names: [String!]!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevels(first: $levels) {
          nodes {
            location { id }
            updatedAt
            quantities(names: $names) { name quantity }
          }
        }
      }
    }
  }
`;

export const READ_NAMES = ["available", "committed", "reserved", "safety_stock", "damaged", "quality_control"] as const;

export interface LevelRead {
  itemId: string;
  locationId: string;
  updatedAt: string | null;
  quantities: Record<string, number>;
}

interface Data {
  nodes: ({ id: string; inventoryLevels: { nodes: { location: { id: string }; updatedAt: string | null; quantities: { name: string; quantity: number }[] }[] } } | null)[];
}

export async function readInventoryQuantities(
  client: AdminClient,
  itemIds: string[],
  opts: { locations: number },
): Promise<{ levels: LevelRead[]; cost: number }> {
  const levels = Math.max(1, Math.min(250, opts.locations));
  // Requested cost ≈ items × (2 + levels × 3): keep one call under ~900 points.
  const perCall = Math.max(1, Math.min(250, Math.floor(900 / (2 + levels * 3))));
  const out: LevelRead[] = [];
  let cost = 0;
  for (let i = 0; i < itemIds.length; i += perCall) {
    const ids = itemIds.slice(i, i + perCall);
    const { data, stats } = await client.request<Data>("inventoryQuantities", DOCUMENT, { ids, levels, names: [...READ_NAMES] });
    cost += stats.cost;
    for (const node of data.nodes) {
      if (!node?.inventoryLevels) continue;
      for (const l of node.inventoryLevels.nodes) {
        out.push({
          itemId: node.id,
          locationId: l.location.id,
          updatedAt: l.updatedAt,
          quantities: Object.fromEntries(l.quantities.map((q) => [q.name, q.quantity])),
        });
      }
    }
  }
  return { levels: out, cost };
}
