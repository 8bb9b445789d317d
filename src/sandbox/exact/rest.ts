import type { ExactEntitySet } from './data';
import { matches, ODataQueryError, parseFilter, parseSelect, parseSkipToken, parseTop, project, type ODataRecord } from './odata';

/**
 * Answers a GET on one entity set the way Exact's regular (CRUD) endpoints do: a collection as
 * `{"d":{"results":[…],"__next":"…"}}` with at most `pageSize` rows per page in ID order, a
 * single record by key `(guid'…')` as `{"d":{…}}`.
 */

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** Exact's error body shape. */
export function exactError(status: number, message: string): RestAnswer {
  return { status, body: { error: { code: '', message: { lang: '', value: message } } } };
}

/**
 * `url` is the request URL (for `__next` and `__metadata.uri`), `keyPart` the text inside
 * `(...)` after the entity name, if any.
 */
export function queryEntitySet(set: ExactEntitySet, url: URL, keyPart: string | null, pageSize: number): RestAnswer {
  const meta = (rec: ODataRecord): Record<string, unknown> => ({
    __metadata: { uri: `${url.origin}${url.pathname.replace(/\(.*$/, '')}(guid'${String(rec[set.key])}')`, type: set.type },
    ...rec,
  });
  try {
    const q = url.searchParams;
    const select = parseSelect(q.get('$select'), set.fields);
    if (keyPart !== null) {
      const m = /^guid'([0-9a-f-]{36})'$/i.exec(keyPart);
      if (!m) return exactError(400, `The key must look like (guid'…'), got (${keyPart})`);
      const rec = set.records.find((r) => r[set.key] === m[1].toLowerCase());
      if (!rec) return exactError(404, 'Not found');
      return { status: 200, body: { d: meta(project(rec, select)) } };
    }
    const filter = q.has('$filter') ? parseFilter(q.get('$filter')!, set.fields) : null;
    const top = parseTop(q.get('$top'));
    const after = parseSkipToken(q.get('$skiptoken'));
    const rows: ODataRecord[] = [];
    let more = false;
    const limit = Math.min(pageSize, top ?? Number.POSITIVE_INFINITY);
    for (const rec of set.records) {
      if (after !== null && String(rec[set.key]) <= after) continue;
      if (filter && !matches(rec, filter)) continue;
      if (rows.length === limit) {
        more = true;
        break;
      }
      rows.push(rec);
    }
    const d: { results: unknown[]; __next?: string } = { results: rows.map((r) => meta(project(r, select))) };
    const remainingTop = top === null ? null : top - rows.length;
    if (more && rows.length > 0 && (remainingTop === null || remainingTop > 0)) {
      const next = new URL(url.href);
      next.searchParams.set('$skiptoken', `guid'${String(rows[rows.length - 1][set.key])}'`);
      if (remainingTop !== null) next.searchParams.set('$top', String(remainingTop));
      d.__next = next.href;
    }
    return { status: 200, body: { d } };
  } catch (err) {
    if (err instanceof ODataQueryError) return exactError(400, err.message);
    throw err;
  }
}
