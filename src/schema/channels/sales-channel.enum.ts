import { registerEnumType } from 'type-graphql';

/** The shops a product is sold in; each is one upstream the gateway is configured for. */
export enum SalesChannel {
  SHOPIFY = 'SHOPIFY',
  LIGHTSPEED = 'LIGHTSPEED',
}
registerEnumType(SalesChannel, { name: 'SalesChannel', description: 'A webshop the gateway sells through: Shopify or Lightspeed eCom.' });
