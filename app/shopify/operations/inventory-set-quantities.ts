import type { AdminClient, CallStats } from "../client";
import { ShopifyUserError, type UserError } from "../errors";

/**
 * Compare-and-swap write of `available` (or `on_hand`): every quantity carries the value we
 * believe Shopify holds now; a sale in between makes the whole call fail with
 * CHANGE_FROM_QUANTITY_STALE instead of being erased. `@idempotent` (required for inventory
 * adjustments since 2026-04) makes a retry with the same key apply once.
 */
export const DOCUMENT = /* GraphQL */ `
  mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
        createdAt
        changes {
          name
          delta
          quantityAfterChange
          item { id }
          location { id }
        }
      }
      userErrors { field message code }
    }
  }
`;

export interface SetQuantity {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  /** null skips the check; we never send null for pushes. */
  changeFromQuantity: number | null;
}

export interface SetQuantitiesInput {
  name: "available" | "on_hand";
  reason: string;
  referenceDocumentUri: string;
  quantities: SetQuantity[];
}

export interface SetQuantitiesResult {
  groupId: string | null;
  createdAt: string | null;
  changes: { name: string; delta: number; quantityAfterChange: number | null; itemId: string; locationId: string }[];
  stats: CallStats;
}

interface Data {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: {
      id: string;
      createdAt: string;
      changes: { name: string; delta: number; quantityAfterChange: number | null; item: { id: string }; location: { id: string } }[];
    } | null;
    userErrors: UserError[];
  };
}

export const MAX_QUANTITIES_PER_CALL = 250;

export async function inventorySetQuantities(client: AdminClient, input: SetQuantitiesInput, idempotencyKey: string): Promise<SetQuantitiesResult> {
  if (input.quantities.length > MAX_QUANTITIES_PER_CALL) {
    throw new RangeError(`quantities: at most ${MAX_QUANTITIES_PER_CALL} per call, got ${input.quantities.length}`);
  }
  const { data, stats } = await client.request<Data>("inventorySetQuantities", DOCUMENT, { input, idempotencyKey });
  const payload = data.inventorySetQuantities;
  if (payload.userErrors.length > 0) throw new ShopifyUserError(client.shop, "inventorySetQuantities", payload.userErrors);
  const group = payload.inventoryAdjustmentGroup;
  return {
    groupId: group?.id ?? null,
    createdAt: group?.createdAt ?? null,
    changes: (group?.changes ?? []).map((c) => ({ name: c.name, delta: c.delta, quantityAfterChange: c.quantityAfterChange, itemId: c.item.id, locationId: c.location.id })),
    stats,
  };
}
