import type { AdminClient } from "../client";

/**
 * After the app moves fulfillment orders off a channel location: the moved items' levels at the
 * two locations the move changed (the channel location and the destination facility), and only
 * the names a move changes (committed units move; available follows at both ends; reserved,
 * safety_stock, damaged and quality_control do not move). InventoryQuantities reads every
 * location, ~3 points a location per item; this reads 5 points per item: item 1 + 2 × (level 1 +
 * quantities 1). `nodes(ids:)` takes up to 250 ids; 180 keep the requested cost at 900.
 */
export const DOCUMENT = /* GraphQL */ `
  query InventoryLevelsAfterMove($ids: [ID!]!, $from: ID!, $to: ID!, $names: [String!]!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        from: inventoryLevel(locationId: $from) {
          updatedAt
          quantities(names: $names) { name quantity }
        }
        to: inventoryLevel(locationId: $to) {
          updatedAt
          quantities(names: $names) { name quantity }
        }
      }
    }
  }
`;

export const MOVE_NAMES = ["available", "committed"] as const;
export const REQUESTED_COST_PER_ITEM = 1 + 2 * (1 + 1);
export const ITEMS_PER_CALL = Math.min(250, Math.floor(900 / REQUESTED_COST_PER_ITEM));

export interface MovedLevelRead {
  itemId: string;
  locationId: string;
  updatedAt: string | null;
  quantities: Record<string, number>;
}

type Level = { updatedAt: string | null; quantities: { name: string; quantity: number }[] } | null;

interface Data {
  nodes: ({ id: string; from: Level; to: Level } | null)[];
}

/** Items' levels at `from` and `to` (location gids); a level Shopify does not have is absent. */
export async function readLevelsAfterMove(client: AdminClient, itemGids: string[], from: string, to: string): Promise<{ levels: MovedLevelRead[]; cost: number }> {
  const ids = [...new Set(itemGids)];
  const levels: MovedLevelRead[] = [];
  let cost = 0;
  for (let i = 0; i < ids.length; i += ITEMS_PER_CALL) {
    const { data, stats } = await client.request<Data>("inventoryLevelsAfterMove", DOCUMENT, { ids: ids.slice(i, i + ITEMS_PER_CALL), from, to, names: [...MOVE_NAMES] });
    cost += stats.cost;
    for (const node of data.nodes) {
      if (!node?.id) continue;
      for (const [locationId, level] of [
        [from, node.from],
        [to, node.to],
      ] as const) {
        if (!level) continue;
        levels.push({ itemId: node.id, locationId, updatedAt: level.updatedAt, quantities: Object.fromEntries(level.quantities.map((q) => [q.name, q.quantity])) });
      }
    }
  }
  return { levels, cost };
}
