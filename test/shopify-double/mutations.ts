import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from "graphql";
import {
  adjustQuantities,
  moveQuantities,
  parseGid,
  setQuantities,
  type AdjustQuantitiesInput,
  type InventoryWriteResult,
  type MoveQuantitiesInput,
  type SetQuantitiesInput,
} from "./inventory-ops";
import { inventoryEvents, moveFulfillmentOrder } from "./orders";
import type { MetafieldRec } from "./shop-state";
import {
  adjustmentGroupView,
  bulkOperationView,
  compareDigest,
  fulfillmentOrderView,
  metafieldView,
  nodeById,
  resolveNamespace,
  type ExecContext,
} from "./views";

type Args = Record<string, unknown>;
type Resolver = (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) => unknown;

/** "Input arguments that accept an array have a maximum size of 250" (https://shopify.dev/docs/api/usage/limits). */
export const MAX_INPUT_ARRAY = 250;

function checkArraySize(list: unknown[], name: string): void {
  if (list.length > MAX_INPUT_ARRAY)
    throw new GraphQLError(`The input array size of ${list.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`, {
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED", argument: name },
    });
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "undefined";
}

/**
 * @idempotent(key:) (https://shopify.dev/docs/api/usage/implementing-idempotency): the first call
 * with a key runs and its payload is kept; a retry with the same key and the same arguments gets
 * that payload back without running again; the same key with other arguments gets
 * IDEMPOTENCY_KEY_PARAMETER_MISMATCH. Required since 2026-04 for the inventory mutations
 * (https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations).
 */
function idempotent(field: string, mismatch: (ctx: ExecContext) => unknown, run: (args: Args, ctx: ExecContext) => () => unknown): Resolver {
  return (args, ctx, info) => {
    const directive = info.schema.getDirective("idempotent")!;
    const key = getDirectiveValues(directive, info.fieldNodes[0], info.variableValues)?.key as string | undefined;
    if (key === undefined) {
      if (ctx.requireIdempotency)
        throw new GraphQLError(`${field} requires an idempotency key since 2026-04: add @idempotent(key: "<uuid>") to the field.`, {
          extensions: { code: "IDEMPOTENCY_KEY_REQUIRED" },
        });
      return run(args, ctx)();
    }
    ctx.notes.idempotencyKeys.push(key);
    const argsHash = stableStringify(args);
    const seen = ctx.shop.idempotency.get(key);
    if (seen) {
      if (seen.field !== field || seen.argsHash !== argsHash) {
        ctx.notes.userErrorCodes.push("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
        return mismatch(ctx);
      }
      ctx.notes.replayed = true;
      return seen.payload();
    }
    const payload = run(args, ctx);
    ctx.shop.idempotency.set(key, { field, argsHash, payload });
    return payload();
  };
}

const MISMATCH = { code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", message: "The same idempotency key cannot be used with different operation parameters.", field: null };

function inventoryPayload(ctx: ExecContext, typename: string, res: InventoryWriteResult): () => unknown {
  ctx.notes.userErrorCodes.push(...res.userErrors.map((e) => e.code));
  if (res.touched.length > 0) ctx.emit(inventoryEvents(ctx.shop, res.touched, res.changes, ctx.now));
  const groupId = res.group?.id ?? null;
  const userErrors = res.userErrors.map((e) => ({ __typename: typename, ...e }));
  return () => ({ inventoryAdjustmentGroup: groupId === null ? null : adjustmentGroupView(ctx, groupId), userErrors });
}

const inventorySetQuantities = idempotent(
  "inventorySetQuantities",
  () => ({ inventoryAdjustmentGroup: null, userErrors: [{ __typename: "InventorySetQuantitiesUserError", ...MISMATCH }] }),
  (args, ctx) => {
    const input = args.input as SetQuantitiesInput & { ignoreCompareQuantity?: boolean };
    checkArraySize(input.quantities, "quantities");
    if (input.ignoreCompareQuantity !== undefined && input.ignoreCompareQuantity !== false)
      throw removedIn202604("InventorySetQuantitiesInput.ignoreCompareQuantity", "pass changeFromQuantity: null per quantity instead");
    input.quantities.forEach((q, i) => {
      if ("compareQuantity" in q && (q as { compareQuantity?: unknown }).compareQuantity != null)
        throw removedIn202604(`quantities[${i}].compareQuantity`, "use changeFromQuantity");
      if (!("changeFromQuantity" in q))
        throw new GraphQLError(
          `quantities[${i}].changeFromQuantity must be given since 2026-04 (the value you believe is current; pass null explicitly to skip the compare-and-swap check).`,
          { extensions: { code: "INVALID_FIELD_ARGUMENTS", argument: `input.quantities[${i}].changeFromQuantity` } },
        );
    });
    return inventoryPayload(ctx, "InventorySetQuantitiesUserError", setQuantities(ctx.shop, input, ctx.now));
  },
);

const inventoryAdjustQuantities = idempotent(
  "inventoryAdjustQuantities",
  () => ({ inventoryAdjustmentGroup: null, userErrors: [{ __typename: "InventoryAdjustQuantitiesUserError", ...MISMATCH }] }),
  (args, ctx) => {
    const input = args.input as AdjustQuantitiesInput;
    checkArraySize(input.changes, "changes");
    if (input.name !== "available")
      throw new GraphQLError(`The Shopify test double adjusts only "available" (got ${JSON.stringify(input.name)}); Shopify also adjusts other names with ledger documents.`, {
        extensions: { code: "NOT_MODELLED_BY_TEST_DOUBLE" },
      });
    input.changes.forEach((c, i) => {
      if (!("changeFromQuantity" in c))
        throw new GraphQLError(
          `changes[${i}].changeFromQuantity must be given since 2026-04 (the value you believe is current; pass null explicitly to skip the compare-and-swap check).`,
          { extensions: { code: "INVALID_FIELD_ARGUMENTS", argument: `input.changes[${i}].changeFromQuantity` } },
        );
    });
    return inventoryPayload(ctx, "InventoryAdjustQuantitiesUserError", adjustQuantities(ctx.shop, input, ctx.now));
  },
);

function removedIn202604(what: string, instead: string): GraphQLError {
  return new GraphQLError(`${what} was removed in API version 2026-04: ${instead}.`, { extensions: { code: "INVALID_FIELD_ARGUMENTS" } });
}

const inventoryMoveQuantities = idempotent(
  "inventoryMoveQuantities",
  () => ({ inventoryAdjustmentGroup: null, userErrors: [{ __typename: "InventoryMoveQuantitiesUserError", ...MISMATCH }] }),
  (args, ctx) => {
    const input = args.input as MoveQuantitiesInput;
    checkArraySize(input.changes, "changes");
    return inventoryPayload(ctx, "InventoryMoveQuantitiesUserError", moveQuantities(ctx.shop, input, ctx.now));
  },
);

const fulfillmentOrderMove: Resolver = (args, ctx) => {
  const lineItems = args.fulfillmentOrderLineItems as { id: string; quantity: number }[] | null | undefined;
  if (lineItems) checkArraySize(lineItems, "fulfillmentOrderLineItems");
  const userError = (field: string[], message: string) => {
    ctx.notes.userErrorCodes.push("USER_ERROR");
    return { movedFulfillmentOrder: null, originalFulfillmentOrder: null, remainingFulfillmentOrder: null, userErrors: [{ __typename: "UserError", field, message }] };
  };
  const foId = parseGid(args.id, "FulfillmentOrder");
  const locId = parseGid(args.newLocationId, "Location");
  if (foId === null) return userError(["id"], "Fulfillment order does not exist.");
  if (locId === null) return userError(["newLocationId"], "Location does not exist or is inactive.");
  const parsedLines = lineItems?.map((l, i) => {
    const id = parseGid(l.id, "FulfillmentOrderLineItem");
    return { id: id ?? -1, quantity: l.quantity, index: i };
  });
  const res = moveFulfillmentOrder(ctx.shop, foId, locId, parsedLines ?? null, ctx.now, "app");
  if (!res.ok) return userError(res.field, res.message);
  ctx.emit(res.events);
  return {
    movedFulfillmentOrder: fulfillmentOrderView(ctx, res.moved),
    originalFulfillmentOrder: fulfillmentOrderView(ctx, res.original),
    remainingFulfillmentOrder: res.remaining ? fulfillmentOrderView(ctx, res.remaining) : null,
    userErrors: [],
  };
};

const METAFIELD_OWNER_TYPES = ["Shop", "Product", "ProductVariant", "Location", "Order", "Collection"];
const MAX_METAFIELDS_PER_CALL = 25;

function validMetafieldValue(type: string, value: string): boolean {
  switch (type) {
    case "json":
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    case "number_integer":
      return /^-?\d+$/.test(value);
    case "number_decimal":
      return /^-?\d+(\.\d+)?$/.test(value);
    case "boolean":
      return value === "true" || value === "false";
    default:
      return true;
  }
}

/** metafieldsSet is atomic: all metafields are written or none (https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet). */
const metafieldsSet: Resolver = (args, ctx) => {
  const input = args.metafields as { ownerId: string; namespace?: string | null; key: string; value: string; type?: string | null; compareDigest?: string | null }[];
  checkArraySize(input, "metafields");
  const errors: { __typename: string; field: string[]; message: string; code: string; elementIndex: number | null }[] = [];
  const err = (i: number | null, field: string[], code: string, message: string) =>
    errors.push({ __typename: "MetafieldsSetUserError", field, code, message, elementIndex: i });
  if (input.length > MAX_METAFIELDS_PER_CALL)
    err(null, ["metafields"], "LESS_THAN_OR_EQUAL_TO", `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_CALL}.`);
  const plan = input.map((m, i) => {
    const at = ["metafields", String(i)];
    const ownerType = m.ownerId.match(/^gid:\/\/shopify\/(\w+)\//)?.[1] ?? "";
    if (!METAFIELD_OWNER_TYPES.includes(ownerType) || !nodeById(ctx, m.ownerId)) err(i, [...at, "ownerId"], "INVALID_VALUE", "Owner does not exist.");
    const namespace = resolveNamespace(ctx, m.namespace ?? null);
    if (namespace.length < 3 || namespace.length > 255 || !/^[\w-]+$/.test(namespace))
      err(i, [...at, "namespace"], "INVALID_VALUE", "Namespace must be 3-255 characters of letters, digits, hyphens and underscores.");
    if (m.key.length < 2 || m.key.length > 64 || !/^[\w-]+$/.test(m.key))
      err(i, [...at, "key"], "INVALID_VALUE", "Key must be 2-64 characters of letters, digits, hyphens and underscores.");
    const existing = [...ctx.shop.metafields.values()].find((x) => x.ownerId === m.ownerId && x.namespace === namespace && x.key === m.key);
    const type = m.type ?? existing?.type;
    if (!type) err(i, [...at, "type"], "BLANK", "Type can't be blank when there is no metafield definition.");
    else if (existing && m.type && m.type !== existing.type) err(i, [...at, "type"], "INVALID_TYPE", `Type must be ${existing.type} (the metafield's type).`);
    else if (!validMetafieldValue(type, m.value)) err(i, [...at, "value"], "INVALID_VALUE", `Value is invalid for type ${type}.`);
    if (m.compareDigest !== undefined && m.compareDigest !== (existing ? compareDigest(existing) : null))
      err(i, [...at, "compareDigest"], "STALE_OBJECT", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.");
    return { m, namespace, type: type ?? "", existing };
  });
  if (errors.length > 0) {
    ctx.notes.userErrorCodes.push(...errors.map((e) => e.code));
    return { metafields: null, userErrors: errors };
  }
  const saved: MetafieldRec[] = plan.map(({ m, namespace, type, existing }) => {
    if (existing) {
      existing.value = m.value;
      existing.updatedAt = ctx.now;
      return existing;
    }
    const rec: MetafieldRec = { id: ctx.shop.nextId(), ownerId: m.ownerId, namespace, key: m.key, value: m.value, type, createdAt: ctx.now, updatedAt: ctx.now };
    ctx.shop.metafields.set(`${rec.ownerId} ${namespace}.${m.key}`, rec);
    return rec;
  });
  return { metafields: saved.map((m) => metafieldView(ctx, m)), userErrors: [] };
};

const bulkOperationRunQuery: Resolver = (args, ctx) => {
  const { op, userErrors } = ctx.runBulk(args.query as string);
  ctx.notes.userErrorCodes.push(...userErrors.map((e) => e.code));
  return {
    bulkOperation: op ? bulkOperationView(ctx, op) : null,
    userErrors: userErrors.map((e) => ({ __typename: "BulkOperationUserError", ...e })),
  };
};

export function mutationRoot(): Record<string, Resolver> {
  return { inventorySetQuantities, inventoryAdjustQuantities, inventoryMoveQuantities, fulfillmentOrderMove, metafieldsSet, bulkOperationRunQuery };
}
