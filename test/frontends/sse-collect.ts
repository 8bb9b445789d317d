import { createClient, type Client } from 'graphql-sse';

/** What one subscription over SSE delivered so far. */
export interface SseCollector {
  items: any[];
  error?: unknown;
  completed: boolean;
  dispose(): void;
}

/** graphql-sse's own client in "distinct connections" mode (a request per subscription), failing fast instead of retrying. */
export function sseClient(gatewayUrl: string, authorization?: string): Client {
  return createClient({
    url: `${gatewayUrl}/graphql`,
    singleConnection: false,
    retryAttempts: 0,
    headers: authorization ? { authorization } : {},
  });
}

/** Subscribes and records every result, the error and completion, for assertions. */
export function collectSse(client: Client, query: string, variables: Record<string, unknown> = {}): SseCollector {
  const c: SseCollector = { items: [], completed: false, dispose: () => undefined };
  c.dispose = client.subscribe(
    { query, variables },
    {
      next: (v) => void c.items.push(v),
      error: (e) => void (c.error = e),
      complete: () => void (c.completed = true),
    },
  );
  return c;
}
