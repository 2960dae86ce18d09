import type { AdminClient } from "../client";
import { READ_NAMES } from "./inventory-quantities";

/**
 * Some items' quantities at ONE location: after a CHANGE_FROM_QUANTITY_STALE, only the locations
 * the refused write targeted are re-read (a change anywhere else reaches us as its own webhook).
 * InventoryQuantities reads every location of each item (2 + 3 × locations points an item); this
 * reads 3 an item: item 1 + level 1 + quantities 1. `nodes(ids:)` takes up to 250 ids.
 */
export const DOCUMENT = /* GraphQL */ `
  query InventoryLevelsAt($ids: [ID!]!, $location: ID!, $names: [String!]!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $location) {
          updatedAt
          quantities(names: $names) { name quantity }
        }
      }
    }
  }
`;

export const REQUESTED_COST_PER_ITEM = 3;
export const ITEMS_PER_CALL = Math.min(250, Math.floor(900 / REQUESTED_COST_PER_ITEM));

export interface LevelAtRead {
  itemId: string;
  locationId: string;
  updatedAt: string | null;
  quantities: Record<string, number>;
}

interface Data {
  nodes: ({ id: string; inventoryLevel: { updatedAt: string | null; quantities: { name: string; quantity: number }[] } | null } | null)[];
}

/** Items' levels at `location` (a location gid); an item not stocked there is absent. */
export async function readLevelsAt(client: AdminClient, itemGids: string[], location: string): Promise<{ levels: LevelAtRead[]; cost: number }> {
  const ids = [...new Set(itemGids)];
  const levels: LevelAtRead[] = [];
  let cost = 0;
  for (let i = 0; i < ids.length; i += ITEMS_PER_CALL) {
    const { data, stats } = await client.request<Data>("inventoryLevelsAt", DOCUMENT, { ids: ids.slice(i, i + ITEMS_PER_CALL), location, names: [...READ_NAMES] });
    cost += stats.cost;
    for (const node of data.nodes) {
      if (!node?.id || !node.inventoryLevel) continue;
      const l = node.inventoryLevel;
      levels.push({ itemId: node.id, locationId: location, updatedAt: l.updatedAt, quantities: Object.fromEntries(l.quantities.map((q) => [q.name, q.quantity])) });
    }
  }
  return { levels, cost };
}
