import {
  Kind,
  TypeInfo,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { checkScopes } from '../auth/auth-checker';
import type { CallerContext } from '../auth/caller';
import { scopesOf } from '../schema/common/lean-resolvers';

/**
 * Scope checks decided once per operation instead of once per field and row. The fields a
 * document selects are known before it runs, so one pass over it (each fragment once) finds the
 * fields this caller may not see. Only those answer FORBIDDEN; nothing runs for the others.
 *
 * A refused field must not run (its resolver would call upstream), yet its answer must look as if
 * it had run and thrown: `null` at its place with the error at its path, bubbling up through
 * non-null parents as GraphQL's rules say. So the operation runs with each refused field replaced
 * by `__typename` under the same response key (same place, same directives, no arguments, nothing
 * below it), and afterwards applyDenials (deny.ts) puts the null and the error there.
 *
 * A plan depends on the document and the caller's scopes only, never on variables: a refused field
 * under `@skip(if: $x)` keeps its directive, and whether it was left out shows in the result.
 */
export interface ScopePlan {
  /** The document to run: the original when nothing is refused. */
  document: DocumentNode;
  /** The refused field nodes of the original document, with the scopes each needs. */
  denied: ReadonlyMap<FieldNode, Denial>;
}

export interface Denial {
  /** `Type.field`, as the error names it. */
  coordinate: string;
  scopes: readonly string[];
}

/**
 * The key under which plans for one document are shared: callers with the same scopes get the same
 * refusals. `open` when auth is off, `anonymous` when it is on and no caller came (fails closed).
 */
export function scopeKey(ctx: CallerContext): string {
  const caller = ctx.caller;
  if (!caller) return ctx.services.auth?.enabled ? 'anonymous' : 'open';
  // Keyed by the scope set, not the caller: a token's caller and its set are made once at start-up
  // (Authenticator), and every public caller (one per request) shares one set, so no entry is made
  // per request (a WeakMap entry whose key lives for one request costs the collector).
  let key = keys.get(caller.scopes);
  if (key === undefined) keys.set(caller.scopes, (key = [...caller.scopes].sort().join(' ')));
  return key;
}

const keys = new WeakMap<ReadonlySet<string>, string>();

/**
 * The response key under which an interface or union value that leads to a refused field (e.g.
 * `_entities { ... on Order { email } }`) tells its type: applyDenials needs the type to know which
 * fragments applied, and the caller may not have asked for `__typename`. Removed before the answer goes out.
 */
export const TYPENAME_KEY = 'pgwScopePlanType__';

/** One pass over the operation (fragments once each): the fields `ctx`'s caller may not see. */
export function planScopes(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, ctx: CallerContext): ScopePlan {
  const denied = new Map<FieldNode, Denial>();
  const allowed = (scopes: readonly string[], coordinate: string): boolean => {
    try {
      return checkScopes(ctx, scopes, coordinate);
    } catch {
      return false;
    }
  };
  // Fields whose type is an interface or union: the ones that lead to a refusal must say their type.
  const abstract: FieldNode[] = [];
  forEachSelectedField(schema, document, operation, (node, parentType) => {
    const def = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[node.name.value] : undefined;
    if (node.selectionSet && def && isAbstractType(getNamedType(def.type))) abstract.push(node);
    // On an interface or union, refused where any type it can be refuses (fails closed).
    const candidates = isAbstractType(parentType) ? schema.getPossibleTypes(parentType) : isObjectType(parentType) ? [parentType] : [];
    for (const t of candidates) {
      const field = t.getFields()[node.name.value];
      const scopes = field && scopesOf(field);
      const coordinate = `${t.name}.${node.name.value}`;
      if (scopes && !allowed(scopes, coordinate)) {
        denied.set(node, { coordinate, scopes });
        return false; // nothing below a refused field runs
      }
    }
    return undefined;
  });
  if (denied.size === 0) return { document, denied };
  const leads = leadsToDenied(document, denied);
  return { document: withoutDenied(document, denied, new Set(abstract.filter((n) => leads(n.selectionSet!)))), denied };
}

/**
 * Calls `visitField` for every field the operation selects, with its parent type, walking each
 * fragment once however often it is spread (graphql's `visit` is iterative: no stack overflow).
 * Returning false skips the field's selection set. Directives are not evaluated here.
 */
export function forEachSelectedField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  visitField: (node: FieldNode, parentType: GraphQLCompositeType) => false | undefined,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  const queued = new Set<string>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];
  for (let def = pending.pop(); def; def = pending.pop()) {
    const typeInfo = new TypeInfo(schema);
    visit(
      def,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          return parent ? visitField(node, parent) : undefined;
        },
        FragmentSpread(node) {
          const fragment = fragments.get(node.name.value);
          if (fragment && !queued.has(node.name.value)) {
            queued.add(node.name.value);
            pending.push(fragment);
          }
        },
      }),
    );
  }
}

/**
 * The document with each refused field replaced by `<response key>: __typename`, its directives
 * kept, and `TYPENAME_KEY: __typename` added below each field of `typed` (abstract, leading to one).
 */
function withoutDenied(document: DocumentNode, denied: ReadonlyMap<FieldNode, Denial>, typed: ReadonlySet<FieldNode>): DocumentNode {
  return visit(document, {
    Field(node) {
      if (typed.has(node)) {
        const own: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: TYPENAME_KEY }, name: { kind: Kind.NAME, value: '__typename' } };
        return { ...node, selectionSet: { ...node.selectionSet!, selections: [...node.selectionSet!.selections, own] } };
      }
      if (!denied.has(node)) return undefined;
      const placeholder: FieldNode = {
        kind: Kind.FIELD,
        alias: { kind: Kind.NAME, value: node.alias?.value ?? node.name.value },
        name: { kind: Kind.NAME, value: '__typename' },
        arguments: [],
        directives: node.directives,
        loc: node.loc,
      };
      return placeholder;
    },
  });
}

/** Whether a selection set has a refused field anywhere below, through fragments (memoised per set). */
function leadsToDenied(document: DocumentNode, denied: ReadonlyMap<FieldNode, Denial>): (set: SelectionSetNode) => boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  const known = new Map<SelectionSetNode, boolean>();
  const leads = (set: SelectionSetNode): boolean => {
    const k = known.get(set);
    if (k !== undefined) return k;
    known.set(set, false); // a cycle (refused by validation anyway) leads nowhere
    const found = set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return denied.has(s) || (s.selectionSet !== undefined && leads(s.selectionSet));
      if (s.kind === Kind.INLINE_FRAGMENT) return leads(s.selectionSet);
      const f = fragments.get(s.name.value);
      return f !== undefined && leads(f.selectionSet);
    });
    known.set(set, found);
    return found;
  };
  return leads;
}
