/** Picqer's page: products by id (or by a code whose id is known) come 100 a call. */
const PICQER_PAGE = 100;

/**
 * The upstream calls of a router's `_entities` over `representations`, and the rows it yields (one
 * per representation), as the reference resolvers fetch them (src/resolvers/entities.resolver.ts):
 * products by id or by a code Picqer has shown us batch 100 a call; a code not seen yet, an order,
 * a picklist, a warehouse or a location is counted a call each (an upper bound: the warehouse list
 * and the shop's locations are read once).
 */
export function entitiesCalls(representations: () => unknown, knownCode?: (code: string) => boolean): { calls: number; rows: number } {
  let given: unknown;
  try {
    given = representations();
  } catch {
    given = []; // bad arguments: validation refuses them later
  }
  const reps = Array.isArray(given) ? given.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null) : [];
  const batched = reps.filter(
    (r) => r.__typename === 'Product' && (r.id != null || (typeof r.productcode === 'string' && knownCode?.(r.productcode) === true)),
  );
  return { calls: reps.length - batched.length + Math.ceil(batched.length / PICQER_PAGE), rows: reps.length };
}
