/**
 * The request counter every sandbox handle offers as `requests()`, so tests and benches count the
 * upstream calls a gateway made the same way whichever emulator served them. What only one
 * upstream has stays in that sandbox's own stats: Picqer's calls by route and rate-limit window,
 * Shopify's by operation and query cost, Exact's token calls and its last calls' URLs.
 */
export interface SandboxRequests {
  /**
   * API requests the sandbox counted since it started or its stats were last reset. Control calls
   * (/__sandbox/*) and Exact's OAuth token calls are not API requests; each sandbox's doc says what
   * else it counts.
   */
  total: number;
  /** The same requests by the status they were answered with ("200", "429", …). */
  byStatus: Record<string, number>;
}
