import type { ExactEntitySet } from './data';
import { matches, ODataQueryError, parseFilter, parseSelect, parseSkipToken, parseTop, project, type ODataRecord } from './odata';

/**
 * Answers a GET on one entity set the way Exact's regular (CRUD) endpoints do: a collection as
 * `{"d":{"results":[…],"__next":"…"}}` with at most `pageSize` rows per page in ID order, a
 * single record by key `(guid'…')` as `{"d":{…}}`, and a `$top` query as `{"d":[…]}`: a plain
 * array without `results` or `__next`. That last shape is what Exact sends: picqer/exact-php-client
 * reads `$top=1` answers (`find`, `first`, `findId`) as `d[0]` (tests/fixtures/item.json is
 * `{"d":[…]}`, items.json `{"d":{"results":[…]}}`), and its `findId` finds nothing in a
 * `d.results` answer. UNCONFIRMED: how many rows a `$top` above the page size returns (the
 * sandbox: at most one page, as there is no `__next` to carry the rest).
 */

/** What a collection query must carry (`requireSelect`). */
export type SelectRule = 'select-or-top' | 'off';

/**
 * Exact refuses some unselected collection queries: "Error 400: Please add a $select or a $top=1
 * statement to the query string." (picqer/exact-php-client README, "not documented in the API
 * documentation"; `$select` is documented as mandatory on bulk endpoints). Which regular
 * endpoints refuse is UNCONFIRMED: the sandbox refuses on all of them unless `requireSelect: 'off'`.
 */
export const SELECT_OR_TOP_MESSAGE = 'Please add a $select or a $top=1 statement to the query string.';

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
export function queryEntitySet(set: ExactEntitySet, url: URL, keyPart: string | null, pageSize: number, selectRule: SelectRule = 'select-or-top'): RestAnswer {
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
    const top = parseTop(q.get('$top'));
    if (selectRule === 'select-or-top' && select === null && top === null) return exactError(400, SELECT_OR_TOP_MESSAGE);
    const filter = q.has('$filter') ? parseFilter(q.get('$filter')!, set.fields) : null;
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
    const out = rows.map((r) => meta(project(r, select)));
    if (top !== null) return { status: 200, body: { d: out } };
    const d: { results: unknown[]; __next?: string } = { results: out };
    if (more && rows.length > 0) d.__next = nextLink(url, String(rows[rows.length - 1][set.key]));
    return { status: 200, body: { d } };
  } catch (err) {
    if (err instanceof ODataQueryError) return exactError(400, err.message);
    throw err;
  }
}

/** The request URL with `$skiptoken=guid'<last ID>'`, written as Exact writes it (not percent-encoded). */
function nextLink(url: URL, lastId: string): string {
  const rest = url.search
    .slice(1)
    .split('&')
    .filter((p) => p !== '' && !/^(\$|%24)skiptoken=/i.test(p));
  return `${url.origin}${url.pathname}?${[...rest, `$skiptoken=guid'${lastId}'`].join('&')}`;
}
