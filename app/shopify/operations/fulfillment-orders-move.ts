import type { AdminClient, CallStats } from "../client";
import type { UserError } from "../errors";

/**
 * Moves several fulfillment orders off a channel location in one call and, in the same call,
 * takes back from the channel location's `available` the units the moves return to it. A move
 * returns the fulfillment order's units to `available` at the location it leaves: until they are
 * taken back, the channel is shown them on top of its ATS, free to be sold a second time. Root
 * mutation fields run one after the other, in document order (GraphQL spec, "Executing
 * Operations"), so the restore runs right after the last move. It is a delta (each item's units
 * moved, negated), not an absolute: a sale landing at any moment composes with it, and nothing we
 * believe about the level is needed. Its compare-and-swap is skipped (`changeFromQuantity: null`,
 * https://shopify.dev/docs/api/admin-graphql/2026-07/input-objects/InventoryChangeInput): the
 * delta is exactly what the moves before it added. A move Shopify refuses added nothing, so the
 * caller re-reads that location and pushes it. Requested cost: 12 a move, 12 the restore.
 */

/** Moves in one call (12 points each requested; Shopify refuses a call above 1,000). */
export const MOVES_PER_CALL = 20;

// updatedAt (a scalar: no cost) is when Shopify made the move, on Shopify's clock: the caller tells
// by it whether the destination's level it holds was read before or after the move.
const MOVE_SELECTION = "movedFulfillmentOrder { id updatedAt } userErrors { field message }";

/** The document for `n` moves (variables $id0/$to0 …), with the restore write unless `restore` is false. */
export function documentFor(n: number, restore: boolean): string {
  if (!Number.isInteger(n) || n < 1 || n > MOVES_PER_CALL) throw new RangeError(`moves per call: must be 1…${MOVES_PER_CALL}, got ${n}`);
  const indexes = Array.from({ length: n }, (_, i) => i);
  const params = indexes.flatMap((i) => [`$id${i}: ID!`, `$to${i}: ID!`]);
  if (restore) params.push("$restore: InventoryAdjustQuantitiesInput!", "$restoreKey: String!");
  return `mutation FulfillmentOrdersMove(${params.join(", ")}) {
${indexes.map((i) => `  m${i}: fulfillmentOrderMove(id: $id${i}, newLocationId: $to${i}) { ${MOVE_SELECTION} }`).join("\n")}
${restore ? "  restore: inventoryAdjustQuantities(input: $restore) @idempotent(key: $restoreKey) { inventoryAdjustmentGroup { createdAt } userErrors { field message code } }\n" : ""}}`;
}

/** The full-size document (validated against the schema in a test). */
export const DOCUMENT = documentFor(MOVES_PER_CALL, true);

export interface RestoreInput {
  name: "available";
  reason: string;
  referenceDocumentUri: string;
  changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity: null }[];
}

export interface MoveRequest {
  fulfillmentOrderId: string;
  newLocationId: string;
}

export interface MovesResult {
  /** Per request, in order: the moved fulfillment order's id and when Shopify moved it, or Shopify's refusal. */
  moves: ({ ok: true; movedId: string | null; movedAt: string | null } | { ok: false; userErrors: UserError[] })[];
  /** The restore write: null when none was sent. */
  restore: { ok: true; createdAt: string | null } | { ok: false; userErrors: UserError[] } | null;
  stats: CallStats;
}

type MovePayload = { movedFulfillmentOrder: { id: string; updatedAt: string | null } | null; userErrors: UserError[] };
type RestorePayload = { inventoryAdjustmentGroup: { createdAt: string } | null; userErrors: UserError[] };

export async function fulfillmentOrdersMove(
  client: AdminClient,
  moves: MoveRequest[],
  restore: { input: RestoreInput; idempotencyKey: string } | null,
): Promise<MovesResult> {
  const variables: Record<string, unknown> = {};
  moves.forEach((m, i) => {
    variables[`id${i}`] = m.fulfillmentOrderId;
    variables[`to${i}`] = m.newLocationId;
  });
  if (restore) {
    variables.restore = restore.input;
    variables.restoreKey = restore.idempotencyKey;
  }
  const { data, stats } = await client.request<Record<string, MovePayload | RestorePayload>>("fulfillmentOrdersMove", documentFor(moves.length, restore !== null), variables);
  return {
    moves: moves.map((_, i) => {
      const p = data[`m${i}`] as MovePayload;
      return p.userErrors.length > 0 ? { ok: false, userErrors: p.userErrors } : { ok: true, movedId: p.movedFulfillmentOrder?.id ?? null, movedAt: p.movedFulfillmentOrder?.updatedAt ?? null };
    }),
    restore: restore
      ? (() => {
          const p = data.restore as RestorePayload;
          return p.userErrors.length > 0 ? { ok: false, userErrors: p.userErrors } : { ok: true, createdAt: p.inventoryAdjustmentGroup?.createdAt ?? null };
        })()
      : null,
    stats,
  };
}
