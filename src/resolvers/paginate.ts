import { PICQER_PAGE_SIZE } from '../datasources/picqer';
import type { ConnectionShape } from '../schema/common/connection';
import { decodeCursor, encodeCursor } from '../schema/common/cursor';

/**
 * Maps a Relay page (first, after) onto Picqer's offset pages of 100, always asked at multiples
 * of 100 and fetched in parallel: every client page size and cursor then reads the same upstream
 * pages, which the shared cache holds once (five `first: 20` pages and the start-up warm-up share
 * one entry). A page that straddles a multiple of 100 reads both pages around it.
 */
export async function paginate<N>(first: number, after: string | null | undefined, fetchPage: (offset: number) => Promise<N[]>): Promise<ConnectionShape<N>> {
  const start = decodeCursor(after);
  const base = start - (start % PICQER_PAGE_SIZE);
  const skip = start - base;
  const calls = Math.max(1, Math.ceil((skip + first) / PICQER_PAGE_SIZE));
  const pages = await Promise.all(Array.from({ length: calls }, (_, i) => fetchPage(base + i * PICQER_PAGE_SIZE)));
  const rows: N[] = [];
  for (const page of pages) {
    rows.push(...page);
    if (page.length < PICQER_PAGE_SIZE) break;
  }
  // Every page full to the end of what was asked: there may be more, as Picqer cannot say.
  const allFull = rows.length === calls * PICQER_PAGE_SIZE;
  const taken = rows.slice(skip, skip + first);
  const edges = taken.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > skip + first || (taken.length === first && allFull),
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: null,
  };
}
