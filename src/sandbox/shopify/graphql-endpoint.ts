import {
  buildSchema,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { adminSdl } from './admin.sdl';
import type { LeakyBucket, ThrottleStatus } from './bucket';
import type { ShopContext } from './context';
import { operationCost } from './cost';
import { createRoot } from './resolvers';
import type { VersionFeatures } from './versions';

/**
 * One Admin API GraphQL call, from parsed body to Shopify-shaped answer: validation, the
 * 250-item input cap, the 1,000-point single-query cap, the leaky bucket (THROTTLED in a 200,
 * or a 429 when configured), execution, refund of unused points, and `extensions.cost` on
 * every answer.
 */

export const SINGLE_QUERY_MAX_COST = 1000;
export const MAX_INPUT_ARRAY = 250;

const schemas = new Map<string, GraphQLSchema>();
/** One schema per API version, built once per process: a version's SDL never changes. */
export function adminSchema(f: VersionFeatures): GraphQLSchema {
  let schema = schemas.get(f.version);
  if (!schema) schemas.set(f.version, (schema = buildSchema(adminSdl(f))));
  return schema;
}

/** Fields that take `@idempotent` (the sandbox serves one of the mutations Shopify lists). */
const IDEMPOTENT_FIELDS = new Set(['inventorySetQuantities']);

/** The first field carrying `@idempotent` that does not take it (UNCONFIRMED: Shopify's answer to that). */
function misplacedIdempotent(doc: DocumentNode): string | undefined {
  let bad: string | undefined;
  visit(doc, {
    Field(node) {
      if (!bad && node.directives?.some((d) => d.name.value === 'idempotent') && !IDEMPOTENT_FIELDS.has(node.name.value)) bad = node.name.value;
    },
  });
  return bad;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlAnswer {
  httpStatus: number;
  body: { data?: unknown; errors?: unknown[]; extensions?: { cost: CostExtension } };
  /** For stats: operation name or root fields. */
  operation: string;
  throttled: boolean;
  mutation?: boolean;
  requestedQueryCost: number;
  headers?: Record<string, string>;
}

export interface EndpointOptions {
  bucket: LeakyBucket;
  ctx: ShopContext;
  /** 200 (Shopify's observed behaviour) or 429 for a throttled answer. */
  throttleHttpStatus: 200 | 429;
}

/** Answers one parsed request body. */
export async function answerGraphql(body: unknown, o: EndpointOptions): Promise<GraphqlAnswer> {
  const schema = adminSchema(o.ctx.features);
  const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  const cost = (requested: number, actual: number | null): CostExtension => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: o.bucket.status(),
  });
  const fail = (errors: GraphQLError[] | Array<Record<string, unknown>>, requested = 0, operation = 'invalid', httpStatus = 200): GraphqlAnswer => ({
    httpStatus,
    body: { errors: errors.map((e) => (e instanceof GraphQLError ? e.toJSON() : e)), extensions: { cost: cost(requested, null) } },
    operation,
    throttled: false,
    requestedQueryCost: requested,
  });
  if (typeof query !== 'string' || query.trim() === '') {
    return {
      httpStatus: 400,
      body: { errors: [{ message: 'Parameter Missing or Invalid: query' }] },
      operation: 'invalid',
      throttled: false,
      requestedQueryCost: 0,
    };
  }
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    return fail([e as GraphQLError]);
  }
  const invalid = validate(schema, doc);
  if (invalid.length) return fail([...invalid]);
  const misplaced = misplacedIdempotent(doc);
  if (misplaced) return fail([new GraphQLError(`The @idempotent directive is not supported on field "${misplaced}".`)]);
  const op = getOperationAST(doc, typeof operationName === 'string' ? operationName : undefined);
  if (!op) return fail([new GraphQLError('Could not pick the operation: pass operationName.')]);
  const opName = op.name?.value ?? op.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…')).join(',');
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>);
  if (coerced.errors) return fail([...coerced.errors], 0, opName);

  const tooLong = longestInputArray(doc, coerced.coerced);
  if (tooLong > MAX_INPUT_ARRAY) {
    return fail(
      [
        {
          message: `The input array size of ${tooLong} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
          extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
        },
      ],
      0,
      opName,
    );
  }
  let requested: number;
  try {
    requested = operationCost(schema, doc, op, coerced.coerced);
  } catch (e) {
    return fail([e as GraphQLError], 0, opName);
  }
  if (requested > SINGLE_QUERY_MAX_COST) {
    return fail(
      [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`,
          extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_MAX_COST },
        },
      ],
      requested,
      opName,
    );
  }
  if (!o.bucket.take(requested)) {
    const status = o.bucket.status();
    const waitS = Math.max(0, (requested - status.currentlyAvailable) / status.restoreRate);
    return {
      httpStatus: o.throttleHttpStatus,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status } },
      },
      operation: opName,
      throttled: true,
      requestedQueryCost: requested,
      headers: o.throttleHttpStatus === 429 ? { 'retry-after': String(Math.ceil(waitS)) } : undefined,
    };
  }
  const result = await execute({
    schema,
    document: doc,
    operationName: op.name?.value,
    variableValues: coerced.coerced,
    rootValue: createRoot(o.ctx.state),
    contextValue: o.ctx,
  });
  const actual = op.operation === 'mutation' ? requested : operationCost(schema, doc, op, coerced.coerced, result.data ?? null);
  o.bucket.refund(requested - actual);
  return {
    httpStatus: 200,
    body: {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      extensions: { cost: cost(requested, actual) },
    },
    operation: opName,
    throttled: false,
    requestedQueryCost: requested,
    mutation: op.operation === 'mutation',
  };
}

/** The largest array anywhere in the arguments: literal lists and (coerced) variables. */
function longestInputArray(doc: DocumentNode, vars: Record<string, unknown>): number {
  let max = 0;
  visit(doc, {
    ListValue(node) {
      max = Math.max(max, node.values.length);
    },
  });
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      max = Math.max(max, v.length);
      v.forEach(walk);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(vars);
  return max;
}
