import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  isAbstractType,
  isLeafType,
  isObjectType,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { isConnectionType } from "./cost";
import { executeOperation, fragmentsOf } from "./graphql";
import { validateParsed } from "./schema";
import type { ExecContext } from "./views";

/**
 * bulkOperationRunQuery (https://shopify.dev/docs/api/usage/bulk-operations/queries): the query
 * runs over every object (no pagination), and the result is JSONL with one line per connection
 * node; nodes of nested connections are lines of their own carrying `__parentId`. Restrictions
 * enforced: at least one connection, at most five, at most two levels of nesting, no top-level
 * node/nodes, a parent of a nested connection must select `id`.
 */

const MAX_CONNECTIONS = 5;
const MAX_NESTING = 2;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
}

function fieldsOf(w: Walk, type: GraphQLCompositeType, set: SelectionSetNode | undefined, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
  const objectTypes: readonly GraphQLObjectType[] = isAbstractType(type) ? w.schema.getPossibleTypes(type) : [type as GraphQLObjectType];
  for (const sel of set?.selections ?? []) {
    if (sel.kind === "Field") {
      const key = sel.alias?.value ?? sel.name.value;
      into.set(key, [...(into.get(key) ?? []), sel]);
    } else {
      const frag = sel.kind === "InlineFragment" ? sel : w.fragments[sel.name.value];
      const cond = frag?.typeCondition?.name.value;
      if (frag && (!cond || cond === type.name || objectTypes.some((t) => t.name === cond) || isAbstractType(w.schema.getType(cond)!)))
        fieldsOf(w, type, frag.selectionSet, into);
    }
  }
  return into;
}

function merged(nodes: FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  return sets.length <= 1 ? sets[0] : ({ kind: "SelectionSet", selections: sets.flatMap((s) => s.selections) } as SelectionSetNode);
}

function fieldType(type: GraphQLCompositeType, name: string) {
  return "getFields" in type ? type.getFields()[name]?.type : undefined;
}

/** Where a connection's nodes sit in its selection: edges { node { ... } } or nodes { ... }. */
function nodeSelection(w: Walk, conn: GraphQLObjectType, set: SelectionSetNode | undefined) {
  const out: { path: [string] | [string, string]; type: GraphQLCompositeType; set: SelectionSetNode | undefined }[] = [];
  for (const [key, nodes] of fieldsOf(w, conn, set)) {
    const name = nodes[0].name.value;
    if (name === "nodes") out.push({ path: [key], type: getNamedType(conn.getFields().nodes.type) as GraphQLCompositeType, set: merged(nodes) });
    if (name === "edges") {
      const edgeType = getNamedType(conn.getFields().edges.type) as GraphQLObjectType;
      for (const [innerKey, inner] of fieldsOf(w, edgeType, merged(nodes)))
        if (inner[0].name.value === "node")
          out.push({ path: [key, innerKey], type: getNamedType(edgeType.getFields().node.type) as GraphQLCompositeType, set: merged(inner) });
    }
  }
  return out[0];
}

export function checkBulkQuery(schema: GraphQLSchema, query: string): { document: DocumentNode | null; operation: OperationDefinitionNode | null; errors: string[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (err) {
    return { document: null, operation: null, errors: [`Invalid bulk query: ${(err as GraphQLError).message}`] };
  }
  const invalid = validateParsed(schema, document);
  if (invalid.length > 0) return { document, operation: null, errors: invalid.map((e) => `Invalid bulk query: ${e.message}`) };
  const operation = getOperationAST(document, null);
  if (!operation || operation.operation !== "query") return { document, operation: null, errors: ["Bulk queries must contain exactly one query operation."] };
  const w: Walk = { schema, fragments: fragmentsOf(document) };
  const errors: string[] = [];
  let connections = 0;
  const visit = (type: GraphQLCompositeType, set: SelectionSetNode | undefined, depth: number, parentSelectsId: boolean, where: string) => {
    for (const [key, nodes] of fieldsOf(w, type, set)) {
      const t = fieldType(type, nodes[0].name.value);
      if (!t) continue;
      const named = getNamedType(t);
      if (isLeafType(named)) continue;
      if (isConnectionType(named)) {
        connections += 1;
        if (depth + 1 > MAX_NESTING) errors.push(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_NESTING} (at ${where}${key}).`);
        if (depth > 0 && !parentSelectsId) errors.push(`The parent 'node' field for a nested connection must select the 'id' field (at ${where}${key}).`);
        const ns = nodeSelection(w, named, merged(nodes));
        if (ns) {
          const selectsId = fieldsOf(w, ns.type, ns.set).has("id");
          visit(ns.type, ns.set, depth + 1, selectsId, `${where}${key}.`);
        }
      } else {
        visit(named as GraphQLCompositeType, merged(nodes), depth, parentSelectsId, `${where}${key}.`);
      }
    }
  };
  const root = schema.getQueryType()!;
  for (const [key, nodes] of fieldsOf(w, root, operation.selectionSet)) {
    if (["node", "nodes"].includes(nodes[0].name.value)) errors.push(`The top-level ${nodes[0].name.value} field can't be used in bulk queries (at ${key}).`);
  }
  visit(root, operation.selectionSet, 0, false, "");
  if (connections === 0) errors.push("Bulk queries must contain at least one connection.");
  if (connections > MAX_CONNECTIONS) errors.push(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  return { document, operation, errors };
}

export interface BulkResult {
  jsonl: string;
  objectCount: number;
  rootObjectCount: number;
}

export async function runBulkQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, ctx: ExecContext): Promise<BulkResult> {
  const result = await executeOperation(schema, document, operation, {}, { ...ctx, bulk: true });
  if (result.errors?.length) throw new Error(`bulk query failed: ${result.errors.map((e) => e.message).join("; ")}`);
  const w: Walk = { schema, fragments: fragmentsOf(document) };
  const lines: string[] = [];
  let roots = 0;

  const nodesOf = (conn: GraphQLObjectType, set: SelectionSetNode | undefined, value: unknown) => {
    const ns = nodeSelection(w, conn, set);
    if (!ns || !value || typeof value !== "object") return { ns, items: [] as Record<string, unknown>[] };
    const [first, second] = ns.path;
    const list = ((value as Record<string, unknown>)[first] as unknown[]) ?? [];
    const items = (second ? list.map((e) => (e as Record<string, unknown>)[second]) : list) as Record<string, unknown>[];
    return { ns, items: items.filter((i) => i && typeof i === "object") };
  };

  const copy = (type: GraphQLCompositeType, set: SelectionSetNode | undefined, value: Record<string, unknown>, children: (() => void)[], ownerId: unknown) => {
    const row: Record<string, unknown> = {};
    for (const [key, nodes] of fieldsOf(w, type, set)) {
      const t = fieldType(type, nodes[0].name.value);
      const named = t ? getNamedType(t) : undefined;
      const v = value[key];
      if (named && isConnectionType(named)) {
        const { ns, items } = nodesOf(named, merged(nodes), v);
        if (ns) for (const item of items) children.push(() => emit(ns.type, ns.set, item, ownerId));
      } else if (named && (isObjectType(named) || isAbstractType(named)) && v && typeof v === "object") {
        row[key] = Array.isArray(v)
          ? v.map((x) => (x && typeof x === "object" ? copy(named as GraphQLCompositeType, merged(nodes), x as Record<string, unknown>, children, ownerId) : x))
          : copy(named as GraphQLCompositeType, merged(nodes), v as Record<string, unknown>, children, ownerId);
      } else {
        row[key] = v;
      }
    }
    return row;
  };

  const emit = (type: GraphQLCompositeType, set: SelectionSetNode | undefined, value: Record<string, unknown>, parentId: unknown) => {
    const children: (() => void)[] = [];
    const row = copy(type, set, value, children, value.id);
    if (parentId !== undefined) row.__parentId = parentId;
    else roots += 1;
    lines.push(JSON.stringify(row));
    for (const child of children) child();
  };

  const root = schema.getQueryType()!;
  for (const [key, nodes] of fieldsOf(w, root, operation.selectionSet)) {
    const named = getNamedType(root.getFields()[nodes[0].name.value].type);
    if (!isConnectionType(named)) continue;
    const { ns, items } = nodesOf(named, merged(nodes), (result.data as Record<string, unknown>)[key]);
    if (ns) for (const item of items) emit(ns.type, ns.set, item, undefined);
  }
  return { jsonl: lines.length ? `${lines.join("\n")}\n` : "", objectCount: lines.length, rootObjectCount: roots };
}
