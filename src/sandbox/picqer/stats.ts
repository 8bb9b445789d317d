/**
 * Request counters for `/__sandbox/stats`. Paths are grouped by route pattern ("GET /api/v1/products/:id")
 * so tests and benchmarks can count calls per endpoint without caring about ids.
 */
export class RequestStats {
  total = 0;
  served429 = 0;
  byPath: Record<string, number> = {};
  byStatus: Record<string, number> = {};

  /** Counts one answered API request. */
  record(routeKey: string, status: number, label = String(status)): void {
    this.total++;
    this.byPath[routeKey] = (this.byPath[routeKey] ?? 0) + 1;
    // label differs from the status only for answers never sent (e.g. "timeout").
    const s = label;
    this.byStatus[s] = (this.byStatus[s] ?? 0) + 1;
    if (status === 429) this.served429++;
  }

  reset(): void {
    this.total = 0;
    this.served429 = 0;
    this.byPath = {};
    this.byStatus = {};
  }
}
