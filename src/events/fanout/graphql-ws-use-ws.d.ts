// graphql-ws publishes 'graphql-ws/use/ws' only through package "exports", which this project's
// moduleResolution ("node") does not read. Node resolves it at run time; this gives tsc the types.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws.cjs';
}
