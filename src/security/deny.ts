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
import { scopesOf } from '../schema/common/lean-resolvers';
import type { Denial, ScopePlan } from './scope-plan';

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
  const walker = new DenialWalker(plan.denied, original, ctx);
  const nulled = walker.object(result.data, root, [operation.selectionSet], []);
  return { ...result, data: nulled ? null : result.data, errors: [...walker.errors, ...(result.errors ?? [])] };
}

/**
 * The start-up check that keeps applyDenials exact: it follows object types only (an answer does
 * not say which type an interface or union value was), so no possible type of an interface or
 * union may have a scoped field. Throws naming the field.
 */
export function assertScopesOnConcreteTypesOnly(schema: GraphQLSchema): void {
  for (const t of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(t)) continue;
    for (const impl of schema.getPossibleTypes(t)) {
      const scoped = Object.values(impl.getFields()).find((f) => scopesOf(f));
      if (scoped)
        throw new Error(`${impl.name}.${scoped.name} needs a scope, but ${impl.name} is a possible type of ${t.name}: scope plans need concrete types.`);
    }
  }
}

class DenialWalker {
  readonly errors: GraphQLError[] = [];
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly leadsToDenial = new Map<SelectionSetNode, boolean>();

  constructor(
    private readonly denied: ReadonlyMap<FieldNode, Denial>,
    document: DocumentNode,
    private readonly ctx: CallerContext,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !this.fragments.has(d.name.value)) this.fragments.set(d.name.value, d);
  }

  /** Fixes one object of `type` in place; true when it must itself become null. */
  object(obj: Record<string, unknown>, type: GraphQLObjectType, sets: readonly SelectionSetNode[], path: Path): boolean {
    for (const [key, nodes] of this.collect(sets)) {
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

  /** Field nodes by response key, in order, through fragments (each spread once per object, as graphql does). */
  private collect(sets: readonly SelectionSetNode[], into = new Map<string, FieldNode[]>(), spread = new Set<string>()): Map<string, FieldNode[]> {
    for (const set of sets) {
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          const key = s.alias?.value ?? s.name.value;
          const list = into.get(key);
          if (list) list.push(s);
          else into.set(key, [s]);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          this.collect([s.selectionSet], into, spread);
        } else if (!spread.has(s.name.value)) {
          spread.add(s.name.value);
          const f = this.fragments.get(s.name.value);
          if (f) this.collect([f.selectionSet], into, spread);
        }
      }
    }
    return into;
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
