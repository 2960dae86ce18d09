import {
  InventoryTx,
  isLedgerName,
  quantity,
  type AdjustmentGroupRec,
  type InventoryChangeRec,
  type LevelRec,
  type ShopState,
  type StoredName,
} from "./shop-state";

/**
 * inventorySetQuantities and inventoryMoveQuantities with Shopify's validation rules. Both are
 * all-or-nothing: every input is checked (and every compare-and-swap value compared) before
 * anything is applied.
 */

export interface UserError {
  field: string[];
  message: string;
  code: string;
}

export interface InventoryWriteResult {
  userErrors: UserError[];
  group: AdjustmentGroupRec | null;
  changes: InventoryChangeRec[];
  touched: LevelRec[];
}

/** https://shopify.dev/docs/apps/fulfillment/inventory-management-apps/quantities-states#set-inventory-quantities-on-hand */
export const INVENTORY_REASONS = [
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_canceled",
  "movement_created",
  "movement_received",
  "movement_updated",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
];

const MOVABLE_NAMES: readonly StoredName[] = ["available", "reserved", "safety_stock", "damaged", "quality_control"];
const MAX_QUANTITY = 1_000_000_000;

export function parseGid(value: unknown, type: string): number | null {
  if (typeof value !== "string") return null;
  const m = value.match(/^gid:\/\/shopify\/(\w+)\/(\d+)(?:\?.*)?$/);
  if (!m || m[1] !== type) return null;
  return Number(m[2]);
}

const isUri = (s: string) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(s);

function failed(userErrors: UserError[]): InventoryWriteResult {
  return { userErrors, group: null, changes: [], touched: [] };
}

/** The reason and reference document of an inventory write, with Shopify's codes. */
function checkDocument(input: { reason: string; referenceDocumentUri?: string | null }, errors: UserError[]): void {
  if (!INVENTORY_REASONS.includes(input.reason)) errors.push({ field: ["input", "reason"], code: "INVALID_REASON", message: "The specified reason is invalid." });
  if (input.referenceDocumentUri != null && !isUri(input.referenceDocumentUri))
    errors.push({ field: ["input", "referenceDocumentUri"], code: "INVALID_REFERENCE_DOCUMENT", message: "The specified reference document is invalid." });
}

/** The level one input names (item and location ids), with Shopify's codes for an unknown item, location or unstocked pair. */
function namedLevel(shop: ShopState, at: string[], q: { inventoryItemId: string; locationId: string }, errors: UserError[]): LevelRec | undefined {
  const itemId = parseGid(q.inventoryItemId, "InventoryItem");
  const locationId = parseGid(q.locationId, "Location");
  if (itemId === null || !shop.itemToVariant.has(itemId))
    errors.push({ field: [...at, "inventoryItemId"], code: "INVALID_INVENTORY_ITEM", message: "The specified inventory item could not be found." });
  if (locationId === null || !shop.locations.has(locationId))
    errors.push({ field: [...at, "locationId"], code: "INVALID_LOCATION", message: "The specified location could not be found." });
  const level = itemId !== null && locationId !== null ? shop.level(itemId, locationId) : undefined;
  if (itemId !== null && locationId !== null && shop.itemToVariant.has(itemId) && shop.locations.has(locationId) && !level)
    errors.push({ field: [...at, "locationId"], code: "ITEM_NOT_STOCKED_AT_LOCATION", message: "The specified inventory item is not stocked at the location." });
  return level;
}

export interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[];
}

export function setQuantities(shop: ShopState, input: SetQuantitiesInput, now: number): InventoryWriteResult {
  const errors: UserError[] = [];
  if (input.name !== "available" && input.name !== "on_hand")
    errors.push({ field: ["input", "name"], code: "INVALID_NAME", message: "The quantity name must be either 'available' or 'on_hand'." });
  checkDocument(input, errors);
  const levels: (LevelRec | undefined)[] = [];
  const seen = new Set<string>();
  input.quantities.forEach((q, i) => {
    const at = ["input", "quantities", String(i)];
    const level = namedLevel(shop, at, q, errors);
    if (q.quantity < 0) errors.push({ field: [...at, "quantity"], code: "INVALID_QUANTITY_NEGATIVE", message: "The quantity can't be negative." });
    if (q.quantity > MAX_QUANTITY)
      errors.push({ field: [...at, "quantity"], code: "INVALID_QUANTITY_TOO_HIGH", message: "The total quantity can't be higher than 1,000,000,000." });
    const pair = `${q.inventoryItemId}|${q.locationId}`;
    if (seen.has(pair))
      errors.push({
        field: [...at],
        code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
        message: "The combination of inventoryItemId and locationId must be unique.",
      });
    seen.add(pair);
    levels.push(level);
  });
  if (errors.length > 0) return failed(errors);

  const name = input.name as "available" | "on_hand";
  // Compare-and-swap, checked for every quantity before any is written:
  // https://shopify.dev/docs/api/admin-graphql/2026-07/input-objects/InventoryQuantityInput
  input.quantities.forEach((q, i) => {
    if (q.changeFromQuantity === null || q.changeFromQuantity === undefined) return;
    const current = quantity(levels[i]!, name);
    if (current !== q.changeFromQuantity)
      errors.push({
        field: ["input", "quantities", String(i), "changeFromQuantity"],
        code: "CHANGE_FROM_QUANTITY_STALE",
        message: `The changeFromQuantity value does not match persisted value (${name} is ${current}, not ${q.changeFromQuantity}).`,
      });
  });
  if (errors.length > 0) return failed(errors);

  const tx = new InventoryTx(shop, { reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, actor: "app" });
  input.quantities.forEach((q, i) => {
    const level = levels[i]!;
    // Setting available moves on_hand by the delta; setting on_hand moves available by the delta.
    tx.add(level, "available", q.quantity - quantity(level, name));
  });
  if (tx.empty) return failed([]);
  const { changes, touched, group } = tx.apply(now, { group: true });
  return { userErrors: [], group, changes, touched };
}

export interface AdjustQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }[];
}

/**
 * inventoryAdjustQuantities of `available` (what the app sends; other names with their ledger
 * documents are not modelled and are refused by the resolver). Deltas, with the 2026-04
 * compare-and-swap per change (`changeFromQuantity`, explicit null skips it): all or nothing.
 * https://shopify.dev/docs/api/admin-graphql/2026-07/mutations/inventoryAdjustQuantities
 */
export function adjustQuantities(shop: ShopState, input: AdjustQuantitiesInput, now: number): InventoryWriteResult {
  const errors: UserError[] = [];
  checkDocument(input, errors);
  const levels: (LevelRec | undefined)[] = [];
  input.changes.forEach((c, i) => {
    const at = ["input", "changes", String(i)];
    const level = namedLevel(shop, at, c, errors);
    if (c.ledgerDocumentUri != null)
      errors.push({ field: [...at, "ledgerDocumentUri"], code: "INVALID_AVAILABLE_DOCUMENT", message: "A ledger document URI is not allowed when adjusting available." });
    if (level && Math.abs(quantity(level, "available") + c.delta) > MAX_QUANTITY)
      errors.push({ field: [...at, "delta"], code: "INVALID_QUANTITY_TOO_HIGH", message: "The total quantity can't be higher than 1,000,000,000." });
    levels.push(level);
  });
  if (errors.length > 0) return failed(errors);
  input.changes.forEach((c, i) => {
    if (c.changeFromQuantity === null || c.changeFromQuantity === undefined) return;
    const current = quantity(levels[i]!, "available");
    if (current !== c.changeFromQuantity)
      errors.push({
        field: ["input", "changes", String(i), "changeFromQuantity"],
        code: "CHANGE_FROM_QUANTITY_STALE",
        message: `The changeFromQuantity value does not match persisted value (available is ${current}, not ${c.changeFromQuantity}).`,
      });
  });
  if (errors.length > 0) return failed(errors);
  const tx = new InventoryTx(shop, { reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, actor: "app" });
  // Adjusting available moves on_hand with it (Shopify allows available below zero: overselling).
  input.changes.forEach((c, i) => tx.add(levels[i]!, "available", c.delta));
  if (tx.empty) return failed([]);
  const { changes, touched, group } = tx.apply(now, { group: true });
  return { userErrors: [], group, changes, touched };
}

export interface MoveQuantitiesInput {
  reason: string;
  referenceDocumentUri: string;
  changes: {
    inventoryItemId: string;
    quantity: number;
    from: { locationId: string; name: string; ledgerDocumentUri?: string | null };
    to: { locationId: string; name: string; ledgerDocumentUri?: string | null };
  }[];
}

export function moveQuantities(shop: ShopState, input: MoveQuantitiesInput, now: number): InventoryWriteResult {
  const errors: UserError[] = [];
  if (!INVENTORY_REASONS.includes(input.reason)) errors.push({ field: ["input", "reason"], code: "INVALID_REASON", message: "The specified reason is invalid." });
  if (!isUri(input.referenceDocumentUri))
    errors.push({ field: ["input", "referenceDocumentUri"], code: "INVALID_REFERENCE_DOCUMENT", message: "The specified reference document is invalid." });
  const ledgers = new Set<string>();
  const plan: { level: LevelRec; from: StoredName; to: StoredName; qty: number; fromLedger: string | null; toLedger: string | null }[] = [];
  input.changes.forEach((c, i) => {
    const at = ["input", "changes", String(i)];
    const before = errors.length;
    const itemId = parseGid(c.inventoryItemId, "InventoryItem");
    if (itemId === null || !shop.itemToVariant.has(itemId))
      errors.push({ field: [...at, "inventoryItemId"], code: "INVALID_INVENTORY_ITEM", message: "The specified inventory item could not be found." });
    const fromLoc = parseGid(c.from.locationId, "Location");
    const toLoc = parseGid(c.to.locationId, "Location");
    for (const [side, loc] of [["from", fromLoc], ["to", toLoc]] as const) {
      if (loc === null || !shop.locations.has(loc))
        errors.push({ field: [...at, side, "locationId"], code: "INVALID_LOCATION", message: "The specified location could not be found." });
    }
    if (fromLoc !== null && toLoc !== null && fromLoc !== toLoc)
      errors.push({ field: [...at, "to", "locationId"], code: "DIFFERENT_LOCATIONS", message: "The quantities can't be moved between different locations." });
    if (c.from.name === c.to.name) errors.push({ field: [...at, "to", "name"], code: "SAME_QUANTITY_NAME", message: "The quantity names for each change can't be the same." });
    if (c.quantity < 0) errors.push({ field: [...at, "quantity"], code: "INVALID_QUANTITY_NEGATIVE", message: "The quantity can't be negative." });
    // Ledger document rules: https://shopify.dev/docs/api/admin-graphql/2025-01/input-objects/InventoryMoveQuantityTerminalInput
    for (const side of ["from", "to"] as const) {
      const t = c[side];
      const ledger = t.ledgerDocumentUri ?? null;
      if (!(MOVABLE_NAMES as readonly string[]).includes(t.name)) {
        errors.push({ field: [...at, side, "name"], code: "INVALID_QUANTITY_NAME", message: "The specified quantity name is invalid." });
        continue;
      }
      if (t.name === "available" && ledger !== null)
        errors.push({ field: [...at, side, "ledgerDocumentUri"], code: "INVALID_AVAILABLE_DOCUMENT", message: "A ledger document URI is not allowed when adjusting available." });
      if (t.name !== "available" && ledger === null)
        errors.push({ field: [...at, side, "ledgerDocumentUri"], code: "INVALID_QUANTITY_DOCUMENT", message: "A ledger document URI is required except when adjusting available." });
      if (ledger !== null) {
        if (ledger.startsWith("gid://shopify/"))
          errors.push({
            field: [...at, side, "ledgerDocumentUri"],
            code: "INTERNAL_LEDGER_DOCUMENT",
            message: "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.",
          });
        else if (!isUri(ledger)) errors.push({ field: [...at, side, "ledgerDocumentUri"], code: "INVALID_LEDGER_DOCUMENT", message: "The specified ledger document is invalid." });
        ledgers.add(ledger);
      }
    }
    if (errors.length === before) {
      plan.push({
        level: shop.level(itemId!, fromLoc!)!,
        from: c.from.name as StoredName,
        to: c.to.name as StoredName,
        qty: c.quantity,
        fromLedger: c.from.ledgerDocumentUri ?? null,
        toLedger: c.to.ledgerDocumentUri ?? null,
      });
    }
  });
  if (ledgers.size > 2)
    errors.push({ field: ["input", "changes"], code: "MAXIMUM_LEDGER_DOCUMENT_URIS", message: "Only a maximum of 2 ledger document URIs across all changes is allowed." });
  if (errors.length > 0) return failed(errors);

  // Ledger-tracked quantities never go negative (available may: Shopify allows overselling).
  const drawn = new Map<string, number>();
  plan.forEach((p, i) => {
    if (!isLedgerName(p.from)) return;
    const k = `${p.level.itemId}:${p.level.locationId} ${p.from} ${p.fromLedger}`;
    const want = (drawn.get(k) ?? 0) + p.qty;
    drawn.set(k, want);
    const have = p.level.ledgers.get(`${p.from} ${p.fromLedger}`) ?? 0;
    if (want > have)
      errors.push({
        field: ["input", "changes", String(i), "quantity"],
        code: "INVALID_QUANTITY_NEGATIVE",
        message: `The quantity can't be negative: ${p.from} for ledger ${p.fromLedger} holds ${have}, cannot move ${want}.`,
      });
  });
  if (errors.length > 0) return failed(errors);

  const tx = new InventoryTx(shop, { reason: input.reason, referenceDocumentUri: input.referenceDocumentUri, actor: "app" });
  for (const p of plan) tx.add(p.level, p.from, -p.qty, p.fromLedger).add(p.level, p.to, p.qty, p.toLedger);
  if (tx.empty) return failed([]);
  const { changes, touched, group } = tx.apply(now, { group: true });
  return { userErrors: [], group, changes, touched };
}
