/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  query ProductsWithStock($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          productcode\n          name\n          freeStock\n          stock {\n            warehouse {\n              idwarehouse\n              name\n            }\n            freeStock\n          }\n          shopify {\n            sku\n            inventory {\n              available\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n': typeof types.ProductsWithStockDocument;
  '\n  query StockDriftForCodes($codes: [String!]!) {\n    stockDrift(productcodes: $codes, channels: [SHOPIFY]) {\n      productcode\n      warehouseIds\n      available\n      picqerFreeStock\n      difference\n    }\n  }\n': typeof types.StockDriftForCodesDocument;
  '\n  subscription FreeStockChangedLive($codes: [String!], $after: String) {\n    freeStockChanged(productcodes: $codes, after: $after) {\n      id\n      productcode\n      freeStock\n      stock {\n        warehouseId\n        freeStock\n      }\n    }\n  }\n': typeof types.FreeStockChangedLiveDocument;
};
const documents: Documents = {
  '\n  query ProductsWithStock($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          productcode\n          name\n          freeStock\n          stock {\n            warehouse {\n              idwarehouse\n              name\n            }\n            freeStock\n          }\n          shopify {\n            sku\n            inventory {\n              available\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n':
    types.ProductsWithStockDocument,
  '\n  query StockDriftForCodes($codes: [String!]!) {\n    stockDrift(productcodes: $codes, channels: [SHOPIFY]) {\n      productcode\n      warehouseIds\n      available\n      picqerFreeStock\n      difference\n    }\n  }\n':
    types.StockDriftForCodesDocument,
  '\n  subscription FreeStockChangedLive($codes: [String!], $after: String) {\n    freeStockChanged(productcodes: $codes, after: $after) {\n      id\n      productcode\n      freeStock\n      stock {\n        warehouseId\n        freeStock\n      }\n    }\n  }\n':
    types.FreeStockChangedLiveDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ProductsWithStock($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          productcode\n          name\n          freeStock\n          stock {\n            warehouse {\n              idwarehouse\n              name\n            }\n            freeStock\n          }\n          shopify {\n            sku\n            inventory {\n              available\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ProductsWithStock($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          productcode\n          name\n          freeStock\n          stock {\n            warehouse {\n              idwarehouse\n              name\n            }\n            freeStock\n          }\n          shopify {\n            sku\n            inventory {\n              available\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StockDriftForCodes($codes: [String!]!) {\n    stockDrift(productcodes: $codes, channels: [SHOPIFY]) {\n      productcode\n      warehouseIds\n      available\n      picqerFreeStock\n      difference\n    }\n  }\n',
): (typeof documents)['\n  query StockDriftForCodes($codes: [String!]!) {\n    stockDrift(productcodes: $codes, channels: [SHOPIFY]) {\n      productcode\n      warehouseIds\n      available\n      picqerFreeStock\n      difference\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription FreeStockChangedLive($codes: [String!], $after: String) {\n    freeStockChanged(productcodes: $codes, after: $after) {\n      id\n      productcode\n      freeStock\n      stock {\n        warehouseId\n        freeStock\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription FreeStockChangedLive($codes: [String!], $after: String) {\n    freeStockChanged(productcodes: $codes, after: $after) {\n      id\n      productcode\n      freeStock\n      stock {\n        warehouseId\n        freeStock\n      }\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
