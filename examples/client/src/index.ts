export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './client';
export { FreeStockChangedDocument, ProductsWithStockDocument, StockDriftDocument } from './operations';
export type { FreeStockChangedLiveSubscription, ProductsWithStockQuery, StockDriftForCodesQuery } from './gql/graphql';
