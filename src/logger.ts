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

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'picqer-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        err: pino.stdSerializers.err,
        // Only the parts of a request that carry no secrets or personal data.
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: stripQuery(req.url), id: req.id }),
      },
    },
    destination,
  );
}

function stripQuery(url?: string): string | undefined {
  return url?.split('?')[0];
}

export type { Logger };
