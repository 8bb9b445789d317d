import type { Client } from 'graphql-ws';

/** What one graphql-ws operation delivered so far. */
export interface Collector {
  items: any[];
  error?: unknown;
  completed: boolean;
  dispose(): void;
}

/** Subscribes and records every message, the error and completion, for assertions. */
export function collect(client: Client, query: string, variables: Record<string, unknown> = {}): Collector {
  const c: Collector = { items: [], completed: false, dispose: () => undefined };
  c.dispose = client.subscribe(
    { query, variables },
    {
      next: (v) => c.items.push(v),
      error: (e) => (c.error = e),
      complete: () => (c.completed = true),
    },
  );
  return c;
}
