import type { ShopifyQuantityInput } from './wire';

/**
 * The GraphQL documents the gateway sends to Shopify, each with the cost Shopify will ask for it
 * (its requestedQueryCost, by the documented rules: object 1, scalar 0, connection 2 + first ×
 * node, mutation 10). The governor is asked for exactly that, so the bucket we model and the one
 * Shopify keeps agree; test/shopify/client.test.ts checks the estimates against the sandbox.
 */

/** Shopify refuses any single query above this many points. */
export const SINGLE_QUERY_MAX_COST = 1000;
/** Shopify caps every array argument and page size at 250. */
export const MAX_ARRAY_INPUT = 250;

/** Quantity names we read per inventory level. */
export const QUANTITY_NAMES = ['available', 'on_hand'] as const;

export const LOCATIONS_QUERY = /* GraphQL */ `
  query GatewayLocations($first: Int!, $after: String) {
    locations(first: $first, after: $after) {
      nodes {
        id
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** locations connection: 2 + first × (Location 1). */
export const locationsCost = (first: number): number => 2 + first;

export const VARIANTS_BY_SEARCH_QUERY = /* GraphQL */ `
  query GatewayVariantsBySku($first: Int!, $after: String, $query: String!, $levels: Int!, $names: [String!]!) {
    shop {
      currencyCode
    }
    productVariants(first: $first, after: $after, query: $query) {
      nodes {
        id
        sku
        barcode
        title
        displayName
        price
        product {
          id
          title
        }
        inventoryItem {
          id
          inventoryLevels(first: $levels) {
            nodes {
              location {
                id
                name
              }
              quantities(names: $names) {
                name
                quantity
              }
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** One variant node: itself 1, product 1, inventoryItem 1, levels 2 + levels × (level 1, location 1, quantities n). */
export const variantNodeCost = (levels: number): number => 3 + 2 + levels * (2 + QUANTITY_NAMES.length);

/**
 * The shop object (1) read alongside, for the currency its prices are in (one root field more in
 * the same call, no extra request), and the productVariants connection: 2 + first × one variant node.
 */
const VARIANTS_FIXED_COST = 1 + 2;
export const variantsCost = (first: number, levels: number): number => VARIANTS_FIXED_COST + first * variantNodeCost(levels);

/** The largest page whose worst case stays under the single-query cap. */
export function maxVariantsPerQuery(levels: number): number {
  return Math.max(1, Math.min(MAX_ARRAY_INPUT, Math.floor((SINGLE_QUERY_MAX_COST - VARIANTS_FIXED_COST) / variantNodeCost(levels))));
}

const SET_QUANTITIES_PAYLOAD = /* GraphQL */ `
  {
    inventoryAdjustmentGroup {
      id
      changes {
        name
        delta
        quantityAfterChange
        item {
          id
        }
        location {
          id
        }
      }
    }
    userErrors {
      code
      field
      message
    }
  }
`;

/**
 * inventorySetQuantities with Shopify's `@idempotent(key:)` directive (accepted from 2026-01,
 * required from 2026-04): a repeat with the same key and variables returns the first result and
 * changes nothing, so the call can be retried after a timeout or a 5xx.
 */
export const SET_QUANTITIES_MUTATION = /* GraphQL */ `
  mutation GatewaySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) ${SET_QUANTITIES_PAYLOAD}
  }
`;

/** The same for versions before 2026-01, which know neither the directive nor changeFromQuantity. */
export const SET_QUANTITIES_MUTATION_LEGACY = /* GraphQL */ `
  mutation GatewaySetQuantities($input: InventorySetQuantitiesInput!) {
    inventorySetQuantities(input: $input) ${SET_QUANTITIES_PAYLOAD}
  }
`;

/** True from 2026-01 (and for unstable): `changeFromQuantity` and `@idempotent` exist. */
export function hasIdempotentSet(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-01';
}

export interface SetQuantitiesInput {
  name: 'available' | 'on_hand';
  reason: string;
  referenceDocumentUri?: string;
  quantities: ShopifyQuantityInput[];
}

/**
 * The request each API version needs. 2026-01 on: `changeFromQuantity` per quantity (mandatory
 * from 2026-04, null opts out) and the key. Before: the legacy compare-and-swap,
 * `compareQuantity` per quantity, `ignoreCompareQuantity` only when no quantity has a value to
 * compare (a mixed batch cannot opt out per quantity: those without one get COMPARE_QUANTITY_REQUIRED).
 * `idempotent` says whether the call may be sent again after a lost answer.
 */
export function setQuantitiesRequest(
  apiVersion: string,
  input: SetQuantitiesInput,
  idempotencyKey: string,
): { query: string; variables: Record<string, unknown>; idempotent: boolean } {
  if (hasIdempotentSet(apiVersion)) return { query: SET_QUANTITIES_MUTATION, variables: { input, idempotencyKey }, idempotent: true };
  const ignore = input.quantities.every((q) => q.changeFromQuantity === null);
  const quantities = input.quantities.map(({ changeFromQuantity, ...q }) =>
    ignore || changeFromQuantity === null ? q : { ...q, compareQuantity: changeFromQuantity },
  );
  return {
    query: SET_QUANTITIES_MUTATION_LEGACY,
    variables: { input: { ...input, quantities, ...(ignore ? { ignoreCompareQuantity: true } : {}) } },
    idempotent: false,
  };
}

/** Any mutation: a flat 10 points (UNCONFIRMED wording, see the sandbox README). */
export const MUTATION_COST = 10;

/** `sku:"A" OR sku:"B"`: quoted so dashes, spaces and colons in codes stay one term. */
export function skuSearch(skus: readonly string[]): string {
  return skus.map((s) => `sku:"${s.replace(/(["\\])/g, '\\$1')}"`).join(' OR ');
}
