import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The deepest field nesting of a selection set, fragments inlined. Introspection fields
 * (`__schema`, `__type`) are not counted: GraphiQL's own introspection query nests its
 * `ofType` chain deeper than any data query needs, and introspection is switched by its own flag.
 *
 * Linear in the document's size: a fragment's depth is worked out once and reused wherever it is
 * spread. Re-expanding each spread instead made ten fragments of ten spreads each 10^10 steps.
 */
export function queryDepth(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): number {
  const byFragment = new Map<string, number>();
  // Fragments being measured: a spread of one of them is a cycle (validation refuses those first).
  const measuring = new Set<string>();

  const depthOf = (s: SelectionSetNode): number => {
    let max = 0;
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        max = Math.max(max, 1 + (sel.selectionSet ? depthOf(sel.selectionSet) : 0));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(sel.selectionSet));
      } else {
        const frag = fragments[sel.name.value];
        if (!frag || measuring.has(frag.name.value)) continue;
        let depth = byFragment.get(frag.name.value);
        if (depth === undefined) {
          measuring.add(frag.name.value);
          depth = depthOf(frag.selectionSet);
          measuring.delete(frag.name.value);
          byFragment.set(frag.name.value, depth);
        }
        max = Math.max(max, depth);
      }
    }
    return max;
  };
  return depthOf(set);
}
