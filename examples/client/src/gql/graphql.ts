/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ProductsWithStockQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;

export type ProductsWithStockQuery = {
  products: {
    edges: Array<{
      node: {
        productcode: string;
        name: string;
        freeStock: number;
        stock: Array<{ freeStock: number; warehouse: { idwarehouse: number; name: string } }>;
        shopify: { sku: string; inventory: Array<{ available: number }> } | null;
      };
    }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

export type StockDriftForCodesQueryVariables = Exact<{
  codes: Array<string> | string;
}>;

export type StockDriftForCodesQuery = {
  stockDrift: Array<{ productcode: string; warehouseIds: Array<number>; available: number; picqerFreeStock: number; difference: number }>;
};

export type FreeStockChangedLiveSubscriptionVariables = Exact<{
  codes?: Array<string> | string | null | undefined;
  after?: string | null | undefined;
}>;

export type FreeStockChangedLiveSubscription = {
  freeStockChanged: { id: string; productcode: string; freeStock: number; stock: Array<{ warehouseId: number; freeStock: number }> | null };
};

export const ProductsWithStockDocument = {
  __meta__: { hash: 'sha256:9f75ebf10bc33509183f663b0bd5a3eab40e72eb03fc6462c30489707466ac04' },
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'ProductsWithStock' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'products' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'productcode' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'freeStock' } },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'stock' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  {
                                    kind: 'Field',
                                    name: { kind: 'Name', value: 'warehouse' },
                                    selectionSet: {
                                      kind: 'SelectionSet',
                                      selections: [
                                        { kind: 'Field', name: { kind: 'Name', value: 'idwarehouse' } },
                                        { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                      ],
                                    },
                                  },
                                  { kind: 'Field', name: { kind: 'Name', value: 'freeStock' } },
                                ],
                              },
                            },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'shopify' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'sku' } },
                                  {
                                    kind: 'Field',
                                    name: { kind: 'Name', value: 'inventory' },
                                    selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'available' } }] },
                                  },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ProductsWithStockQuery, ProductsWithStockQueryVariables>;
export const StockDriftForCodesDocument = {
  __meta__: { hash: 'sha256:7ae30040684b05411832c8837444583fc2c98706fcb33d94c19b42434b836e69' },
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'StockDriftForCodes' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'codes' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'ListType', type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'stockDrift' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'productcodes' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'codes' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'channels' }, value: { kind: 'ListValue', values: [{ kind: 'EnumValue', value: 'SHOPIFY' }] } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'productcode' } },
                { kind: 'Field', name: { kind: 'Name', value: 'warehouseIds' } },
                { kind: 'Field', name: { kind: 'Name', value: 'available' } },
                { kind: 'Field', name: { kind: 'Name', value: 'picqerFreeStock' } },
                { kind: 'Field', name: { kind: 'Name', value: 'difference' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<StockDriftForCodesQuery, StockDriftForCodesQueryVariables>;
export const FreeStockChangedLiveDocument = {
  __meta__: { hash: 'sha256:a5702b6ab818c4039ef69c2510fa3d94ae870364332b275c908238d739cd1d6a' },
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'FreeStockChangedLive' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'codes' } },
          type: { kind: 'ListType', type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freeStockChanged' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'productcodes' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'codes' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'productcode' } },
                { kind: 'Field', name: { kind: 'Name', value: 'freeStock' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'stock' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'warehouseId' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'freeStock' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<FreeStockChangedLiveSubscription, FreeStockChangedLiveSubscriptionVariables>;
