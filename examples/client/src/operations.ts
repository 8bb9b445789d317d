import { graphql } from './gql';

/**
 * The operations this frontend sends, written with the generated `graphql()` function: each
 * returns a TypedDocumentNode, so urql knows the result and variable types. `npm run codegen`
 * regenerates ./gql from these and schema.graphql, and writes ./gql/persisted-documents.json,
 * the list a production gateway runs with TRUSTED_DOCUMENTS=on.
 */

export const ProductsWithStockDocument = graphql(`
  query ProductsWithStock($first: Int!, $after: String) {
    products(first: $first, after: $after) {
      edges {
        node {
          productcode
          name
          freeStock
          stock {
            warehouse {
              idwarehouse
              name
            }
            freeStock
          }
          shopify {
            sku
            inventory {
              available
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
`);

export const StockDriftDocument = graphql(`
  query StockDriftForCodes($codes: [String!]!) {
    stockDrift(productcodes: $codes, channels: [SHOPIFY]) {
      productcode
      warehouseIds
      available
      picqerFreeStock
      difference
    }
  }
`);

export const FreeStockChangedDocument = graphql(`
  subscription FreeStockChangedLive($codes: [String!], $after: String) {
    freeStockChanged(productcodes: $codes, after: $after) {
      id
      productcode
      freeStock
      stock {
        warehouseId
        freeStock
      }
    }
  }
`);
