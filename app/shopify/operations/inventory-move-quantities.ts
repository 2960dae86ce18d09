import type { AdminClient, CallStats } from "../client";
import { ShopifyUserError, type UserError } from "../errors";

/**
 * Moves units between quantity states at one location (in-place publishing: `available` ⇄
 * `reserved`). The non-available side needs a ledger document, ours is the shop's hold URI.
 */
export const DOCUMENT = /* GraphQL */ `
  mutation InventoryMoveQuantities($input: InventoryMoveQuantitiesInput!, $idempotencyKey: String!) {
    inventoryMoveQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
        createdAt
      }
      userErrors { field message code }
    }
  }
`;

export interface MoveTerminal {
  locationId: string;
  name: string;
  ledgerDocumentUri: string | null;
}

export interface MoveQuantitiesInput {
  reason: string;
  referenceDocumentUri: string;
  changes: { inventoryItemId: string; quantity: number; from: MoveTerminal; to: MoveTerminal }[];
}

interface Data {
  inventoryMoveQuantities: { inventoryAdjustmentGroup: { id: string; createdAt: string } | null; userErrors: UserError[] };
}

export async function inventoryMoveQuantities(
  client: AdminClient,
  input: MoveQuantitiesInput,
  idempotencyKey: string,
): Promise<{ groupId: string | null; createdAt: string | null; stats: CallStats }> {
  const { data, stats } = await client.request<Data>("inventoryMoveQuantities", DOCUMENT, { input, idempotencyKey });
  const payload = data.inventoryMoveQuantities;
  if (payload.userErrors.length > 0) throw new ShopifyUserError(client.shop, "inventoryMoveQuantities", payload.userErrors);
  return { groupId: payload.inventoryAdjustmentGroup?.id ?? null, createdAt: payload.inventoryAdjustmentGroup?.createdAt ?? null, stats };
}
