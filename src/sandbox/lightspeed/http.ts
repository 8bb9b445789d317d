import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * HTTP helpers shared by the two Lightspeed sandboxes. Each sandbox writes its own error body
 * (eCom `{"error": {...}}`, X-Series `{"error": "...", "message": "..."}`), so these only move bytes.
 */

/** A refused request: the status and the body to answer with. */
export class LightspeedSandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.name = 'LightspeedSandboxHttpError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Reads a body as text; a sandbox has no use for bodies over 1 MB. */
export function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) {
        reject(new LightspeedSandboxHttpError(413, { error: `Request body is over ${limitBytes} bytes.` }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON object body or throws what `invalid` builds from the reason. */
export async function readJsonObject(req: IncomingMessage, invalid: (reason: string) => Error): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('the request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** User name and password of a Basic Authorization header, or null when absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i === -1 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/** The token of a Bearer Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

/** A whole number query parameter within [min, max], the default when absent, else the error `bad` builds. */
export function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number, bad: (msg: string) => Error): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw bad(`"${name}" must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  return n;
}

/** Injected faults: the next `count` API calls (whose path contains `path`) answer `status`. */
export interface SandboxFault {
  status: number;
  count: number;
  path?: string;
}

/** Validates a `faults` list from the control surface. */
export function parseFaults(v: unknown): SandboxFault[] {
  if (!Array.isArray(v)) throw new LightspeedSandboxHttpError(400, { error: 'faults must be a list of {status, count, path?}' });
  return v.map((f: unknown, i) => {
    const o = (f ?? {}) as Record<string, unknown>;
    const status = o.status;
    const count = o.count ?? 1;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new LightspeedSandboxHttpError(400, { error: `faults[${i}].status must be an HTTP status 400-599` });
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new LightspeedSandboxHttpError(400, { error: `faults[${i}].count must be a positive whole number` });
    }
    if (o.path !== undefined && typeof o.path !== 'string') throw new LightspeedSandboxHttpError(400, { error: `faults[${i}].path must be a string` });
    return { status, count, path: o.path };
  });
}

/** Takes one matching fault (decrementing it) or returns null. */
export function takeFault(faults: SandboxFault[], path: string): number | null {
  const f = faults.find((x) => x.count > 0 && (x.path === undefined || path.includes(x.path)));
  if (!f) return null;
  f.count--;
  return f.status;
}
