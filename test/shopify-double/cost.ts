import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { ShopifyGraphQLError } from "./schema";

/**
 * Shopify's calculated query cost
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): scalars and enums 0,
 * objects 1, interfaces and unions the maximum of their possible selections, connections
 * 2 + first|last × the cost of one node, mutations 10 plus their selection. The actual cost
 * counts the nodes a connection really returned; the difference is refunded to the bucket.
 */

export const MUTATION_BASE_COST = 10;
export const MAX_QUERY_COST = 1000;

interface Ctx {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  errors: ShopifyGraphQLError[];
  bulk: boolean;
}

type Collected = Map<string, FieldNode[]>;

function included(ctx: Ctx, node: { directives?: readonly import("graphql").DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, ctx.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, ctx.variables);
  return include?.if !== false;
}

function applies(ctx: Ctx, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (!condition || condition === type.name) return true;
  const cond = ctx.schema.getType(condition);
  return !!cond && isAbstractType(cond) && ctx.schema.isSubType(cond, type);
}

function collect(ctx: Ctx, type: GraphQLObjectType, set: SelectionSetNode | undefined, into: Collected = new Map()): Collected {
  for (const sel of set?.selections ?? []) {
    if (!included(ctx, sel)) continue;
    if (sel.kind === "Field") {
      const key = sel.alias?.value ?? sel.name.value;
      into.set(key, [...(into.get(key) ?? []), sel]);
    } else if (sel.kind === "InlineFragment") {
      if (applies(ctx, sel.typeCondition?.name.value, type)) collect(ctx, type, sel.selectionSet, into);
    } else {
      const frag = ctx.fragments[sel.name.value];
      if (frag && applies(ctx, frag.typeCondition.name.value, type)) collect(ctx, type, frag.selectionSet, into);
    }
  }
  return into;
}

function mergedSelection(nodes: FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  if (sets.length <= 1) return sets[0];
  return { kind: "SelectionSet" as SelectionSetNode["kind"], selections: sets.flatMap((s) => s.selections) };
}

export function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith("Connection") && ("edges" in type.getFields() || "nodes" in type.getFields());
}

function possibleObjects(ctx: Ctx, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  return isAbstractType(type) ? ctx.schema.getPossibleTypes(type) : [type as GraphQLObjectType];
}

function selectionCost(ctx: Ctx, type: GraphQLCompositeType, set: SelectionSetNode | undefined): number {
  let max = 0;
  for (const t of possibleObjects(ctx, type)) {
    let sum = 0;
    for (const nodes of collect(ctx, t, set).values()) sum += fieldCost(ctx, t, nodes);
    max = Math.max(max, sum);
  }
  return max;
}

function pageSize(ctx: Ctx, type: GraphQLObjectType, node: FieldNode): number {
  const def = type.getFields()[node.name.value];
  const args = getArgumentValues(def, node, ctx.variables);
  const n = (args.first ?? args.last) as number | undefined;
  if (n === undefined || n === null) {
    if (!ctx.bulk)
      ctx.errors.push({
        message: "you must provide one of first or last",
        locations: node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : undefined,
        path: [node.alias?.value ?? node.name.value],
        extensions: { code: "MISSING_PAGINATION_ARGUMENT" },
      });
    return 0;
  }
  return n;
}

function fieldCost(ctx: Ctx, parent: GraphQLObjectType, nodes: FieldNode[]): number {
  const node = nodes[0];
  if (node.name.value.startsWith("__")) return 0;
  const def = parent.getFields()[node.name.value];
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const set = mergedSelection(nodes);
  if (isConnectionType(named)) return 2 + pageSize(ctx, parent, node) * connectionNodeCost(ctx, named, set);
  const each = 1 + selectionCost(ctx, named as GraphQLCompositeType, set);
  return byIds(def) ? idCount(ctx, def, node) * each : each;
}

/** nodes(ids:) and the like: the double charges every requested id as one object. */
const byIds = (def: { args: readonly { name: string }[]; type: unknown }) => isListType(getNullableType(def.type as never)) && def.args.some((a) => a.name === "ids");

function idCount(ctx: Ctx, def: Parameters<typeof getArgumentValues>[0], node: FieldNode): number {
  const ids = getArgumentValues(def, node, ctx.variables).ids;
  return Array.isArray(ids) ? ids.length : 1;
}

function connectionNodeCost(ctx: Ctx, conn: GraphQLObjectType, set: SelectionSetNode | undefined): number {
  let perNode = 0;
  let other = 0;
  for (const nodes of collect(ctx, conn, set).values()) {
    const name = nodes[0].name.value;
    if (name === "pageInfo" || name.startsWith("__")) continue;
    if (name === "nodes") {
      const nodeType = getNamedType(conn.getFields().nodes.type) as GraphQLCompositeType;
      perNode = Math.max(perNode, 1 + selectionCost(ctx, nodeType, mergedSelection(nodes)));
    } else if (name === "edges") {
      const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
      for (const inner of collect(ctx, edgeType, mergedSelection(nodes)).values()) {
        if (inner[0].name.value !== "node") continue;
        const nodeType = getNamedType(edgeType.getFields().node.type) as GraphQLCompositeType;
        perNode = Math.max(perNode, 1 + selectionCost(ctx, nodeType, mergedSelection(inner)));
      }
    } else {
      other += fieldCost(ctx, conn, nodes);
    }
  }
  return perNode + other;
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  bulk?: boolean;
}

/** Requested (worst-case) cost, or the errors Shopify answers before running (missing first/last). */
export function requestedCost(input: CostInput): { cost: number; errors: ShopifyGraphQLError[] } {
  const ctx: Ctx = { ...input, errors: [], bulk: input.bulk ?? false };
  const root = input.operation.operation === "mutation" ? input.schema.getMutationType()! : input.schema.getQueryType()!;
  let cost = 0;
  for (const nodes of collect(ctx, root, input.operation.selectionSet).values()) {
    if (input.operation.operation === "mutation") {
      const def = root.getFields()[nodes[0].name.value];
      const payload = def ? (getNamedType(def.type) as GraphQLCompositeType) : undefined;
      cost += MUTATION_BASE_COST + (payload && !isLeafType(payload) ? selectionCost(ctx, payload, mergedSelection(nodes)) : 0);
    } else {
      cost += fieldCost(ctx, root, nodes);
    }
  }
  return { cost, errors: ctx.errors };
}

/** Cost of what was actually returned: connections count the nodes they returned. */
export function actualCost(input: CostInput, data: Record<string, unknown> | null | undefined): number {
  if (!data) return 0;
  const ctx: Ctx = { ...input, errors: [], bulk: true };
  const root = input.operation.operation === "mutation" ? input.schema.getMutationType()! : input.schema.getQueryType()!;
  let cost = 0;
  for (const [key, nodes] of collect(ctx, root, input.operation.selectionSet)) {
    if (input.operation.operation === "mutation") {
      const def = root.getFields()[nodes[0].name.value];
      const payload = def ? getNamedType(def.type) : undefined;
      cost += MUTATION_BASE_COST;
      if (payload && isObjectType(payload) && data[key] && typeof data[key] === "object")
        cost += actualSelection(ctx, payload, mergedSelection(nodes), data[key] as Record<string, unknown>);
    } else {
      cost += actualField(ctx, root, nodes, data[key]);
    }
  }
  return cost;
}

function actualSelection(ctx: Ctx, type: GraphQLObjectType, set: SelectionSetNode | undefined, value: Record<string, unknown>): number {
  let sum = 0;
  for (const [key, nodes] of collect(ctx, type, set)) sum += actualField(ctx, type, nodes, value[key]);
  return sum;
}

function actualField(ctx: Ctx, parent: GraphQLObjectType, nodes: FieldNode[], value: unknown): number {
  const node = nodes[0];
  if (node.name.value.startsWith("__") || value === null || value === undefined) return 0;
  const def = parent.getFields()[node.name.value];
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const set = mergedSelection(nodes);
  // Abstract results are charged at their requested cost: the runtime type is not in the data.
  if (!isObjectType(named)) {
    const each = 1 + selectionCost(ctx, named as GraphQLCompositeType, set);
    return byIds(def) && Array.isArray(value) ? value.filter((v) => v !== null).length * each : each;
  }
  if (isConnectionType(named)) return 2 + actualConnection(ctx, named, set, value as Record<string, unknown>);
  const items = Array.isArray(value) ? value : [value];
  const costs = items.filter((v) => v && typeof v === "object").map((v) => actualSelection(ctx, named, set, v as Record<string, unknown>));
  if (byIds(def)) return costs.reduce((sum, c) => sum + 1 + c, 0);
  return 1 + Math.max(0, ...costs);
}

function actualConnection(ctx: Ctx, conn: GraphQLObjectType, set: SelectionSetNode | undefined, value: Record<string, unknown>): number {
  let viaNodes = 0;
  let viaEdges = 0;
  let other = 0;
  for (const [key, nodes] of collect(ctx, conn, set)) {
    const name = nodes[0].name.value;
    if (name === "pageInfo" || name.startsWith("__")) continue;
    const v = value[key];
    if (name === "nodes" && Array.isArray(v)) {
      const nodeType = getNamedType(conn.getFields().nodes.type);
      viaNodes = Math.max(viaNodes, sumNodes(ctx, nodeType, mergedSelection(nodes), v));
    } else if (name === "edges" && Array.isArray(v)) {
      const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
      const nodeType = getNamedType(edgeType.getFields().node.type);
      for (const [innerKey, inner] of collect(ctx, edgeType, mergedSelection(nodes))) {
        if (inner[0].name.value !== "node") continue;
        const list = v.map((e) => (e as Record<string, unknown> | null)?.[innerKey]);
        viaEdges = Math.max(viaEdges, sumNodes(ctx, nodeType, mergedSelection(inner), list));
      }
    } else {
      other += actualField(ctx, conn, nodes, v);
    }
  }
  return Math.max(viaNodes, viaEdges) + other;
}

function sumNodes(ctx: Ctx, nodeType: GraphQLNamedType, set: SelectionSetNode | undefined, list: unknown[]): number {
  let sum = 0;
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    sum += 1 + (isObjectType(nodeType) ? actualSelection(ctx, nodeType, set, item as Record<string, unknown>) : selectionCost(ctx, nodeType as GraphQLCompositeType, set));
  }
  return sum;
}

/** Shopify's leaky bucket, one per (app, shop). Times in ms from the injected clock. */
export class LeakyBucket {
  private available: number;
  private last: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    now: number,
  ) {
    this.available = maximumAvailable;
    this.last = now;
  }

  private restore(now: number): void {
    if (now > this.last) this.available = Math.min(this.maximumAvailable, this.available + ((now - this.last) / 1000) * this.restoreRate);
    this.last = Math.max(this.last, now);
  }

  tryTake(cost: number, now: number): boolean {
    this.restore(now);
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number, now: number): void {
    this.restore(now);
    this.available = Math.min(this.maximumAvailable, this.available + points);
  }

  status(now: number): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } {
    this.restore(now);
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
