import {
  Kind,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  locatedError,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { checkScopes } from '../auth/auth-checker';
import type { CallerContext } from '../auth/caller';
import { ForbiddenError } from '../errors';
import { TYPENAME_KEY, type Denial, type ScopePlan } from './scope-plan';

/** A null that must travel up: the value sat in a non-null position. */
const BUBBLE = Symbol('bubble');
type Path = ReadonlyArray<string | number>;

/**
 * Turns the result of an operation run with its refused fields stubbed out (scope-plan.ts) into
 * the answer those fields would have given had they run and thrown: at every place a refused
 * field was answered, `null` and the error the scope check throws (FORBIDDEN naming the field,
 * the scope and the token; UNAUTHENTICATED without a caller), at its path and locations; a null
 * in a non-null position bubbles to the nearest nullable parent, as graphql's execution does.
 * Errors come first, in the order of the answer, then the execution's own.
 *
 * Walks only the selections that lead to a refused field, so its cost is that of the refused
 * parts of the answer; an operation with nothing refused never gets here. Mutates `result.data`.
 */
export function applyDenials(
  result: ExecutionResult,
  plan: ScopePlan,
  schema: GraphQLSchema,
  original: DocumentNode,
  operation: OperationDefinitionNode,
  ctx: CallerContext,
): ExecutionResult {
  if (plan.denied.size === 0 || result.data == null) return result;
  const root = schema.getRootType(operation.operation);
  if (!root) return result;
  const walker = new DenialWalker(plan.denied, original, ctx, schema);
  const nulled = walker.object(result.data, root, [operation.selectionSet], []);
  return { ...result, data: nulled ? null : result.data, errors: [...walker.errors, ...(result.errors ?? [])] };
}

class DenialWalker {
  readonly errors: GraphQLError[] = [];
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly leadsToDenial = new Map<SelectionSetNode, boolean>();

  constructor(
    private readonly denied: ReadonlyMap<FieldNode, Denial>,
    document: DocumentNode,
    private readonly ctx: CallerContext,
    private readonly schema: GraphQLSchema,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !this.fragments.has(d.name.value)) this.fragments.set(d.name.value, d);
  }

  /** Fixes one object of `type` in place; true when it must itself become null. */
  object(obj: Record<string, unknown>, type: GraphQLObjectType, sets: readonly SelectionSetNode[], path: Path): boolean {
    for (const [key, nodes] of this.collect(sets, type)) {
      if (obj[key] === undefined) continue; // left out by @skip/@include (graphql-jit may leave the key, undefined)
      const field = type.getFields()[nodes[0].name.value];
      const denial = this.denialOf(nodes);
      if (denial) {
        this.errors.push(locatedError(this.refusal(denial), nodes, [...path, key]));
        obj[key] = null;
        if (field && isNonNullType(field.type)) return true;
        continue;
      }
      const below = nodes.flatMap((n) => (n.selectionSet && this.leadsTo(n.selectionSet) ? [n.selectionSet] : []));
      if (!field || below.length === 0) continue;
      const v = this.value(obj[key], field.type, below, [...path, key]);
      if (v === BUBBLE) return true;
      obj[key] = v;
    }
    return false;
  }

  private value(v: unknown, type: GraphQLOutputType, sets: readonly SelectionSetNode[], path: Path): unknown {
    if (isNonNullType(type)) {
      const inner = this.value(v, type.ofType, sets, path);
      return inner === null || inner === BUBBLE ? BUBBLE : inner;
    }
    if (v == null) return v;
    if (isListType(type)) {
      const list = v as unknown[];
      for (let i = 0; i < list.length; i++) {
        const item = this.value(list[i], type.ofType, sets, [...path, i]);
        if (item === BUBBLE) return null;
        list[i] = item;
      }
      return list;
    }
    if (isObjectType(type)) return this.object(v as Record<string, unknown>, type, sets, path) ? null : v;
    if (isAbstractType(type)) {
      // An interface or union value says its type under the key the plan asked it for (scope-plan.ts).
      const obj = v as Record<string, unknown>;
      const concrete = this.schema.getType(String(obj[TYPENAME_KEY] ?? obj.__typename));
      delete obj[TYPENAME_KEY];
      if (isObjectType(concrete)) return this.object(obj, concrete, sets, path) ? null : v;
    }
    return v;
  }

  private denialOf(nodes: readonly FieldNode[]): Denial | undefined {
    for (const n of nodes) {
      const d = this.denied.get(n);
      if (d) return d;
    }
    return undefined;
  }

  /** The error the scope check gives this caller for this field. */
  private refusal(d: Denial): Error {
    try {
      checkScopes(this.ctx, d.scopes, d.coordinate);
    } catch (err) {
      return err as Error;
    }
    return new ForbiddenError(`Field "${d.coordinate}" needs scope ${d.scopes.map((s) => `"${s}"`).join(' or ')}.`, d.scopes[0]);
  }

  /**
   * Field nodes by response key, in order, through the fragments that apply to `type` (each spread
   * once per object, as graphql does).
   */
  private collect(
    sets: readonly SelectionSetNode[],
    type: GraphQLObjectType,
    into = new Map<string, FieldNode[]>(),
    spread = new Set<string>(),
  ): Map<string, FieldNode[]> {
    for (const set of sets) {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const list = into.get(key);
          if (list) list.push(s);
          else into.set(key, [s]);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(s.typeCondition?.name.value, type)) this.collect([s.selectionSet], type, into, spread);
        } else if (!spread.has(s.name.value)) {
          const f = this.fragments.get(s.name.value);
          if (f && this.applies(f.typeCondition.name.value, type)) {
            spread.add(s.name.value);
            this.collect([f.selectionSet], type, into, spread);
          }
        }
      }
    }
    return into;
  }

  /** Whether a fragment on `condition` applies to an object of `type`. */
  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (condition === undefined || condition === type.name) return true;
    const t = this.schema.getType(condition);
    return t !== undefined && isAbstractType(t) && this.schema.isSubType(t, type);
  }

  /** Whether a refused field lies anywhere below (memoised: a fragment is looked into once). */
  private leadsTo(set: SelectionSetNode): boolean {
    const known = this.leadsToDenial.get(set);
    if (known !== undefined) return known;
    let found = false;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) found = this.denied.has(s) || (s.selectionSet !== undefined && this.leadsTo(s.selectionSet));
      else if (s.kind === Kind.INLINE_FRAGMENT) found = this.leadsTo(s.selectionSet);
      else {
        const f = this.fragments.get(s.name.value);
        found = f !== undefined && this.leadsTo(f.selectionSet);
      }
      if (found) break;
    }
    this.leadsToDenial.set(set, found);
    return found;
  }
}
