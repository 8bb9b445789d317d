import type { IncomingMessage } from 'node:http';

/**
 * A tiny exact-segment router: patterns like "/products/:idproduct/stock/:idwarehouse". Numeric
 * params (names starting with "id") must be digits, so "/products/abc" is a 404 like Picqer's.
 * A path that matches with another method yields the allowed methods, for a 405.
 */

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  req: IncomingMessage;
}

/** What a handler answers: a value to serialise, or ready JSON text (list pages). */
export interface RouteAnswer {
  status: number;
  body?: unknown;
  text?: string;
}

export type RouteHandler = (ctx: RouteContext) => RouteAnswer | Promise<RouteAnswer>;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; pattern: string; params: Record<string, string>; handler: RouteHandler }
  | { kind: 'method'; pattern: string; allowed: string[] }
  | { kind: 'none' };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    const allowed: string[] = [];
    let matchedPattern = '';
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method) return { kind: 'found', pattern: r.pattern, params, handler: r.handler };
      allowed.push(r.method);
      matchedPattern = r.pattern;
    }
    return allowed.length ? { kind: 'method', pattern: matchedPattern, allowed } : { kind: 'none' };
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(parts[i]);
      } catch {
        return null;
      }
      if (s.startsWith(':id') && !/^\d{1,12}$/.test(value)) return null;
      params[s.slice(1)] = value;
    } else if (s !== parts[i]) {
      return null;
    }
  }
  return params;
}
