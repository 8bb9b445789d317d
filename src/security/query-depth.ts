import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The deepest field nesting of a selection set, fragments inlined. Introspection fields
 * (`__schema`, `__type`) are not counted: GraphiQL's own introspection query nests its
 * `ofType` chain deeper than any data query needs, and introspection is switched by its own flag.
 */
export function queryDepth(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen: ReadonlySet<string> = new Set()): number {
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue;
      max = Math.max(max, 1 + (sel.selectionSet ? queryDepth(sel.selectionSet, fragments, seen) : 0));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, queryDepth(sel.selectionSet, fragments, seen));
    } else {
      const frag = fragments[sel.name.value];
      if (frag && !seen.has(frag.name.value)) max = Math.max(max, queryDepth(frag.selectionSet, fragments, new Set([...seen, frag.name.value])));
    }
  }
  return max;
}
