import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { startGateway, type RunningGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { UpstreamUsage } from '../../src/datasources/upstream/accounting';
import { createLogger } from '../../src/logger';
import { sandboxEnv } from '../../src/sandbox/env';
import type { ExactSandbox } from '../../src/sandbox/exact';
import type { PicqerSandbox } from '../../src/sandbox/picqer';
import type { ShopifySandbox } from '../../src/sandbox/shopify';
import { picqerTimestamp } from '../../src/sandbox/picqer/http-util';
import type { GqlBody } from '../helpers/gql';
import { until } from '../helpers/until';

/**
 * What the gateway-level cache tests share: gateways on one Redis (a key prefix per file and
 * process), signed webhook deliveries for the events the sandboxes do not fire, and reading
 * `extensions.upstream`.
 */

/** The Redis every replica of these tests shares (the suite's one on 6379). */
export const SHARED_REDIS = 'redis://127.0.0.1:6379';
/** The hook secret gateways of these tests verify Picqer deliveries with. */
export const PICQER_SECRET = 'cache-tests-picqer-hook-secret-01';

/**
 * A REDIS_KEY_PREFIX of one test file in this process (REDIS_KEY_PREFIX allows only
 * A-Z a-z 0-9 : _ -, at most 64 characters).
 */
export function cachePrefix(name: string): string {
  return `test:cache-${name}:${process.pid}:${Date.now()}:`;
}

/** A gateway in front of `parts`, built from the environment an operator would set. */
export function gatewayFor(
  parts: { picqer?: PicqerSandbox; shopify?: ShopifySandbox; exact?: ExactSandbox },
  env: Record<string, string>,
): Promise<RunningGateway> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...sandboxEnv(parts),
    UPSTREAM_DEADLINE_MS: '5000',
    PICQER_WARMUP_PAGES: '0',
    ...env,
  });
  return startGateway(config, createLogger('silent'));
}

/** One upstream's usage in an answer's extensions (zeros when the upstream was not used at all). */
export function usage(body: GqlBody, upstream: 'picqer' | 'shopify' | 'exact'): UpstreamUsage {
  const u = body.extensions?.upstream?.[upstream] as UpstreamUsage | undefined;
  return u ?? { calls: 0, shared: 0, waitedMs: 0, cacheHits: 0, cacheMisses: 0, cacheStale: 0, staleOnError: 0, oldestAgeMs: 0 };
}

/** The error codes of an answer, in order. */
export function errorCodes(body: GqlBody): string[] {
  return (body.errors ?? []).map((e) => String(e.extensions?.code));
}

/** A Picqer delivery as the sandbox serialises one: the envelope and `data`, as raw JSON text. */
export function picqerDelivery(event: string, data: unknown, idhook = 9001, triggeredAt = picqerTimestamp(Date.now())): string {
  return JSON.stringify({ idhook, name: 'cache-tests', event, event_triggered_at: triggeredAt, data });
}

/** POSTs a raw Picqer delivery to a gateway, signed as Picqer signs (base64 HMAC-SHA256 of the body). */
export async function postPicqer(gw: RunningGateway, body: string, secret = PICQER_SECRET): Promise<{ status: number; json: any }> {
  const r = await request(`${gw.url}/webhooks/picqer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-picqer-signature': createHmac('sha256', secret).update(body).digest('base64') },
    body,
  });
  return { status: r.statusCode, json: await r.body.json() };
}

/** POSTs a Shopify delivery of `topic` to a gateway, signed with the app secret, with a new webhook id. */
export async function postShopify(gw: RunningGateway, secret: string, topic: string, payload: unknown): Promise<{ status: number; json: any }> {
  const body = JSON.stringify(payload);
  const r = await request(`${gw.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': randomUUID(),
    },
    body,
  });
  return { status: r.statusCode, json: await r.body.json() };
}

/** A product's stock rows as the gateway answers `stock { warehouse { idwarehouse } stock reserved freeStock }`, from the sandbox's record. */
export function sandboxStock(
  sandbox: PicqerSandbox,
  idproduct: number,
): Array<{ warehouse: { idwarehouse: number }; stock: number; reserved: number; freeStock: number }> {
  const p = sandbox.state.products.find((x) => x.idproduct === idproduct);
  if (!p) throw new Error(`The sandbox has no product ${idproduct}.`);
  return p.stock.map((s) => ({ warehouse: { idwarehouse: s.idwarehouse }, stock: s.stock, reserved: s.reserved, freeStock: s.freestock }));
}

/**
 * Waits for this clock's next whole second. Picqer's event times have whole seconds, and the cache
 * doubts a delivery from the second a product was fetched in (it cannot tell whether the fetch
 * already held it): a test that fetches and then expects a delivery to be written in place makes
 * its change in a later second.
 */
export async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await until(() => Math.floor(Date.now() / 1000) > second, 'the next whole second');
}
