import type { LightspeedRetailConfig } from './config.types';
import type { Env } from './env';
import { parseStoreMap } from './store-map';

/**
 * The Lightspeed Retail (X-Series) section: the till whose sales lower Picqer stock (README
 * "Till sales"). Its own file so the other upstreams' sections stay as they are.
 */

/**
 * Variables that only mean something together: base URL and token; and a webhook secret needs
 * both (a sale line names a product id; its SKU is read from the API), Picqer (where stock is
 * lowered) and a store map (where).
 */
export function lightspeedRetailProblems(e: Env): string[] {
  const problems = parseStoreMap(e.LIGHTSPEED_STORE_MAP ?? '').problems;
  if (Boolean(e.LIGHTSPEED_RETAIL_BASE_URL) !== Boolean(e.LIGHTSPEED_RETAIL_TOKEN)) {
    const [set, missing] = e.LIGHTSPEED_RETAIL_TOKEN
      ? ['LIGHTSPEED_RETAIL_TOKEN', 'LIGHTSPEED_RETAIL_BASE_URL']
      : ['LIGHTSPEED_RETAIL_BASE_URL', 'LIGHTSPEED_RETAIL_TOKEN'];
    problems.push(`${missing} must be set together with ${set}`);
  }
  if (e.LIGHTSPEED_RETAIL_WEBHOOK_SECRET) {
    const why = 'when LIGHTSPEED_RETAIL_WEBHOOK_SECRET is set (till sales lower Picqer stock)';
    if (!e.LIGHTSPEED_RETAIL_TOKEN) problems.push(`LIGHTSPEED_RETAIL_BASE_URL and LIGHTSPEED_RETAIL_TOKEN must be set ${why}: sale lines name products by id`);
    if (!e.PICQER_API_KEY) problems.push(`PICQER_API_KEY must be set ${why}`);
    if (!e.LIGHTSPEED_STORE_MAP) problems.push(`LIGHTSPEED_STORE_MAP must map at least one outlet to a Picqer warehouse ${why}`);
  }
  if (e.LIGHTSPEED_RETAIL_REGISTER_HOOKS === true) problems.push(...registerProblems(e));
  return problems;
}

/**
 * Registering the sale.update webhook needs the secret (only a signed delivery is accepted) and an
 * address Lightspeed reaches: PUBLIC_URL, unless Lightspeed runs on this machine (the sandbox).
 */
function registerProblems(e: Env): string[] {
  const problems: string[] = [];
  if (!e.LIGHTSPEED_RETAIL_WEBHOOK_SECRET) problems.push('LIGHTSPEED_RETAIL_WEBHOOK_SECRET must be set when LIGHTSPEED_RETAIL_REGISTER_HOOKS=true');
  const loopback = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(e.LIGHTSPEED_RETAIL_BASE_URL ?? '');
  if (!e.PUBLIC_URL && !loopback && e.SANDBOX !== true) {
    problems.push('PUBLIC_URL must be set when LIGHTSPEED_RETAIL_REGISTER_HOOKS=true: the address Lightspeed posts sales to');
  }
  return problems;
}

/** The section, when the token is set (checked together with the base URL). */
export function lightspeedRetailConfig(e: Env): LightspeedRetailConfig | undefined {
  if (!e.LIGHTSPEED_RETAIL_TOKEN || !e.LIGHTSPEED_RETAIL_BASE_URL) return undefined;
  return {
    baseUrl: e.LIGHTSPEED_RETAIL_BASE_URL,
    token: e.LIGHTSPEED_RETAIL_TOKEN,
    webhookSecret: e.LIGHTSPEED_RETAIL_WEBHOOK_SECRET,
    registers: e.LIGHTSPEED_RETAIL_REGISTERS ?? 1,
    storeMap: Object.fromEntries(parseStoreMap(e.LIGHTSPEED_STORE_MAP ?? '').map),
    registerHooks: e.LIGHTSPEED_RETAIL_REGISTER_HOOKS ?? false,
  };
}
