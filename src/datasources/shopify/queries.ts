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

/** productVariants connection: 2 + first × one variant node. */
export const variantsCost = (first: number, levels: number): number => 2 + first * variantNodeCost(levels);

/** The largest page whose worst case stays under the single-query cap. */
export function maxVariantsPerQuery(levels: number): number {
  return Math.max(1, Math.min(MAX_ARRAY_INPUT, Math.floor((SINGLE_QUERY_MAX_COST - 2) / variantNodeCost(levels))));
}

export const SET_QUANTITIES_MUTATION = /* GraphQL */ `
  mutation GatewaySetQuantities($input: InventorySetQuantitiesInput!) {
    inventorySetQuantities(input: $input) {
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
  }
`;

/** Any mutation: a flat 10 points (UNCONFIRMED wording, see the sandbox README). */
export const MUTATION_COST = 10;

/** `sku:"A" OR sku:"B"`: quoted so dashes, spaces and colons in codes stay one term. */
export function skuSearch(skus: readonly string[]): string {
  return skus.map((s) => `sku:"${s.replace(/(["\\])/g, '\\$1')}"`).join(' OR ');
}
