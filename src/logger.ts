import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * Structured logs with redaction by rule: credentials and personal data are censored wherever
 * they appear under these keys, at any depth we log. Code should not log bodies at all; this is
 * the safety net, not the plan.
 */
export const REDACT_PATHS = [
  'authorization',
  'password',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'secret',
  'clientSecret',
  'client_secret',
  'webhookSecret',
  'headers.authorization',
  'headers["x-shopify-access-token"]',
  'req.headers.authorization',
  'req.headers["x-shopify-access-token"]',
  'req.headers.cookie',
  // personal data
  'name',
  'email',
  'emailaddress',
  'telephone',
  'phone',
  'address',
  'address2',
  'zipcode',
  'city',
  'deliveryname',
  'deliverycontactname',
  'deliveryaddress',
  'deliveryaddress2',
  'deliveryzipcode',
  'deliverycity',
  'invoicename',
  'invoiceaddress',
  'invoicezipcode',
  'invoicecity',
  'contactname',
  'customer',
  'body',
  'variables',
].flatMap((p) => [p, `*.${p}`]);

export interface LoggerOptions {
  /**
   * Readable lines through pino-pretty (a worker thread) instead of JSON, for a person at a
   * terminal; see prettyLogsWanted. Ignored when a destination is given. Default false.
   */
  pretty?: boolean;
}

export function createLogger(level = 'info', destination?: DestinationStream, opts: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'picqer-gateway' },
    redact: { paths: REDACT_PATHS, censor },
    serializers: {
      err: pino.stdSerializers.err,
      // Only the parts of a request that carry no secrets or personal data.
      req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: stripQuery(req.url), id: req.id }),
    },
  };
  if (opts.pretty && !destination) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    });
  }
  return pino(options, destination);
}

/**
 * LOG_FORMAT=auto: readable when a person is watching (stdout is a terminal) and this is not a
 * production deployment with real upstreams (sandbox mode or development); JSON for everything
 * a collector reads.
 */
export function prettyLogsWanted(format: 'auto' | 'json' | 'pretty', where: { tty: boolean; sandbox: boolean; production: boolean }): boolean {
  if (format !== 'auto') return format === 'pretty';
  return where.tty && (where.sandbox || !where.production);
}

/**
 * `address` is a street address in Picqer's and Shopify's records, but an HTTP(S) URL where the
 * gateway names a webhook address: that one stays readable (without credentials or query), so
 * "hooks point at …" can be checked from the log. Everything else under the paths is censored.
 */
function censor(value: unknown, path: string[]): unknown {
  if (path[path.length - 1] === 'address' && typeof value === 'string' && /^https?:\/\//.test(value) && URL.canParse(value)) {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`;
  }
  return '[redacted]';
}

function stripQuery(url?: string): string | undefined {
  return url?.split('?')[0];
}

export type { Logger };
