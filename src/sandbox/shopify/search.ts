/**
 * A small subset of Shopify's search syntax: terms joined by `OR` (and implicit/explicit `AND`),
 * each `field:value` with an optional quoted value and a trailing `*` for prefix match.
 * Matching is case-insensitive like Shopify's. Unknown fields are ignored (Shopify ignores an
 * invalid filter and warns), so a typo widens the result, which is why clients must re-check.
 */

export interface SearchTerm {
  field: string;
  value: string;
  prefix: boolean;
}

/** Disjunctive normal form: any group matches when all its terms match. */
export type SearchQuery = SearchTerm[][];

export function parseSearch(q: string | null | undefined): SearchQuery {
  if (!q || !q.trim()) return [];
  const tokens: string[] = [];
  const re = /\s*([A-Za-z_]+:"(?:[^"\\]|\\.)*"\*?|[^\s"]+)\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(q)) !== null) tokens.push(m[1]);
  const groups: SearchQuery = [[]];
  for (const t of tokens) {
    if (t === 'OR') {
      groups.push([]);
      continue;
    }
    if (t === 'AND') continue;
    const colon = t.indexOf(':');
    let field = colon > 0 ? t.slice(0, colon).toLowerCase() : 'default';
    let value = colon > 0 ? t.slice(colon + 1) : t;
    const prefix = value.endsWith('*');
    if (prefix) value = value.slice(0, -1);
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (field === '') field = 'default';
    groups[groups.length - 1].push({ field, value: value.toLowerCase(), prefix });
  }
  return groups.filter((g) => g.length > 0);
}

/**
 * Whether a record matches. `fields` gives the searchable values per field name; terms on fields
 * the resource does not know are skipped.
 */
export function matches(query: SearchQuery, fields: Record<string, string | number | null | undefined>): boolean {
  if (query.length === 0) return true;
  return query.some((group) =>
    group.every((t) => {
      if (!(t.field in fields)) return true;
      const v = String(fields[t.field] ?? '').toLowerCase();
      return t.prefix ? v.startsWith(t.value) : v === t.value;
    }),
  );
}
