/**
 * GraphiQL's example tabs: one per thing a newcomer comes to try (the joined query, drift, each
 * subscription, a mutation with variables). A test validates every one against the schema, so a
 * renamed field breaks the build, not the first impression.
 */

export interface ExampleTab {
  query: string;
  /** JSON text, as GraphiQL's variables editor holds it. */
  variables?: string;
}

const JOINED = `# One query, three systems: Picqer stock per warehouse, the Shopify variant and the
# Exact Online item with the same product code, and the product's listing in every shop.
query JoinedProducts {
  products(first: 5) {
    edges {
      node {
        productcode
        name
        freeStock
        stock { warehouse { name } stock reserved freeStock }
        shopify { sku title inventory { available location { name } } }
        exact { code description stock }
        channels { channel sku inventory { available warehouseIds } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;

const DRIFT = `# Where the shops' quantities differ from Picqer's free stock at the mapped warehouses.
query StockDrift($codes: [String!]!) {
  stockDrift(productcodes: $codes) {
    channel
    productcode
    location { name }
    warehouseIds
    picqerFreeStock
    available
    difference
  }
}
`;

const FREE_STOCK = `# Free stock changes as Picqer reports them (move stock in the Picqer sandbox to see one).
# Pass the last event id as "after" to resume without gaps after a reconnect.
subscription FreeStockChanged($codes: [String!], $after: String) {
  freeStockChanged(productcodes: $codes, after: $after) {
    id
    productcode
    freeStock
    occurredAt
    stock { warehouseId freeStock reserved }
  }
}
`;

const PICKLISTS = `# Picklists closed in the warehouse (the sandbox's simulator picks orders now and then).
subscription PicklistClosed {
  picklistClosed { id picklistid idorder warehouseId status closedAt }
}
`;

const ORDERS = `# Order status changes (no customer data).
subscription OrderStatusChanged {
  orderStatusChanged { id orderid status }
}
`;

const CHANNEL_STOCK = `# Available quantities changed at Shopify locations.
subscription ChannelStockChanged {
  channelStockChanged { id channel locationId inventoryItemId available sku }
}
`;

const SYNC = `# Sets the shops' quantities to Picqer's free stock (scope stock:write); sends only what differs.
mutation SyncFreeStock($codes: [String!]!, $channels: [SalesChannel!]) {
  syncFreeStock(productcodes: $codes, channels: $channels) {
    mutations
    unchanged
    changed { channel productcode }
    skipped { channel productcode reason }
  }
}
`;

/** The tabs GraphiQL opens with, in order (a browser that has used GraphiQL before keeps its own tabs). */
export const EXAMPLE_TABS: readonly ExampleTab[] = [
  { query: JOINED },
  { query: DRIFT, variables: JSON.stringify({ codes: ['PG-00001', 'PG-00002', 'PG-00003'] }, null, 2) },
  { query: FREE_STOCK, variables: JSON.stringify({ codes: null, after: null }, null, 2) },
  { query: PICKLISTS },
  { query: ORDERS },
  { query: CHANNEL_STOCK },
  { query: SYNC, variables: JSON.stringify({ codes: ['PG-00001'], channels: ['SHOPIFY'] }, null, 2) },
];
