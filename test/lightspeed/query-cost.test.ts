import { parse, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../../src/build-schema';
import { loadConfig } from '../../src/config';
import { LIGHTSPEED_FIELD_COSTS, estimateQueryCost } from '../../src/security/query-cost';
import { operationRulesOf } from '../../src/security/operation-rules';

/**
 * What Lightspeed eCom adds to the query-cost estimate when it is configured: one call per product
 * for a listing, one read per code for drift, a read and a write per code for the push — unless
 * `channels` leaves Lightspeed out.
 */
const op = (q: string) => parse(q).definitions[0] as OperationDefinitionNode;
const codes = Array.from({ length: 100 }, (_, i) => `X-${i}`);
const known = { knownCode: () => true };

it('charges Lightspeed per code only when it is configured and asked for', async () => {
  const schema = await getSchema();
  const drift = (channels: string) => op(`query($c: [String!]!) { stockDrift(productcodes: $c${channels}) { productcode } }`);
  const withLs = { ...known, fieldCosts: LIGHTSPEED_FIELD_COSTS };
  // 1 Picqer call for 100 known codes + 1 locations + 2 Shopify searches.
  expect(estimateQueryCost(schema, drift(''), {}, { c: codes }, known)).toBe(4);
  expect(estimateQueryCost(schema, drift(''), {}, { c: codes }, withLs)).toBe(4 + 100);
  expect(estimateQueryCost(schema, drift(', channels: [SHOPIFY]'), {}, { c: codes }, withLs)).toBe(4);
  expect(estimateQueryCost(schema, drift(', channels: [LIGHTSPEED]'), {}, { c: codes }, withLs)).toBe(4 + 100);
  const push = op('mutation($c: [String!]!) { syncFreeStock(productcodes: $c) { mutations } }');
  expect(estimateQueryCost(schema, push, {}, { c: codes }, withLs)).toBe(4 + 1 + 200);
});

it('applies the Lightspeed costs from config only when LIGHTSPEED_ECOM_* is set', () => {
  const ls = {
    LIGHTSPEED_ECOM_BASE_URL: 'https://api.webshopapp.com',
    LIGHTSPEED_ECOM_LANGUAGE: 'nl',
    LIGHTSPEED_ECOM_API_KEY: 'k'.repeat(32),
    LIGHTSPEED_ECOM_API_SECRET: 's'.repeat(32),
  };
  expect(operationRulesOf(loadConfig(ls)).queryLimits.fieldCosts).toEqual(LIGHTSPEED_FIELD_COSTS);
  expect(operationRulesOf(loadConfig({})).queryLimits.fieldCosts).toBeUndefined();
});
