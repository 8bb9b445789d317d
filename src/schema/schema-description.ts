/**
 * The schema's own description: the first thing GraphiQL's documentation explorer shows, and the
 * head of schema.graphql. What the API joins, how to authenticate, and where the live parts are.
 */
export const SCHEMA_DESCRIPTION = `Picqer Gateway: one GraphQL API over Picqer (products, stock per warehouse, orders, picklists), Shopify and Lightspeed (the shops' listings and quantities) and Exact Online (items, stock value), joined by product code.

Send "Authorization: Bearer <token>"; each field names the scope it needs. Queries and mutations: POST /graphql. Subscriptions: graphql-ws at /graphql, or POST /graphql with "Accept: text/event-stream" (GraphQL over SSE); pass the last event id as \`after\` to resume without gaps. Lists are Relay connections; errors carry extensions.code.`;
