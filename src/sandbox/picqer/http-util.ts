import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Small HTTP helpers for the Picqer sandbox. The sandbox speaks Picqer's wire format, so every
 * error leaves as `{"error": true, "error_code": N, "error_message": "..."}` with a Picqer code.
 */

/** Picqer error codes the sandbox uses (from Picqer's "Response and error codes" page). */
export const PICQER_ERROR = {
  unknown: 1,
  missingParameters: 5,
  notImplemented: 8,
  invalidCountryCode: 9,
  unknownVatgroup: 14,
  itemNotFound: 20,
  wrongStatus: 21,
  invalidJson: 22,
  rateLimited: 28,
} as const;

/** A request the sandbox refuses: carries the HTTP status and the Picqer error code to answer with. */
export class PicqerSandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PicqerSandboxHttpError';
  }
}

/** Writes a JSON answer; `body` is serialised once, here. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Writes an already serialised JSON text (lists build their page text directly). */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Writes a Picqer-shaped error body. */
export function sendPicqerError(res: ServerResponse, err: PicqerSandboxHttpError, headers: Record<string, string> = {}): void {
  sendJson(res, err.status, { error: true, error_code: err.errorCode, error_message: err.message }, { ...headers, ...err.headers });
}

/** Reads a request body as text, refusing bodies over `limitBytes` (a sandbox has no use for big ones). */
export function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) {
        reject(new PicqerSandboxHttpError(413, PICQER_ERROR.unknown, `Request body is over ${limitBytes} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON object body; Picqer answers 400 with error code 22 ("No valid JSON") otherwise. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PicqerSandboxHttpError(400, PICQER_ERROR.invalidJson, 'No valid JSON: the request body could not be parsed.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PicqerSandboxHttpError(400, PICQER_ERROR.invalidJson, 'No valid JSON: expected a JSON object as the request body.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * The zone the sandbox writes its times in. Picqer writes "YYYY-MM-DD HH:mm:ss" without a zone and
 * does not document which; its examples are Dutch local times (`event_triggered_at` equal to the
 * order's `updated`, "2013-07-17 16:02:14"), so local time in the Netherlands is assumed
 * (UNCONFIRMED; `timeZone` option, see src/sandbox/README.md).
 */
export const DEFAULT_PICQER_TIME_ZONE = 'Europe/Amsterdam';

const stampFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Picqer's timestamp format, "YYYY-MM-DD HH:mm:ss": the wall-clock time of `ms` in `timeZone`,
 * to the second (Picqer sends no fractions). Throws a RangeError for an unknown zone.
 */
export function picqerTimestamp(ms: number, timeZone: string = DEFAULT_PICQER_TIME_ZONE): string {
  let f = stampFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    stampFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;

/** Parses a filter timestamp ("YYYY-MM-DD" or "YYYY-MM-DD HH:mm[:ss]") or throws a 400 naming the filter. */
export function parseTimestampFilter(name: string, value: string): string {
  if (!TIMESTAMP_RE.test(value) || Number.isNaN(Date.parse(value.replace(' ', 'T') + (value.length === 10 ? '' : 'Z')))) {
    throw new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, `Filter "${name}" must be a date "YYYY-MM-DD HH:mm:ss", got "${value}".`);
  }
  // Normalise so that string comparison against stored timestamps is a time comparison.
  if (value.length === 10) return `${value} 00:00:00`;
  if (value.length === 16) return `${value}:00`;
  return value;
}
