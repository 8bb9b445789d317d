import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';

/**
 * The one way tests send a GraphQL operation over HTTP: a POST to the gateway's /graphql, as a
 * GraphQL-over-HTTP client does (JSON body, the two response types the spec names). The stacks
 * in this folder and test/security/support.ts bind it to their gateway; tests with a gateway of
 * their own call it directly.
 */

/** A GraphQL response body: `data`, `errors` with their codes, and `extensions.upstream`. */
export interface GqlBody<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

export interface GqlAnswer<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  body: GqlBody<T>;
}

export interface GqlOptions {
  /** Sent as `Authorization: Bearer <token>`. Default: no Authorization header. */
  token?: string;
  /** The raw Authorization header, for malformed ones; wins over `token`. */
  authorization?: string;
  /** Further headers; they win over the defaults (content-type, accept). */
  headers?: Record<string, string>;
}

/** What a client sends unless a test says otherwise. */
const DEFAULT_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

/**
 * POSTs `query` with `variables` to `${gateway.url}/graphql` and returns the status, the headers
 * and the parsed body. `gateway` is anything with a base URL: a RunningGateway, or the URL itself.
 */
export async function gql<T = any>(
  gateway: { url: string } | string,
  query: string,
  variables?: Record<string, unknown>,
  opts: GqlOptions = {},
): Promise<GqlAnswer<T>> {
  const base = typeof gateway === 'string' ? gateway : gateway.url;
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const r = await request(`${base}/graphql`, { method: 'POST', headers: { ...headers, ...opts.headers }, body: JSON.stringify({ query, variables }) });
  return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as GqlBody<T> };
}

/**
 * The parsed body alone, untyped, for tests that read deep into `data`, `errors` and `extensions`
 * and have no use for the status: `(await gql(...)).body` without a cast at every step.
 */
export async function gqlBody(gateway: { url: string } | string, query: string, variables?: Record<string, unknown>, opts: GqlOptions = {}): Promise<any> {
  return (await gql(gateway, query, variables, opts)).body;
}
