import { BadUserInputError } from '../../errors';

/**
 * Cursors are opaque to clients; inside they are Picqer offsets ("o:<n>", base64url), because
 * Picqer pages by offset. A malformed cursor is the caller's error and names the argument.
 */
export function encodeCursor(offset: number): string {
  // Every edge of every page has one: the first offsets' cursors are made once per process.
  if (Number.isInteger(offset) && offset >= 0 && offset < CURSORS_KEPT) return (CURSORS[offset] ??= Buffer.from(`o:${offset}`).toString('base64url'));
  return Buffer.from(`o:${offset}`).toString('base64url');
}

/** Cursors of offsets below this are remembered (10,000 short strings). */
const CURSORS_KEPT = 10_000;
const CURSORS: string[] = [];

export function decodeCursor(cursor: string | null | undefined, arg = 'after'): number {
  if (cursor === null || cursor === undefined) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^o:(\d{1,9})$/.exec(text);
  if (!m) throw new BadUserInputError(`Argument "${arg}" is not a cursor this API issued (use a pageInfo.endCursor).`, arg);
  return Number(m[1]) + 1;
}
