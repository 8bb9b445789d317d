import type { IdempotencyStore } from './idempotency';
import type { SandboxLevel, ShopState } from './state';
import type { VersionFeatures } from './versions';

/** Per-request context handed to graphql-js `execute`. */
export interface ShopContext {
  state: ShopState;
  apiVersion: string;
  /** What the served version accepts and requires (versions.ts). */
  features: VersionFeatures;
  /** The shop's `@idempotent` keys. */
  idempotency: IdempotencyStore;
  /** Awaited just before a mutation applies: the test hooks of beforeNextMutation, if any. */
  beforeApply: () => Promise<void>;
  /** True (once per configured failure) when this mutation fails inside the shop: nothing applies, the answer is a 503. */
  failInternally: () => boolean;
  /** Set by failInternally when it failed this request. */
  failed: boolean;
  /** Called for every inventory level a mutation changed (fires webhooks). */
  onLevelChanged: (level: SandboxLevel) => void;
}
