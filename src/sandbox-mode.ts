import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createDemoToken } from './auth/demo-token';
import type { TokenEntry } from './auth/tokens';
import type { Config } from './config';
import type { Logger } from './logger';
import { startExactSandbox, type ExactSandbox } from './sandbox/exact';
import {
  SANDBOX_STORE_MAP,
  startLightspeedEcomSandbox,
  startLightspeedRetailSandbox,
  type LightspeedEcomSandbox,
  type LightspeedRetailSandbox,
} from './sandbox/lightspeed';
import { startPicqerSandbox, type PicqerSandbox } from './sandbox/picqer';
import { SANDBOX_LOCATION_MAP, startShopifySandbox, type ShopifySandbox } from './sandbox/shopify';

/**
 * Sandbox mode's wiring: the upstream sandboxes (Picqer, Shopify, Exact, Lightspeed eCom and the Lightspeed Retail till), and the gateway config that points at them
 * with a demo token. It lives beside main.ts, not in src/sandbox/, because it reads the gateway's
 * config and auth while the sandboxes themselves know nothing of the gateway (.dependency-cruiser.cjs).
 */

/** The demo's LIGHTSPEED_ECOM_WAREHOUSES: the webshop sells from Picqer warehouses 1 and 2. */
const LIGHTSPEED_WAREHOUSES: readonly number[] = [1, 2];

/** The sandboxes started for `npm start` without credentials, and the config that points at them. */
export interface RunningSandboxes {
  config: Readonly<Config>;
  picqer: PicqerSandbox;
  shopify: ShopifySandbox;
  lightspeedEcom: LightspeedEcomSandbox;
  /** The till: `POST {origin}/__sandbox/sales` rings up a sale that lowers Picqer stock through the gateway. */
  lightspeedRetail: LightspeedRetailSandbox;
  graphiqlHeaders?: Record<string, string>;
  /** Lines printed at start-up. */
  banner: string[];
  /** Where the demo token was written (StartSandboxesOptions.tokenFile), for the reminders main.ts logs. */
  tokenFile?: string;
  /** Points the sandboxes' webhooks at the running gateway (Shopify has no hooks API to do it). */
  connect(gatewayUrl: string): void;
  close(): Promise<void>;
}

export interface StartSandboxesOptions {
  /**
   * Writes the demo token to this file (mode 0600), which the banner names: the banner scrolls
   * away, and the token never goes into a log line. Default: not written.
   */
  tokenFile?: string;
}

export async function startSandboxes(config: Readonly<Config>, logger: Logger, opts: StartSandboxesOptions = {}): Promise<RunningSandboxes> {
  const log = logger.child({ component: 'sandbox' });
  const picqer = await startPicqerSandbox({
    logger: log.child({ upstream: 'picqer' }),
    picksPerMinute: config.sandboxPicksPerMinute,
    locations: true, // stock on named locations, for StockLevel.locations
    bundles: 5, // virtual compositions of catalog products
  });
  const exact = await startExactSandbox({});
  // The shop starts in sync with Picqer's free stock, but for the catalog's deliberate drift.
  const free = new Map(picqer.state.products.map((p) => [p.productcode, new Map(p.stock.map((s) => [s.idwarehouse, s.freestock]))]));
  const shop = await startShopifySandbox({ baseAvailable: (code, location) => free.get(code)?.get(location) });
  // The webshop's one stock level is the summed free stock of the warehouses it sells from.
  const webshop = await startLightspeedEcomSandbox({
    baseStock: (p) =>
      Math.max(
        0,
        LIGHTSPEED_WAREHOUSES.reduce((n, w) => n + (free.get(p.productcode)?.get(w) ?? 0), 0),
      ),
    logger: log.child({ upstream: 'lightspeed' }),
  });
  // The stores' tills: the gateway subscribes to their sales at start (LIGHTSPEED_RETAIL_REGISTER_HOOKS).
  const till = await startLightspeedRetailSandbox({});
  // A fresh demo token with every scope: printed below and pre-filled in GraphiQL.
  const demo = createDemoToken();
  const effective = pointedAtSandboxes(config, { picqer, shop, exact, webshop, till }, demo.entry);
  if (opts.tokenFile) {
    // Removed first: the mode applies only to a file that is created.
    rmSync(opts.tokenFile, { force: true });
    writeFileSync(opts.tokenFile, `${demo.token}\n`, { mode: 0o600 });
  }
  return {
    config: Object.freeze(effective),
    picqer,
    shopify: shop,
    lightspeedEcom: webshop,
    lightspeedRetail: till,
    graphiqlHeaders: { Authorization: `Bearer ${demo.token}` },
    tokenFile: opts.tokenFile,
    banner: [
      `  Demo token (every scope, invented data, new each start): Authorization: Bearer ${demo.token}`,
      ...(opts.tokenFile ? [`  The demo token is also in ${opts.tokenFile}`] : []),
      `  Picqer sandbox: ${picqer.origin}/api/v1 (control: ${picqer.origin}/__sandbox/stats)`,
      `  Shopify sandbox: ${shop.graphqlUrl()} (control: ${shop.origin}/__sandbox/stats)`,
      `  Exact sandbox:  ${exact.origin}/api/v1/${exact.division} (control: ${exact.origin}/__sandbox/stats)`,
      `  Lightspeed eCom sandbox: ${webshop.baseUrl} (control: ${webshop.origin}/__sandbox/stats)`,
      `  Lightspeed Retail (till) sandbox: ${till.baseUrl} (ring up a sale: POST ${till.origin}/__sandbox/sales)`,
    ],
    connect(gatewayUrl) {
      shop.configure({ webhookTargets: [`${gatewayUrl}/webhooks/shopify`] });
    },
    async close() {
      await picqer.close();
      await exact.close();
      await shop.close();
      await webshop.close();
      await till.close();
    },
  };
}

/** The gateway's config with every upstream pointed at the running sandboxes and the demo caller added. */
function pointedAtSandboxes(
  config: Readonly<Config>,
  s: { picqer: PicqerSandbox; shop: ShopifySandbox; exact: ExactSandbox; webshop: LightspeedEcomSandbox; till: LightspeedRetailSandbox },
  demo: TokenEntry,
): Config {
  const { picqer, shop, exact, webshop, till } = s;
  return {
    ...config,
    security: { ...config.security, tokens: [...config.security.tokens, demo] },
    picqer: {
      baseUrl: picqer.baseUrl,
      apiKey: picqer.apiKey,
      userAgent: 'PicqerGateway/0.1 (sandbox)',
      rateLimitPerMinute: 500,
      // The gateway registers its hooks in the sandbox at start, as it would in Picqer.
      registerHooks: true,
      webhookSecret: randomBytes(24).toString('base64url'),
    },
    shopify: {
      baseUrl: shop.origin,
      accessToken: shop.accessToken,
      apiVersion: '2026-10',
      webhookSecret: shop.webhookSecret,
      locationMap: SANDBOX_LOCATION_MAP,
    },
    exact: {
      baseUrl: exact.baseUrl,
      division: exact.division,
      clientId: exact.clientId,
      clientSecret: exact.clientSecret,
      refreshToken: exact.refreshToken,
    },
    lightspeedEcom: {
      baseUrl: webshop.origin,
      language: webshop.language,
      apiKey: webshop.apiKey,
      apiSecret: webshop.apiSecret,
      webhookSecret: webshop.webhookSecret,
      warehouses: LIGHTSPEED_WAREHOUSES,
      currency: 'EUR',
    },
    lightspeedRetail: {
      baseUrl: till.baseUrl,
      token: till.token,
      webhookSecret: till.clientSecret,
      registers: 1,
      storeMap: SANDBOX_STORE_MAP,
      registerHooks: true,
    },
  };
}
