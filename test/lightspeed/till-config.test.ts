import { ConfigError, loadConfig } from '../../src/config';

/** LIGHTSPEED_RETAIL_* and LIGHTSPEED_STORE_MAP: validated with everything else, every problem named. */

const PICQER = { PICQER_SUBDOMAIN: 'demo', PICQER_API_KEY: 'picqer-key-0001' };
const RETAIL = {
  LIGHTSPEED_RETAIL_BASE_URL: 'https://demo.retail.lightspeed.app/api/2.0',
  LIGHTSPEED_RETAIL_TOKEN: 'lsxs_pt_token_0001',
  LIGHTSPEED_RETAIL_WEBHOOK_SECRET: 'client-secret-0000000001',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

it('reads the store map, the registers and the secret', () => {
  const config = loadConfig({ ...PICQER, ...RETAIL, LIGHTSPEED_RETAIL_REGISTERS: '3', LIGHTSPEED_STORE_MAP: 'outlet-a=1, outlet-b = 2' });
  expect(config.lightspeedRetail).toEqual({
    baseUrl: RETAIL.LIGHTSPEED_RETAIL_BASE_URL,
    token: RETAIL.LIGHTSPEED_RETAIL_TOKEN,
    webhookSecret: RETAIL.LIGHTSPEED_RETAIL_WEBHOOK_SECRET,
    registers: 3,
    storeMap: { 'outlet-a': 1, 'outlet-b': 2 },
    registerHooks: false,
  });
  expect(loadConfig({ ...PICQER }).lightspeedRetail).toBeUndefined();
});

it('names every bad entry of LIGHTSPEED_STORE_MAP and a twice-mapped outlet', () => {
  expect(problems({ ...PICQER, ...RETAIL, LIGHTSPEED_STORE_MAP: 'outlet-a=1,outlet-a=2,nowarehouse,outlet-c=0' })).toEqual([
    'LIGHTSPEED_STORE_MAP maps outlet outlet-a twice',
    'LIGHTSPEED_STORE_MAP entry "nowarehouse" must look like <outlet id>=<Picqer warehouse id>, e.g. 0b6a35f5-…=1',
    'LIGHTSPEED_STORE_MAP entry "outlet-c=0" must look like <outlet id>=<Picqer warehouse id>, e.g. 0b6a35f5-…=1',
  ]);
});

it('a webhook secret needs the API, Picqer and a store map', () => {
  expect(problems({ LIGHTSPEED_RETAIL_WEBHOOK_SECRET: RETAIL.LIGHTSPEED_RETAIL_WEBHOOK_SECRET })).toEqual([
    'LIGHTSPEED_RETAIL_BASE_URL and LIGHTSPEED_RETAIL_TOKEN must be set when LIGHTSPEED_RETAIL_WEBHOOK_SECRET is set (till sales lower Picqer stock): sale lines name products by id',
    'PICQER_API_KEY must be set when LIGHTSPEED_RETAIL_WEBHOOK_SECRET is set (till sales lower Picqer stock)',
    'LIGHTSPEED_STORE_MAP must map at least one outlet to a Picqer warehouse when LIGHTSPEED_RETAIL_WEBHOOK_SECRET is set (till sales lower Picqer stock)',
  ]);
  expect(problems({ ...PICQER, LIGHTSPEED_RETAIL_TOKEN: RETAIL.LIGHTSPEED_RETAIL_TOKEN })).toEqual([
    'LIGHTSPEED_RETAIL_BASE_URL must be set together with LIGHTSPEED_RETAIL_TOKEN',
  ]);
});

it('registering the sale.update webhook needs the secret and, for a Lightspeed elsewhere, PUBLIC_URL', () => {
  const base = { ...PICQER, LIGHTSPEED_RETAIL_BASE_URL: RETAIL.LIGHTSPEED_RETAIL_BASE_URL, LIGHTSPEED_RETAIL_TOKEN: RETAIL.LIGHTSPEED_RETAIL_TOKEN };
  expect(problems({ ...base, LIGHTSPEED_RETAIL_REGISTER_HOOKS: 'true' })).toEqual([
    'LIGHTSPEED_RETAIL_WEBHOOK_SECRET must be set when LIGHTSPEED_RETAIL_REGISTER_HOOKS=true',
    'PUBLIC_URL must be set when LIGHTSPEED_RETAIL_REGISTER_HOOKS=true: the address Lightspeed posts sales to',
  ]);
  const local = { ...base, ...RETAIL, LIGHTSPEED_RETAIL_BASE_URL: 'http://127.0.0.1:9999/api/2.0', LIGHTSPEED_STORE_MAP: 'o=1' };
  expect(loadConfig({ ...local, LIGHTSPEED_RETAIL_REGISTER_HOOKS: 'yes' }).lightspeedRetail?.registerHooks).toBe(true);
});
