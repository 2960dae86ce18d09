import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  extendSchema,
  GraphQLError,
  parse,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";

/** An error as Shopify's GraphQL endpoint writes it in `errors[]`. */
export interface ShopifyGraphQLError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

const here = dirname(fileURLToPath(import.meta.url));
let cached: GraphQLSchema | undefined;

/** Path of the real Admin schema (introspection JSON) shipped inside @shopify/dev-mcp. */
export function adminSchemaPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@shopify/dev-mcp/package.json");
  return join(dirname(pkg), "data", "admin_schema_2025-01.json.gz");
}

/**
 * Shopify's Admin schema (2025-01 introspection from @shopify/dev-mcp) extended with
 * schema-overlay.graphql for the 2026 additions the app uses. Built once per process.
 */
export function loadAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const json = JSON.parse(gunzipSync(readFileSync(adminSchemaPath())).toString("utf8")) as {
    data?: IntrospectionQuery;
  } & Partial<IntrospectionQuery>;
  const introspection = (json.data ?? json) as IntrospectionQuery;
  const base = buildClientSchema(introspection);
  const overlay = readFileSync(join(here, "schema-overlay.graphql"), "utf8");
  cached = extendSchema(base, parse(overlay));
  return cached;
}

/**
 * Parses and validates a GraphQL document against the Admin schema. Returns [] when valid,
 * else errors shaped like Shopify's (graphql-ruby messages and `extensions.code`).
 */
export function validateDocument(source: string): ShopifyGraphQLError[] {
  return checkDocument(source).errors;
}

export function syntaxError(err: GraphQLError): ShopifyGraphQLError {
  const loc = err.locations?.[0];
  const detail = err.message.replace(/^Syntax Error:\s*/, "");
  return {
    message: loc ? `syntax error, ${detail} at [${loc.line}, ${loc.column}]` : `syntax error, ${detail}`,
    locations: err.locations ? [...err.locations] : undefined,
    extensions: { code: "PARSE_ERROR" },
  };
}

const checked = new Map<string, { document: DocumentNode | null; errors: ShopifyGraphQLError[] }>();
const CHECKED_MAX = 1000;

/**
 * Parse + validate with a cache keyed by the document text: apps send the same few documents
 * over and over, and validating against the full Admin schema costs about a millisecond.
 */
export function checkDocument(source: string): { document: DocumentNode | null; errors: ShopifyGraphQLError[] } {
  const hit = checked.get(source);
  if (hit) return hit;
  let result: { document: DocumentNode | null; errors: ShopifyGraphQLError[] };
  try {
    const document = parse(source);
    result = { document, errors: validateParsed(loadAdminSchema(), document) };
  } catch (err) {
    result = { document: null, errors: [syntaxError(err as GraphQLError)] };
  }
  if (checked.size >= CHECKED_MAX) checked.delete(checked.keys().next().value!);
  checked.set(source, result);
  return result;
}

export function validateParsed(schema: GraphQLSchema, doc: DocumentNode): ShopifyGraphQLError[] {
  const errors = validate(schema, doc);
  if (errors.length === 0) return [];
  const paths = nodePaths(doc);
  return errors.map((e) => toShopifyValidationError(e, paths));
}

/** graphql-ruby reports validation errors with a path such as ["mutation setQty", "inventorySetQuantities", "input"]. */
function nodePaths(doc: DocumentNode): Map<ASTNode, string[]> {
  const paths = new Map<ASTNode, string[]>();
  const stack: string[] = [];
  visit(doc, {
    OperationDefinition: {
      enter(node) {
        stack.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
        paths.set(node, [...stack]);
      },
      leave() {
        stack.pop();
      },
    },
    FragmentDefinition: {
      enter(node) {
        stack.push(`fragment ${node.name.value}`);
        paths.set(node, [...stack]);
      },
      leave() {
        stack.pop();
      },
    },
    Field: {
      enter(node) {
        stack.push(node.alias?.value ?? node.name.value);
        paths.set(node, [...stack]);
      },
      leave() {
        stack.pop();
      },
    },
    Argument: {
      enter(node) {
        stack.push(node.name.value);
        paths.set(node, [...stack]);
      },
      leave() {
        stack.pop();
      },
    },
    Directive(node) {
      paths.set(node, [...stack]);
    },
    VariableDefinition(node) {
      paths.set(node, [...stack]);
    },
    ObjectField(node) {
      paths.set(node, [...stack, node.name.value]);
    },
  });
  return paths;
}

const rubyStyle: [RegExp, (m: RegExpMatchArray) => { message: string; extensions: Record<string, unknown> }][] = [
  [
    /^Cannot query field "(\w+)" on type "(\w+)"/,
    (m) => ({
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] },
    }),
  ],
  [
    /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/,
    (m) => ({
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    }),
  ],
  [
    /^Field "(\w+)" argument "(\w+)" of type "(.+)" is required/,
    (m) => ({
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] },
    }),
  ],
  [
    /^Field "(\w+)" of type "(.+)" must have a selection of subfields/,
    (m) => ({
      message: `Field must have selections (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has no selections.)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2] },
    }),
  ],
  [
    /^Field "(\w+)" must not have a selection since type "(.+)" has no subfields/,
    (m) => ({
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2].replace(/[[\]!]/g, "")} but has selections [...])`,
      extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName: m[2] },
    }),
  ],
  [
    /^Unknown type "(\w+)"/,
    (m) => ({ message: `No such type ${m[1]}, so it can't be a fragment condition`, extensions: { code: "undefinedType", typeName: m[1] } }),
  ],
  [
    /^Variable "\$(\w+)" is never used(?: in operation "(\w+)")?/,
    (m) => ({
      message: `Variable $${m[1]} is declared by ${m[2] ?? "anonymous operation"} but not used`,
      extensions: { code: "variableNotUsed", variableName: m[1] },
    }),
  ],
  [
    /^Variable "\$(\w+)" is not defined(?: by operation "(\w+)")?/,
    (m) => ({
      message: `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`,
      extensions: { code: "variableNotDefined", variableName: m[1] },
    }),
  ],
  [
    /^Unknown directive "@(\w+)"/,
    (m) => ({ message: `Directive @${m[1]} is not defined`, extensions: { code: "undefinedDirective", directiveName: m[1] } }),
  ],
  [
    /^Field "(\w+)" is not defined by type "(\w+)"/,
    (m) => ({
      message: `InputObject '${m[2]}' doesn't accept argument '${m[1]}'`,
      extensions: { code: "argumentNotAccepted", name: m[2], typeName: "InputObject", argumentName: m[1] },
    }),
  ],
];

function toShopifyValidationError(err: GraphQLError, paths: Map<ASTNode, string[]>): ShopifyGraphQLError {
  const node = err.nodes?.[0];
  const path = node ? paths.get(node) : undefined;
  let message = err.message;
  let extensions: Record<string, unknown> = { code: "GRAPHQL_VALIDATION_FAILED" };
  for (const [re, build] of rubyStyle) {
    const m = err.message.match(re);
    if (m) {
      ({ message, extensions } = build(m));
      break;
    }
  }
  const out: ShopifyGraphQLError = { message, extensions };
  if (err.locations) out.locations = [...err.locations];
  if (path) out.path = path;
  return out;
}
