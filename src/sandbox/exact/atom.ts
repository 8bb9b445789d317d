/**
 * What Exact answers a client that does not ask for JSON: OData v2's default, Atom XML. Exact's
 * docs and the official clients always send `Accept: application/json` (picqer/exact-php-client
 * Connection.php); OData v2 services answer Atom otherwise. The sandbox does the same, so a client
 * that forgets the header fails to read the answer here as it would there. The XML below is a
 * plain OData v2 Atom feed/entry/error; its details are UNCONFIRMED against Exact's own output.
 */

const NS =
  'xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" ' +
  'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"';

type Rec = Record<string, unknown> & { __metadata?: { uri?: string; type?: string } };

/** True when the Accept header asks for JSON (`application/json`, with or without parameters). */
export function acceptsJson(accept: string | string[] | undefined): boolean {
  const v = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /(^|,)\s*application\/json\s*(;|,|$)/i.test(v);
}

/** The JSON answer body as Atom XML, with its content type. */
export function toAtom(body: unknown): { contentType: string; xml: string } {
  const b = (body ?? {}) as { d?: unknown; error?: { message?: { value?: string } } };
  if (b.error) return { contentType: 'application/xml;charset=utf-8', xml: errorXml(b.error.message?.value ?? '') };
  const d = b.d as Rec | Rec[] | { results: Rec[]; __next?: string } | undefined;
  if (Array.isArray(d)) return feed(d);
  if (d && Array.isArray((d as { results?: unknown }).results)) {
    const c = d as { results: Rec[]; __next?: string };
    return feed(c.results, c.__next);
  }
  return { contentType: 'application/atom+xml;type=entry;charset=utf-8', xml: `<?xml version="1.0" encoding="utf-8"?>${entry(d ?? {}, true)}` };
}

function feed(rows: Rec[], next?: string): { contentType: string; xml: string } {
  const link = next ? `<link rel="next" href="${esc(next)}"/>` : '';
  return {
    contentType: 'application/atom+xml;type=feed;charset=utf-8',
    xml: `<?xml version="1.0" encoding="utf-8"?><feed ${NS}><title type="text"/>${rows.map((r) => entry(r, false)).join('')}${link}</feed>`,
  };
}

function entry(r: Rec, root: boolean): string {
  const { __metadata: meta, ...props } = r;
  const body = Object.entries(props)
    .map(([k, v]) => property(k, v))
    .join('');
  const category = meta?.type ? `<category term="${esc(meta.type)}" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>` : '';
  return `<entry${root ? ` ${NS}` : ''}><id>${esc(meta?.uri ?? '')}</id>${category}<content type="application/xml"><m:properties>${body}</m:properties></content></entry>`;
}

function property(name: string, v: unknown): string {
  if (v === null || v === undefined) return `<d:${name} m:null="true"/>`;
  if (typeof v === 'number') return `<d:${name} m:type="${Number.isInteger(v) ? 'Edm.Int32' : 'Edm.Double'}">${v}</d:${name}>`;
  if (typeof v === 'boolean') return `<d:${name} m:type="Edm.Boolean">${v}</d:${name}>`;
  return `<d:${name}>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</d:${name}>`;
}

function errorXml(message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code></code><message xml:lang="en-US">${esc(message)}</message></error>`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
