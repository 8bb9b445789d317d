import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

type Selection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

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

/** Every field of `set`, through inline fragments and each named fragment once. */
function forEachField(set: SelectionSetNode | undefined, info: Selection, visit: (field: FieldNode) => void, seen = new Set<string>()): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) visit(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) forEachField(s.selectionSet, info, visit, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      forEachField(info.fragments[s.name.value]?.selectionSet, info, visit, seen);
    }
  }
}

const asked = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();
const paths = new WeakMap<readonly FieldNode[], Map<string, boolean>>();
