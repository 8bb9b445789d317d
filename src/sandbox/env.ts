import type { ExactSandbox } from './exact';
import type { PicqerSandbox } from './picqer';
import { SANDBOX_LOCATION_MAP, type ShopifySandbox } from './shopify';

/**
 * The environment variables that point the gateway at running sandboxes, as an operator would set
 * them for the real upstreams: tests and benches build their config from these through
 * loadConfig, so they go through the same validation.
 */
export function sandboxEnv(s: { picqer?: PicqerSandbox; shopify?: ShopifySandbox; exact?: ExactSandbox }): Record<string, string> {
  const env: Record<string, string> = {};
  if (s.picqer) {
    Object.assign(env, { PICQER_SUBDOMAIN: 'sandbox', PICQER_API_KEY: s.picqer.apiKey, PICQER_BASE_URL: s.picqer.baseUrl });
  }
  if (s.shopify) {
    Object.assign(env, {
      SHOPIFY_SHOP: 'sandbox',
      SHOPIFY_ACCESS_TOKEN: s.shopify.accessToken,
      SHOPIFY_BASE_URL: s.shopify.origin,
      SHOPIFY_LOCATION_MAP: Object.entries(SANDBOX_LOCATION_MAP)
        .map(([w, l]) => `${w}=${l}`)
        .join(','),
    });
  }
  if (s.exact) {
    Object.assign(env, {
      EXACT_BASE_URL: s.exact.baseUrl,
      EXACT_DIVISION: String(s.exact.division),
      EXACT_CLIENT_ID: s.exact.clientId,
      EXACT_CLIENT_SECRET: s.exact.clientSecret,
      EXACT_REFRESH_TOKEN: s.exact.refreshToken,
    });
  }
  return env;
}
