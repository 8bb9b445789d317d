import { registerEnumType } from 'type-graphql';

/** Picqer's product types; the GraphQL name is upper case, the internal value Picqer's own. */
export enum ProductType {
  NORMAL = 'normal',
  UNLIMITED_STOCK = 'unlimited_stock',
  VIRTUAL_COMPOSITION = 'virtual_composition',
  COMPOSITION_WITH_STOCK = 'composition_with_stock',
}
registerEnumType(ProductType, {
  name: 'ProductType',
  description: "A product's type in Picqer. A VIRTUAL_COMPOSITION (a bundle) has no stock of its own: its stock is what its parts allow.",
});
