/**
 * The slice of OData v2 query options the Exact sandbox understands: `$filter` with eq/ne/gt/ge/
 * lt/le, `and`, `or` and parentheses over string, guid, number and boolean literals; `$select`;
 * `$top`; `$skiptoken` paging. Exact answers a query it cannot parse with 400, so does this.
 */

export type ODataRecord = Record<string, string | number | boolean | null>;

/** A query option Exact would refuse; the sandbox answers 400 with this message. */
export class ODataQueryError extends Error {}

type Literal = string | number | boolean | null;
type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type Node = { kind: 'cmp'; field: string; op: CmpOp; value: Literal } | { kind: 'bool'; op: 'and' | 'or'; left: Node; right: Node };

const TOKEN = /\s*(\(|\)|guid'[^']*'|datetime'[^']*'|'(?:[^']|'')*'|-?\d+(?:\.\d+)?L?|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new ODataQueryError(`$filter: unexpected text at position ${at}`);
    out.push(m[1]);
  }
  return out;
}

function literal(tok: string | undefined): Literal {
  if (tok === undefined) throw new ODataQueryError('$filter: a value was expected after the operator');
  if (tok.startsWith("guid'")) return tok.slice(5, -1).toLowerCase();
  if (tok.startsWith("datetime'")) return tok.slice(9, -1);
  if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'");
  if (tok === 'true' || tok === 'false') return tok === 'true';
  if (tok === 'null') return null;
  if (/^-?\d/.test(tok)) return Number(tok.replace(/L$/, ''));
  throw new ODataQueryError(`$filter: "${tok}" is not a literal (expected 'text', guid'…', a number or true/false)`);
}

/** Parses a `$filter` expression; `fields` are the entity's properties (others are refused). */
export function parseFilter(src: string, fields: ReadonlySet<string>): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const primary = (): Node => {
    if (peek() === '(') {
      i++;
      const inner = orExpr();
      if (toks[i++] !== ')') throw new ODataQueryError('$filter: a closing parenthesis is missing');
      return inner;
    }
    const field = toks[i++];
    if (!field || !fields.has(field)) throw new ODataQueryError(`$filter: unknown property "${field ?? ''}"`);
    const op = toks[i++];
    if (!op || !['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op)) {
      throw new ODataQueryError(`$filter: expected eq, ne, gt, ge, lt or le after ${field}, got "${op ?? ''}"`);
    }
    return { kind: 'cmp', field, op: op as CmpOp, value: literal(toks[i++]) };
  };
  // `and` binds tighter than `or`, as in OData.
  const andExpr = (): Node => {
    let left = primary();
    while (peek() === 'and') {
      i++;
      left = { kind: 'bool', op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Node => {
    let left = andExpr();
    while (peek() === 'or') {
      i++;
      left = { kind: 'bool', op: 'or', left, right: andExpr() };
    }
    return left;
  };
  const tree = orExpr();
  if (i < toks.length) throw new ODataQueryError(`$filter: unexpected "${toks[i]}"`);
  return tree;
}

/** True when the record satisfies the parsed filter. Strings compare case-insensitively, like Exact's SQL collation. */
export function matches(rec: ODataRecord, node: Node): boolean {
  if (node.kind === 'bool') {
    return node.op === 'and' ? matches(rec, node.left) && matches(rec, node.right) : matches(rec, node.left) || matches(rec, node.right);
  }
  const norm = (v: Literal): Literal => (typeof v === 'string' ? v.toLowerCase() : v);
  const a = norm(rec[node.field] ?? null);
  const b = norm(node.value);
  switch (node.op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a !== null && b !== null && a > b;
    case 'ge':
      return a !== null && b !== null && a >= b;
    case 'lt':
      return a !== null && b !== null && a < b;
    case 'le':
      return a !== null && b !== null && a <= b;
  }
}

/** Parses `$select=A,B`; unknown names and `*` are refused, as Exact does on most endpoints. */
export function parseSelect(src: string | null, fields: ReadonlySet<string>): string[] | null {
  if (src === null || src.trim() === '') return null;
  const names = src.split(',').map((s) => s.trim());
  for (const n of names) {
    if (n === '*') throw new ODataQueryError('$select=* is not supported; name the properties');
    if (!fields.has(n)) throw new ODataQueryError(`$select: unknown property "${n}"`);
  }
  return names;
}

/** Copies only the selected properties (all when `select` is null). */
export function project(rec: ODataRecord, select: string[] | null): ODataRecord {
  if (!select) return { ...rec };
  const out: ODataRecord = {};
  for (const k of select) out[k] = rec[k] ?? null;
  return out;
}

/** Reads `$skiptoken=guid'…'`: the ID of the last record of the previous page (records are in ID order). */
export function parseSkipToken(src: string | null): string | null {
  if (src === null) return null;
  const m = /^guid'([0-9a-f-]{36})'$/i.exec(src.trim());
  if (!m) throw new ODataQueryError(`$skiptoken must look like guid'…', got "${src}"`);
  return m[1].toLowerCase();
}

/** Reads `$top`; a positive whole number. */
export function parseTop(src: string | null): number | null {
  if (src === null) return null;
  if (!/^\d+$/.test(src) || Number(src) < 1) throw new ODataQueryError(`$top must be a positive whole number, got "${src}"`);
  return Number(src);
}
