/**
 * Shopify's leaky bucket of cost points, one per app + shop (here: per access token).
 * A query needs its whole requestedQueryCost in the bucket before it runs; afterwards the
 * difference to actualQueryCost is refunded. Points come back continuously at `restoreRate`/s.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private at: number;

  constructor(
    public size: number,
    public restoreRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = size;
    this.at = now();
  }

  /** Takes `cost` points if the bucket holds them; false (nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back points charged but not used (requested − actual). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.size, this.available + Math.max(0, points));
  }

  /** Changes size and rate at runtime (control surface); keeps what is available, capped. */
  reconfigure(size: number, restoreRate: number): void {
    this.refill();
    this.size = size;
    this.restoreRate = restoreRate;
    this.available = Math.min(this.available, size);
  }

  /** Fills the bucket to the top (reset). */
  fill(): void {
    this.available = this.size;
    this.at = this.now();
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.size, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }

  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.size, this.available + ((t - this.at) / 1000) * this.restoreRate);
    this.at = t;
  }
}
