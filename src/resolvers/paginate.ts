import { PICQER_PAGE_SIZE } from '../datasources/picqer';
import type { ConnectionShape } from '../schema/common/connection';
import { decodeCursor, encodeCursor } from '../schema/common/cursor';
import type { RowSource } from '../util/lazy-rows';

/**
 * Maps a Relay page (first, after) onto Picqer's offset pages of 100, always asked at multiples
 * of 100 and fetched in parallel: every client page size and cursor then reads the same upstream
 * pages, which the shared cache holds once (five `first: 20` pages and the start-up warm-up share
 * one entry). A page that straddles a multiple of 100 reads both pages around it. `fetchPage` is
 * told how many rows from the page's start the connection reads (`need`); it may load only those,
 * and must still count the page's rows (`length`), which decide `hasNextPage`.
 */
export async function paginate<N>(
  first: number,
  after: string | null | undefined,
  fetchPage: (offset: number, need: number) => Promise<RowSource<N>>,
): Promise<ConnectionShape<N>> {
  const start = decodeCursor(after);
  const base = start - (start % PICQER_PAGE_SIZE);
  const skip = start - base;
  const calls = Math.max(1, Math.ceil((skip + first) / PICQER_PAGE_SIZE));
  // Each page is told how many of its rows, from its start, this connection reads.
  const need = (i: number): number => Math.min(PICQER_PAGE_SIZE, skip + first - i * PICQER_PAGE_SIZE);
  const fetched = await Promise.all(Array.from({ length: calls }, (_, i) => fetchPage(base + i * PICQER_PAGE_SIZE, need(i))));
  // The pages up to the first short one (the last there is).
  const pages: Array<RowSource<N>> = [];
  let total = 0;
  for (const page of fetched) {
    pages.push(page);
    total += page.length;
    if (page.length < PICQER_PAGE_SIZE) break;
  }
  // Every page full to the end of what was asked: there may be more, as Picqer cannot say.
  const allFull = total === calls * PICQER_PAGE_SIZE;
  // Only the rows taken are read (a lazy page maps no others).
  const taken = sliceAcross(pages, skip, skip + first);
  const edges = taken.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: total > skip + first || (taken.length === first && allFull),
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    totalCount: null,
  };
}

/** Rows [from, to) of consecutive pages, as one list. */
function sliceAcross<N>(pages: ReadonlyArray<RowSource<N>>, from: number, to: number): N[] {
  const out: N[] = [];
  let offset = 0;
  for (const page of pages) {
    const end = offset + page.length;
    if (end > from && offset < to) out.push(...page.slice(Math.max(0, from - offset), Math.min(page.length, to - offset)));
    offset = end;
  }
  return out;
}
