import { ConfigError, loadConfig } from '../../src/config';

/** SHOPIFY_LOCATION_MAP: parsed into warehouse id -> location gid, bad entries named at start-up. */

const SHOP = { SHOPIFY_SHOP: 'myshop', SHOPIFY_ACCESS_TOKEN: 'shpat_test_token_000' };

describe('SHOPIFY_LOCATION_MAP', () => {
  it('maps Picqer warehouses to Shopify location gids', () => {
    const c = loadConfig({ ...SHOP, SHOPIFY_LOCATION_MAP: '1=gid://shopify/Location/11, 2=gid://shopify/Location/22' });
    expect(c.shopify?.locationMap).toEqual({ 1: 'gid://shopify/Location/11', 2: 'gid://shopify/Location/22' });
  });

  it('is empty when unset (drift and sync then answer UPSTREAM_NOT_CONFIGURED)', () => {
    expect(loadConfig(SHOP).shopify?.locationMap).toEqual({});
  });

  it('names every bad entry, and a warehouse mapped twice', () => {
    let err: unknown;
    try {
      loadConfig({ ...SHOP, SHOPIFY_LOCATION_MAP: '1=Location/1,x=gid://shopify/Location/2,3=gid://shopify/Location/3,3=gid://shopify/Location/4' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('SHOPIFY_LOCATION_MAP entry "1=Location/1" must look like 1=gid://shopify/Location/123');
    expect(problems).toContain('SHOPIFY_LOCATION_MAP entry "x=gid://shopify/Location/2"');
    expect(problems).toContain('SHOPIFY_LOCATION_MAP maps warehouse 3 twice');
    expect(problems).not.toContain('shpat_test_token_000');
  });
});
