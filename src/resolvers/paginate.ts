import { PICQER_PAGE_SIZE } from '../datasources/picqer';
import type { ConnectionShape } from '../schema/common/connection';
import { decodeCursor, encodeCursor } from '../schema/common/cursor';

/**
 * Maps a Relay page (first, after) onto Picqer's offset pages of 100: the calls for one page are
 * made in parallel, one per 100 rows, starting at the cursor's offset (Picqer takes any offset,
 * so a page that starts mid-way costs no extra call).
 */
export async function paginate<N>(first: number, after: string | null | undefined, fetchPage: (offset: number) => Promise<N[]>): Promise<ConnectionShape<N>> {
  const start = decodeCursor(after);
  const calls = Math.ceil(first / PICQER_PAGE_SIZE);
  const pages = await Promise.all(Array.from({ length: calls }, (_, i) => fetchPage(start + i * PICQER_PAGE_SIZE)));
  const rows: N[] = [];
  for (const page of pages) {
    rows.push(...page);
    if (page.length < PICQER_PAGE_SIZE) break;
  }
  const lastPageFull = pages[pages.length - 1].length === PICQER_PAGE_SIZE && rows.length === calls * PICQER_PAGE_SIZE;
  const taken = rows.slice(0, first);
  const edges = taken.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first || (rows.length === first && lastPageFull),
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: null,
  };
}
