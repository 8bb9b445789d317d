/**
 * Where Exact OAuth tokens live between refreshes. Exact rotates the refresh token on every
 * refresh and kills the old one, so replicas that each keep their own copy knock each other out
 * (a known Exact failure mode: forced re-authorization). Replicas that share one store and take
 * its lock before refreshing see one refresh token and refresh once between them.
 */

export interface ExactTokenState {
  /** Null before the first refresh. */
  accessToken: string | null;
  /** Epoch ms when the access token stops working (Exact: 600 s after issue). */
  accessTokenExpiresAt: number;
  /** The one refresh token that currently works. */
  refreshToken: string;
  /** Epoch ms of the last successful refresh; Exact refuses another within 570 s. */
  refreshedAt: number;
}

/** Releases a lock taken with `lock`. */
export type Release = () => Promise<void>;

export interface ExactTokenStore {
  /** The stored state for `key`, or null when none was stored. */
  get(key: string): Promise<ExactTokenState | null>;
  /** Replaces the stored state for `key`. */
  set(key: string, state: ExactTokenState): Promise<void>;
  /** Takes the refresh lock for `key` for at most `ttlMs`; null when another holder has it. */
  lock(key: string, ttlMs: number): Promise<Release | null>;
}

/** One process: a Map and a lock flag with expiry. */
export class MemoryTokenStore implements ExactTokenStore {
  private readonly states = new Map<string, ExactTokenState>();
  private readonly locks = new Map<string, { id: number; until: number }>();
  private nextId = 1;

  async get(key: string): Promise<ExactTokenState | null> {
    const s = this.states.get(key);
    return s ? { ...s } : null;
  }

  async set(key: string, state: ExactTokenState): Promise<void> {
    this.states.set(key, { ...state });
  }

  async lock(key: string, ttlMs: number): Promise<Release | null> {
    const held = this.locks.get(key);
    if (held && held.until > Date.now()) return null;
    const id = this.nextId++;
    this.locks.set(key, { id, until: Date.now() + ttlMs });
    return async () => {
      // Only the holder may release: an expired lock may already belong to someone else.
      if (this.locks.get(key)?.id === id) this.locks.delete(key);
    };
  }
}
