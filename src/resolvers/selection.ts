import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields selected directly under the field being resolved, through inline
 * fragments and fragment spreads. `@skip`/`@include` are not read: a field they may drop counts as
 * selected, so a resolver that prepares data for it prepares a little too much, never too little.
 * Remembered per set of field nodes (one per field of a document, shared by every row), so a page
 * of 50 rows walks the selection once.
 */
export function subfieldsAsked(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): ReadonlySet<string> {
  let names = asked.get(info.fieldNodes);
  if (!names) {
    names = new Set();
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode | undefined): void => {
      for (const s of set?.selections ?? []) {
        if (s.kind === Kind.FIELD) names!.add(s.name.value);
        else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
        else if (!seen.has(s.name.value)) {
          seen.add(s.name.value);
          walk(info.fragments[s.name.value]?.selectionSet);
        }
      }
    };
    for (const node of info.fieldNodes) walk(node.selectionSet);
    asked.set(info.fieldNodes, names);
  }
  return names;
}

const asked = new WeakMap<readonly FieldNode[], Set<string>>();
