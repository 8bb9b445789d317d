import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  Kind,
  execute,
  isObjectType,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { CallerContext } from '../auth/caller';
import { applyDenials } from './deny';
import { prefetchOf, type Prefetch } from '../schema/common/prefetch';
import { forEachSelectedField, planScopes, scopeKey, type ScopePlan } from './scope-plan';

type GatewayInterface = ApolloServerOptionsWithGateway<CallerContext>['gateway'];

export interface CompiledExecutionOptions {
  /** Operations kept compiled (one per document, operation name and scope set); least recently used go first. Default 1000. */
  maxOperations?: number;
  /**
   * Fields an operation may have once its fragments are expanded, counting every spread, and still
   * be compiled. graphql-jit's compile time grows with that count (it has no per-fragment memo the
   * way graphql-js's execution has), so a fragment fan-out that the document limits allow would
   * stall compilation; those run on graphql-js. Default 5000.
   */
  maxExpandedFields?: number;
  /** Told once per operation that graphql-jit could not compile (it then runs on graphql-js). */
  onFallback?: (operationName: string | null, reason: string) => void;
}

/** How the executor has run operations since start: for tests and the bench. */
export interface CompiledExecutionStats {
  compiled: number;
  fallback: number;
  cached: number;
}

/**
 * Apollo Server's executor replaced by compiled operations (graphql-jit), with the scope checks
 * decided once per operation (scope-plan.ts). Apollo keeps everything else: parsing, validation,
 * the document store, plugins, error formatting, `extensions`, HTTP. It accepts a custom executor
 * through its gateway interface; this is a "gateway" over the one local schema.
 *
 * Per request: look up the plan for (document, operation, the caller's scopes), run it, and only
 * if the plan refuses fields put their nulls and errors in (deny.ts). A plan is made on first use:
 * one pass over the document for the scopes, then graphql-jit compiles the document to a function
 * of (root, context, variables). What jit refuses to compile runs on graphql-js's `execute`.
 *
 * Plans live in an LRU bounded by count, keyed by Apollo's query hash (the SHA-256 of the query
 * text), so a client sending ever-new documents costs compile time, never unbounded memory.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  opts: CompiledExecutionOptions = {},
): { gateway: GatewayInterface; stats: () => CompiledExecutionStats } {
  const plans = new LRUCache<string, Plan>({ max: opts.maxOperations ?? 1000 });
  const stats: CompiledExecutionStats = { compiled: 0, fallback: 0, cached: 0 };

  const planFor = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, ctx: CallerContext, hash: string): Plan => {
    const key = `${hash}\n${operationName ?? ''}\n${scopeKey(ctx)}`;
    const known = plans.get(key);
    if (known) {
      stats.cached++;
      return known;
    }
    const plan = makePlan(schema, document, operation, operationName, ctx, opts.maxExpandedFields ?? 5000, (reason) =>
      opts.onFallback?.(operationName, reason),
    );
    stats[plan.compiled ? 'compiled' : 'fallback']++;
    plans.set(key, plan);
    return plan;
  };

  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return {
        executor: async (rc) => {
          const ctx = rc.context as CallerContext;
          // No operation matched the request's operationName: graphql's own answer names why (Apollo makes it a 400).
          if (!rc.operation)
            return execute({ schema, document: rc.document, operationName: rc.request.operationName, contextValue: ctx, variableValues: rc.request.variables });
          const plan = planFor(rc.document, rc.operation, rc.operationName, ctx, rc.queryHash);
          for (const prefetch of plan.prefetch) startPrefetch(prefetch, ctx);
          const result = await plan.run(ctx, rc.request.variables);
          return applyDenials(result, plan.scopes, schema, rc.document, rc.operation, ctx);
        },
      };
    },
    async stop() {
      plans.clear();
    },
  };
  return { gateway, stats: () => ({ ...stats }) };
}

interface Plan {
  scopes: ScopePlan;
  /** What the selected fields (those the caller may see) ask to start first (schema/common/prefetch.ts), each once. */
  prefetch: readonly Prefetch[];
  compiled: boolean;
  run(ctx: CallerContext, variables: Record<string, unknown> | undefined): Promise<ExecutionResult> | ExecutionResult;
}

function makePlan(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  operationName: string | null,
  ctx: CallerContext,
  maxExpandedFields: number,
  onFallback: (reason: string) => void,
): Plan {
  const scopes = planScopes(schema, document, operation, ctx);
  // With fields refused the plan's document is a rewritten copy: walk its copy of the operation.
  const planned = scopes.document === document ? operation : scopes.document.definitions[document.definitions.indexOf(operation)];
  const prefetch = prefetchesOf(schema, scopes.document, planned?.kind === Kind.OPERATION_DEFINITION ? planned : operation);
  const name = operationName ?? undefined;
  const compiled = compile(schema, scopes.document, operation, name, maxExpandedFields);
  if (typeof compiled !== 'string') return { scopes, prefetch, compiled: true, run: (c, variables) => compiled.query(undefined, c, variables ?? {}) };
  onFallback(compiled);
  return {
    scopes,
    prefetch,
    compiled: false,
    run: (c, variables) => execute({ schema, document: scopes.document, operationName: name, contextValue: c, variableValues: variables }),
  };
}

/**
 * The prefetches of the fields `document` selects, each once. Run on the plan's document, where a
 * refused field is already gone, so nothing is started for data the caller may not see. On an
 * interface, a field's prefetch is taken from every type that implements it.
 */
function prefetchesOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Prefetch[] {
  const found = new Set<Prefetch>();
  forEachSelectedField(schema, document, operation, (node, parentType) => {
    const types = isObjectType(parentType) ? [parentType] : schema.getPossibleTypes(parentType);
    for (const t of types) {
      const p = prefetchOf(t.getFields()[node.name.value]);
      if (p) found.add(p);
    }
    return undefined;
  });
  return [...found];
}

/** Starts a prefetch; its failure is the field's to report when it asks for the data. */
function startPrefetch(prefetch: Prefetch, ctx: CallerContext): void {
  try {
    const started = prefetch(ctx as never);
    if (started instanceof Promise) started.catch(() => undefined);
  } catch {
    // The field meets the same problem when it runs, and answers it there.
  }
}

/** The operation compiled by graphql-jit, or why not. */
function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  name: string | undefined,
  maxExpandedFields: number,
): CompiledQuery | string {
  const expanded = expandedFields(document, operation.selectionSet);
  if (expanded > maxExpandedFields)
    return `it expands to ${expanded > 1e15 ? 'more than 10^15' : expanded} fields through its fragments (compiled up to ${maxExpandedFields})`;
  try {
    const compiled = compileQuery(schema, document, name);
    return isCompiledQuery(compiled) ? compiled : (compiled.errors?.map((e) => e.message).join('; ') ?? 'not compiled');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Fields of a selection set with every fragment spread expanded (a float: it may be astronomic); linear, one count per fragment. */
function expandedFields(document: DocumentNode, root: SelectionSetNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d.selectionSet);
  const counted = new Map<SelectionSetNode, number>();
  const count = (set: SelectionSetNode): number => {
    const known = counted.get(set);
    if (known !== undefined) return known;
    counted.set(set, 0); // a cycle (refused by validation anyway) counts nothing
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n += 1 + (s.selectionSet ? count(s.selectionSet) : 0);
      else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet);
      else {
        const f = fragments.get(s.name.value);
        n += f ? count(f) : 0;
      }
    }
    counted.set(set, n);
    return n;
  };
  return count(root);
}
