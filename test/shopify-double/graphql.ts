import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  print,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type OperationDefinitionNode,
} from "graphql";
import { actualCost, LeakyBucket, MAX_QUERY_COST, requestedCost } from "./cost";
import { mutationRoot } from "./mutations";
import { checkDocument, type ShopifyGraphQLError } from "./schema";
import { notImplemented, queryRoot, type CallNotes, type ExecContext } from "./views";

/** The Admin GraphQL endpoint: validate, price, throttle, execute, refund — as Shopify does. */

export interface GraphQLRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface CallRecord {
  shop: string;
  startedAt: number;
  finishedAt: number;
  apiVersion: string;
  operationType: "query" | "mutation" | null;
  operationName: string | null;
  document: string;
  variables: Record<string, unknown> | null;
  requestedCost: number | null;
  /** Points in the shop's bucket when the call reached the cost check (null before it). */
  bucketBefore: number | null;
  actualCost: number | null;
  outcome: "ok" | "throttled" | "invalid" | "error";
  errorCodes: string[];
  userErrorCodes: string[];
  idempotencyKeys: string[];
  replayed: boolean;
}

/** Objects returned by resolvers carry their fields; anything not modelled fails loudly. */
export const fieldResolver: GraphQLFieldResolver<Record<string, unknown> | null, ExecContext> = (source, args, ctx, info) => {
  if (source === null || source === undefined) return null;
  const value = source[info.fieldName];
  if (typeof value === "function") return (value as (...a: unknown[]) => unknown).call(source, args, ctx, info);
  if (value === undefined) throw notImplemented(`${info.parentType.name}.${info.fieldName}`);
  return value;
};

export const typeResolver: GraphQLTypeResolver<{ __typename?: string }, ExecContext> = (value) => value?.__typename;

export function fragmentsOf(doc: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const def of doc.definitions) if (def.kind === "FragmentDefinition") out[def.name.value] = def;
  return out;
}

export async function executeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  ctx: ExecContext,
): Promise<ExecutionResult> {
  return execute({
    schema,
    document,
    operationName: operation.name?.value,
    rootValue: operation.operation === "mutation" ? mutationRoot() : queryRoot(ctx),
    contextValue: ctx,
    variableValues: variables,
    fieldResolver,
    typeResolver,
  });
}

export function formatError(e: GraphQLError): ShopifyGraphQLError {
  const hasExt = e.extensions && Object.keys(e.extensions).length > 0;
  const out: ShopifyGraphQLError = { message: e.message, extensions: hasExt ? { ...e.extensions } : { code: "INTERNAL_SERVER_ERROR" } };
  if (e.locations) out.locations = [...e.locations];
  if (e.path) out.path = [...e.path];
  return out;
}

/** graphql-js variable coercion errors, reworded the way graphql-ruby (Shopify) words them. */
function variableError(e: GraphQLError, op: OperationDefinitionNode): ShopifyGraphQLError {
  const m = e.message.match(/^Variable "\$(\w+)" got invalid value (.*?)(?: at "([^"]+)")?; ([\s\S]*)$/);
  const missing = e.message.match(/^Variable "\$(\w+)" of required type "(.+)" was not provided\.$/);
  const name = m?.[1] ?? missing?.[1];
  const def = op.variableDefinitions?.find((d) => d.variable.name.value === name);
  const type = def ? print(def.type) : (missing?.[2] ?? "unknown");
  let message = e.message;
  const problems: { path: (string | number)[]; explanation: string }[] = [];
  if (m) {
    const path = (m[3] ?? "")
      .replace(new RegExp(`^${name}\\.?`), "")
      .replace(/\[(\d+)\]/g, ".$1")
      .replace(/^\./, "");
    message = `Variable $${name} of type ${type} was provided invalid value${path ? ` for ${path}` : ""} (${m[4]})`;
    problems.push({ path: path ? path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [], explanation: m[4] });
  } else if (missing) {
    message = `Variable $${name} of type ${type} was provided invalid value`;
    problems.push({ path: [], explanation: "Expected value to not be null" });
  }
  return { message, locations: e.locations ? [...e.locations] : undefined, extensions: { code: "INVALID_VARIABLE", value: null, problems } };
}

export interface GraphQLDeps {
  schema: GraphQLSchema;
  bucket: LeakyBucket;
  shop: string;
  apiVersion: string;
  now(): number;
  makeContext(notes: CallNotes): ExecContext;
}

export interface GraphQLOutcome {
  status: number;
  body: unknown;
  record: CallRecord;
}

export async function runGraphQL(deps: GraphQLDeps, body: GraphQLRequestBody): Promise<GraphQLOutcome> {
  const startedAt = deps.now();
  const notes: CallNotes = { userErrorCodes: [], idempotencyKeys: [], replayed: false };
  const record: CallRecord = {
    shop: deps.shop,
    startedAt,
    finishedAt: startedAt,
    apiVersion: deps.apiVersion,
    operationType: null,
    operationName: null,
    document: typeof body.query === "string" ? body.query : "",
    variables: body.variables && typeof body.variables === "object" ? (body.variables as Record<string, unknown>) : null,
    requestedCost: null,
    bucketBefore: null,
    actualCost: null,
    outcome: "invalid",
    errorCodes: [],
    userErrorCodes: notes.userErrorCodes,
    idempotencyKeys: notes.idempotencyKeys,
    replayed: false,
  };
  const finish = (status: number, payload: unknown): GraphQLOutcome => {
    record.finishedAt = deps.now();
    record.replayed = notes.replayed;
    const errs = (payload as { errors?: unknown }).errors;
    if (Array.isArray(errs)) record.errorCodes = errs.map((e: ShopifyGraphQLError) => String(e.extensions?.code ?? "UNKNOWN"));
    return { status, body: payload, record };
  };
  const costExt = (requested: number, actual: number | null) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: deps.bucket.status(deps.now()) },
  });

  if (typeof body.query !== "string" || body.query.trim() === "") return finish(400, { errors: { query: "Required parameter missing or invalid" } });
  const checked = checkDocument(body.query);
  if (!checked.document || checked.errors.length > 0) return finish(200, { errors: checked.errors });
  const document = checked.document;
  const operationName = typeof body.operationName === "string" && body.operationName ? body.operationName : null;
  const operation = getOperationAST(document, operationName);
  if (!operation)
    return finish(200, {
      errors: [{ message: operationName ? `No operation named "${operationName}"` : "An operation name is required", extensions: { code: "OPERATION_NOT_FOUND" } }],
    });
  if (operation.operation === "subscription")
    return finish(200, { errors: [{ message: "Subscriptions are not supported", extensions: { code: "OPERATION_NOT_SUPPORTED" } }] });
  record.operationType = operation.operation;
  record.operationName = operation.name?.value ?? null;

  const coerced = getVariableValues(deps.schema, operation.variableDefinitions ?? [], (record.variables ?? {}) as Record<string, unknown>);
  if (coerced.errors) return finish(200, { errors: coerced.errors.map((e) => variableError(e, operation)) });
  const costInput = { schema: deps.schema, operation, fragments: fragmentsOf(document), variables: coerced.coerced };
  const { cost, errors: costErrors } = requestedCost(costInput);
  record.requestedCost = cost;
  if (costErrors.length > 0) return finish(200, { errors: costErrors });
  if (cost > MAX_QUERY_COST)
    return finish(200, {
      errors: [
        {
          message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_QUERY_COST, documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: costExt(cost, null),
    });
  record.bucketBefore = deps.bucket.status(deps.now()).currentlyAvailable;
  if (!deps.bucket.tryTake(cost, deps.now())) {
    record.outcome = "throttled";
    return finish(200, {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: costExt(cost, null),
    });
  }

  const ctx = deps.makeContext(notes);
  const result = await executeOperation(deps.schema, document, operation, coerced.coerced, ctx);
  const actual = Math.min(cost, actualCost(costInput, result.data as Record<string, unknown> | null));
  record.actualCost = actual;
  deps.bucket.refund(cost - actual, deps.now());
  record.outcome = result.errors?.length ? "error" : "ok";
  const payload: Record<string, unknown> = {};
  if (result.errors?.length) payload.errors = result.errors.map(formatError);
  payload.data = result.data ?? null;
  payload.extensions = costExt(cost, actual);
  return finish(200, payload);
}
