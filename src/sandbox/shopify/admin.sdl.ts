import { SANDBOX_CURRENCY_CODES } from './state';
import type { VersionFeatures } from './versions';

/**
 * The subset of the Shopify Admin GraphQL API the sandbox serves, per API version. Names and
 * shapes follow the public schema (see /work/shared/upstreams/shopify-exact.md A5/A6);
 * everything the gateway does not read is left out on purpose, so a client asking for it gets
 * the same validation error a typo would get from the real API. What differs between versions
 * (versions.ts): the legacy compare fields (2026-01 only here) and the documented
 * InventorySetQuantitiesUserErrorCode values (user-error-codes.ts).
 */
export function adminSdl(f: VersionFeatures): string {
  const legacyQuantity = f.legacyCompare
    ? `
    "Deprecated in 2026-01, removed in 2026-04: the quantity we believe is current (used only when changeFromQuantity is absent)."
    compareQuantity: Int`
    : '';
  const legacyInput = f.legacyCompare
    ? `
    "Deprecated in 2026-01, removed in 2026-04: skip the compareQuantity check (used only when changeFromQuantity is absent)."
    ignoreCompareQuantity: Boolean = false`
    : '';
  return COMMON_SDL + mutationSdl(legacyQuantity, legacyInput, f.codes);
}

const COMMON_SDL = /* GraphQL */ `
  "Shopify's idempotency directive (2026-01 on): a retried mutation with the same key runs once."
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar Money

  "ISO 4217; the real enum lists every currency, the sandbox the ones it can be configured with."
  enum CurrencyCode {
    ${SANDBOX_CURRENCY_CODES.join('\n    ')}
  }
  "The shop; only what the gateway reads."
  type Shop {
    "The currency the shop's prices (ProductVariant.price) are in."
    currencyCode: CurrencyCode!
  }

  interface Node {
    id: ID!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
  }

  type Product implements Node {
    id: ID!
    title: String!
    status: ProductStatus!
  }

  type ProductVariant implements Node {
    id: ID!
    sku: String
    barcode: String
    title: String!
    displayName: String!
    price: Money!
    inventoryQuantity: Int
    product: Product!
    inventoryItem: InventoryItem!
  }
  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  type InventoryItem implements Node {
    id: ID!
    sku: String
    tracked: Boolean!
    variant: ProductVariant!
    inventoryLevels(first: Int, after: String): InventoryLevelConnection!
    inventoryLevel(locationId: ID!): InventoryLevel
  }
  type InventoryItemEdge {
    cursor: String!
    node: InventoryItem!
  }
  type InventoryItemConnection {
    edges: [InventoryItemEdge!]!
    nodes: [InventoryItem!]!
    pageInfo: PageInfo!
  }

  type InventoryQuantity {
    id: ID!
    name: String!
    quantity: Int!
    updatedAt: DateTime
  }
  type InventoryLevel implements Node {
    id: ID!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
    updatedAt: DateTime!
  }
  type InventoryLevelEdge {
    cursor: String!
    node: InventoryLevel!
  }
  type InventoryLevelConnection {
    edges: [InventoryLevelEdge!]!
    nodes: [InventoryLevel!]!
    pageInfo: PageInfo!
  }

  type Location implements Node {
    id: ID!
    name: String!
    isActive: Boolean!
  }
  type LocationEdge {
    cursor: String!
    node: Location!
  }
  type LocationConnection {
    edges: [LocationEdge!]!
    nodes: [Location!]!
    pageInfo: PageInfo!
  }

  enum OrderDisplayFinancialStatus {
    PAID
    PENDING
    AUTHORIZED
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    REFUNDED
    VOIDED
    EXPIRED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    UNFULFILLED
    PARTIALLY_FULFILLED
    IN_PROGRESS
    ON_HOLD
  }

  type LineItem {
    id: ID!
    sku: String
    name: String!
    quantity: Int!
    currentQuantity: Int!
    variant: ProductVariant
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }

  type Order implements Node {
    id: ID!
    name: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    cancelledAt: DateTime
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    lineItems(first: Int, after: String): LineItemConnection!
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type Query {
    shop: Shop!
    productVariants(first: Int, after: String, query: String): ProductVariantConnection!
    productVariant(id: ID!): ProductVariant
    inventoryItems(first: Int, after: String, query: String): InventoryItemConnection!
    inventoryItem(id: ID!): InventoryItem
    locations(first: Int, after: String): LocationConnection!
    location(id: ID): Location
    orders(first: Int, after: String, query: String): OrderConnection!
    order(id: ID!): Order
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
  }
`;

function mutationSdl(legacyQuantity: string, legacyInput: string, codes: readonly string[]): string {
  return /* GraphQL */ `
  input InventoryQuantityInput {
    inventoryItemId: ID!
    locationId: ID!
    quantity: Int!
    "Compare-and-swap: the quantity we believe is current; explicit null opts out (mandatory from 2026-04)."
    changeFromQuantity: Int${legacyQuantity}
  }
  input InventorySetQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    quantities: [InventoryQuantityInput!]!${legacyInput}
  }

  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    item: InventoryItem
    location: Location
  }
  type InventoryAdjustmentGroup {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes: [InventoryChange!]!
  }

  enum InventorySetQuantitiesUserErrorCode {
    ${codes.join('\n    ')}
  }
  type InventorySetQuantitiesUserError {
    code: InventorySetQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }
  type InventorySetQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventorySetQuantitiesUserError!]!
  }

  type Mutation {
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
  }
`;
}
