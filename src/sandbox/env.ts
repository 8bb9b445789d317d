import type { ExactSandbox } from './exact';
import { SANDBOX_STORE_MAP, type LightspeedEcomSandbox, type LightspeedRetailSandbox } from './lightspeed';
import type { PicqerSandbox } from './picqer';
import { SANDBOX_LOCATION_MAP, type ShopifySandbox } from './shopify';

/**
 * The environment variables that point the gateway at running sandboxes, as an operator would set
 * them for the real upstreams: tests and benches build their config from these through
 * loadConfig, so they go through the same validation.
 */
export function sandboxEnv(s: {
  picqer?: PicqerSandbox;
  shopify?: ShopifySandbox;
  exact?: ExactSandbox;
  lightspeedEcom?: LightspeedEcomSandbox;
  lightspeedRetail?: LightspeedRetailSandbox;
}): Record<string, string> {
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
  if (s.lightspeedEcom) Object.assign(env, lightspeedEcomEnv(s.lightspeedEcom));
  if (s.lightspeedRetail) Object.assign(env, lightspeedRetailEnv(s.lightspeedRetail));
  return env;
}

/**
 * The Lightspeed eCom variables (see src/sandbox/README.md, "Lightspeed"): the cluster origin
 * (real: https://api.webshopapp.com for EU1, https://api.shoplightspeed.com for US1), the shop
 * language that is the first path segment, the key and secret (HTTP Basic), and the secret that
 * signs webhooks (eCom: md5(body + secret); the key's secret unless the app has its own).
 */
export function lightspeedEcomEnv(s: LightspeedEcomSandbox): Record<string, string> {
  return {
    LIGHTSPEED_ECOM_BASE_URL: s.origin,
    LIGHTSPEED_ECOM_LANGUAGE: s.language,
    LIGHTSPEED_ECOM_API_KEY: s.apiKey,
    LIGHTSPEED_ECOM_API_SECRET: s.apiSecret,
    LIGHTSPEED_ECOM_WEBHOOK_SECRET: s.webhookSecret,
  };
}

/**
 * The Lightspeed Retail (X-Series) variables: the API base (real:
 * https://{domain_prefix}.retail.lightspeed.app/api/2.0), the Bearer token, the app's client
 * secret that keys the webhook HMAC, and LIGHTSPEED_STORE_MAP ("outletId=picqerWarehouseId,…").
 */
export function lightspeedRetailEnv(s: LightspeedRetailSandbox): Record<string, string> {
  return {
    LIGHTSPEED_RETAIL_BASE_URL: s.baseUrl,
    LIGHTSPEED_RETAIL_TOKEN: s.token,
    LIGHTSPEED_RETAIL_WEBHOOK_SECRET: s.clientSecret,
    LIGHTSPEED_STORE_MAP: Object.entries(SANDBOX_STORE_MAP)
      .map(([outlet, warehouse]) => `${outlet}=${warehouse}`)
      .join(','),
  };
}
