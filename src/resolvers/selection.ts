import { Kind, isAbstractType, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** A field's selection as a resolver has it; the schema is read only to match fragments to a type (`selected`). */
export type Selection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'> & Partial<Pick<GraphQLResolveInfo, 'schema'>>;

/**
 * The names of the fields selected directly under the field being resolved, through inline
 * fragments and fragment spreads. `@skip`/`@include` are not read: a field they may drop counts as
 * selected, so a resolver that prepares data for it prepares a little too much, never too little.
 * Remembered per set of field nodes (one per field of a document, shared by every row), so a page
 * of 50 rows walks the selection once.
 */
export function subfieldsAsked(info: Selection): ReadonlySet<string> {
  let names = asked.get(info.fieldNodes);
  if (!names) {
    const found = new Set<string>();
    for (const node of info.fieldNodes) forEachField(node.selectionSet, info, (f) => void found.add(f.name.value));
    asked.set(info.fieldNodes, (names = found));
  }
  return names;
}

/**
 * Whether the selection under the field being resolved reaches `path` (field names, one per
 * level, e.g. `edges`, `node`, `lines`, `product`), by the same rules as subfieldsAsked.
 */
export function selectsPath(info: Selection, path: readonly string[]): boolean {
  const key = path.join('.');
  let byPath = paths.get(info.fieldNodes);
  if (!byPath) paths.set(info.fieldNodes, (byPath = new Map<string, boolean>()));
  let found = byPath.get(key);
  if (found === undefined) {
    let sets = info.fieldNodes.map((n) => n.selectionSet);
    for (const name of path) {
      const next: Array<SelectionSetNode | undefined> = [];
      for (const set of sets) forEachField(set, info, (f) => void (f.name.value === name && next.push(f.selectionSet)));
      sets = next;
    }
    byPath.set(key, (found = sets.length > 0));
  }
  return found;
}

/**
 * Whether `sets` select a field `name`, and the selection sets under it; with `type`, only through
 * the fragments that can apply to that type (an `_entities` selection has one per entity type).
 */
export function selected(info: Selection, sets: readonly SelectionSetNode[], name: string, type?: string): { found: boolean; sets: SelectionSetNode[] } {
  const out = { found: false, sets: [] as SelectionSetNode[] };
  for (const set of sets) {
    forEachField(
      set,
      info,
      (f) => {
        if (f.name.value !== name) return;
        out.found = true;
        if (f.selectionSet) out.sets.push(f.selectionSet);
      },
      type,
    );
  }
  return out;
}

/** Every field of `set`, through inline fragments and each named fragment once; with `type`, skipping fragments that cannot apply to it. */
function forEachField(set: SelectionSetNode | undefined, info: Selection, visit: (field: FieldNode) => void, type?: string, seen = new Set<string>()): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) visit(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (applies(info, s.typeCondition?.name.value, type)) forEachField(s.selectionSet, info, visit, type, seen);
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const f = info.fragments[s.name.value];
      if (f && applies(info, f.typeCondition.name.value, type)) forEachField(f.selectionSet, info, visit, type, seen);
    }
  }
}

/**
 * Whether a fragment on `condition` can select fields of `type`: the type itself, or an abstract
 * type it belongs to. Without a type (or a schema to tell) every fragment counts: too much, never too little.
 */
function applies(info: Selection, condition: string | undefined, type: string | undefined): boolean {
  if (condition === undefined || type === undefined || condition === type || !info.schema) return true;
  const c = info.schema.getType(condition);
  const t = info.schema.getType(type);
  return !!c && !!t && isAbstractType(c) && 'getFields' in t && info.schema.isSubType(c, t as never);
}

const asked = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();
const paths = new WeakMap<readonly FieldNode[], Map<string, boolean>>();
