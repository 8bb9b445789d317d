import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one origin check of the gateway: CORS (cors.ts) answers browsers from it, and graphql-ws and
 * SSE refuse a connection opened by a page on another origin with it. Patterns come from
 * CORS_ORIGINS (config/browser-config.ts): exact origins, `https://*.example.com` (one or more
 * labels in front of example.com, never example.com itself), `http://localhost:*` (any port) and
 * `*` (any origin). Authentication is a bearer header, never a cookie, so the list is about which
 * pages may use the API, not about ambient credentials.
 */
export interface OriginPolicy {
  /** The patterns as configured; empty: no cross-origin page may call. */
  readonly patterns: readonly string[];
  /** Whether a browser page at `origin` (the Origin header, e.g. "https://shop.example.com") may call. */
  allows(origin: string): boolean;
  /**
   * Whether a connection (graphql-ws upgrade, SSE stream) may open: without an Origin header (not a
   * browser), from the gateway's own origin, when no list is set, or from an origin on the list.
   */
  admitsConnection(headers: IncomingHttpHeaders): boolean;
}

/** Builds the policy; patterns are validated by config (browserProblems), so a bad one here is a bug. */
export function originPolicy(patterns: readonly string[]): OriginPolicy {
  const any = patterns.includes('*');
  const matchers = patterns.filter((p) => p !== '*').map(patternToRegExp);
  const allows = (origin: string): boolean => {
    const normalized = normalize(origin);
    if (normalized === undefined) return false;
    return any || matchers.some((m) => m.test(normalized));
  };
  return Object.freeze({
    patterns: Object.freeze([...patterns]),
    allows,
    admitsConnection(headers: IncomingHttpHeaders): boolean {
      const origin = headers.origin;
      if (origin === undefined || patterns.length === 0) return true;
      return sameOrigin(origin, headers.host) || allows(origin);
    },
  });
}

/** `scheme://host[:port]` lower-cased, the default port dropped (URL.origin); undefined for "null" or anything not http(s). */
function normalize(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

function patternToRegExp(pattern: string): RegExp {
  const m = /^(https?):\/\/(\*\.)?([^:/]+|\[[^\]]+\])(?::(\d+|\*))?$/i.exec(pattern);
  if (!m) throw new TypeError(`originPolicy: "${pattern}" is not an origin pattern such as https://*.example.com`);
  const [, scheme, wildcard, host, port] = m;
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const hostRe = `${wildcard ? '(?:[a-z0-9-]+\\.)+' : ''}${escape(host.toLowerCase())}`;
  // URL.origin drops the default port, so ":443" in a pattern must match an origin without one.
  const portRe = port === '*' ? '(?::\\d{1,5})?' : port === undefined || port === defaultPort ? '' : `:${port}`;
  return new RegExp(`^${scheme.toLowerCase()}://${hostRe}${portRe}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The page is served by the gateway itself (GraphiQL, /demo): its Origin names the Host it connects to. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  const normalized = normalize(origin);
  return normalized !== undefined && new URL(normalized).host === host.toLowerCase();
}
