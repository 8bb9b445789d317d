import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { ExactTokenState, ExactTokenStore, Release } from './token-store';

/**
 * Exact tokens shared by every replica through Redis: the state is one JSON string, the refresh
 * lock a `SET NX PX` key released by compare-and-delete (so a holder whose lock expired cannot
 * delete the next holder's). The refresh token is a long-lived secret: protect this Redis like
 * the environment that holds EXACT_CLIENT_SECRET.
 */

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisTokenStore implements ExactTokenStore {
  /** `prefix` is the deployment's key prefix (REDIS_KEY_PREFIX), e.g. "pgw:". */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<ExactTokenState | null> {
    const raw = await this.redis.get(this.stateKey(key));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as ExactTokenState;
    } catch {
      // A corrupt entry is treated as absent; the configured refresh token takes over.
      return null;
    }
  }

  async set(key: string, state: ExactTokenState): Promise<void> {
    await this.redis.set(this.stateKey(key), JSON.stringify(state));
  }

  async lock(key: string, ttlMs: number): Promise<Release | null> {
    const lockKey = `${this.stateKey(key)}:lock`;
    const owner = randomBytes(12).toString('hex');
    const ok = await this.redis.set(lockKey, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
    if (ok !== 'OK') return null;
    return async () => {
      await this.redis.eval(RELEASE, 1, lockKey, owner);
    };
  }

  private stateKey(key: string): string {
    return `${this.prefix}exact:token:${key}`;
  }
}
