import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger';
import { parseJson } from './delivery-fields';
import type { EventLog } from './event-log.types';
import { parsePicqerDelivery, type PicqerDedupeMode } from './picqer-delivery';
import { BadSignatureError, DEFAULT_WEBHOOK_BODY_LIMIT, registerWebhookRoute, verifyBase64Hmac } from './webhook-route';

export const PICQER_SIGNATURE_HEADER = 'x-picqer-signature';

export interface PicqerWebhookOptions {
  /** The hook secret given to Picqer when the hook was created. */
  secret: string;
  log: EventLog;
  logger: Logger;
  /** Default 256 KiB. */
  bodyLimitBytes?: number;
  /**
   * Time zone of Picqer's zone-less timestamps (`event_triggered_at`, `closed_at`). Default
   * 'Europe/Amsterdam': Picqer does not document it, its examples are Dutch local times
   * (UNCONFIRMED; the sandbox writes the same by default, see src/sandbox/README.md).
   */
  timeZone?: string;
  /** How repeats are recognised; see PicqerDedupeMode. Default 'body'. */
  dedupe?: PicqerDedupeMode;
  /** Default '/webhooks/picqer'. */
  path?: string;
}

/**
 * `POST /webhooks/picqer`: verifies `X-Picqer-Signature` (base64 HMAC-SHA256 of the raw body with
 * the hook secret), validates and normalises the delivery, appends it to the event log with its
 * dedupe key, and only then answers 200 `{ id, duplicate }`. Picqer retries anything but
 * 200/201/202, so an acknowledged delivery is always in the log. Events we do not use get 202.
 */
export function registerPicqerWebhooks(app: FastifyInstance, opts: PicqerWebhookOptions): void {
  if (!opts.secret) throw new TypeError('registerPicqerWebhooks: secret is required (the hook secret Picqer signs with).');
  const timeZone = opts.timeZone ?? 'Europe/Amsterdam';
  const dedupe = opts.dedupe ?? 'body';
  registerWebhookRoute(app, {
    path: opts.path ?? '/webhooks/picqer',
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT,
    logger: opts.logger,
    async handle(req, raw) {
      const signature = req.headers[PICQER_SIGNATURE_HEADER];
      const header = Array.isArray(signature) ? signature[0] : signature;
      if (!verifyBase64Hmac(raw, opts.secret, header)) throw new BadSignatureError('X-Picqer-Signature', !header);
      const delivery = parsePicqerDelivery(parseJson(raw), raw, { timeZone, dedupe });
      if (!delivery.normalised) {
        opts.logger.debug({ event: delivery.event }, 'picqer webhook: event not used, ignored');
        return { status: 202, body: { ignored: true, event: delivery.event } };
      }
      const { id, duplicate } = await opts.log.append(delivery.normalised, [delivery.dedupeKey]);
      opts.logger.debug({ event: delivery.event, id, duplicate }, 'picqer webhook stored');
      return { status: 200, body: { id, duplicate } };
    },
  });
}
