import { randomUUID } from 'node:crypto';
import type { Caller } from './auth/caller';
import { CallAccounting } from './datasources/upstream/accounting';
import type { Priority } from './datasources/upstream/governor/governor.types';
import { createLoaders, type Loaders } from './datasources/loaders';
import type { Services } from './services';

/** What every resolver gets. Built per request; nothing request-scoped lives at module level. */
export interface GatewayContext {
  requestId: string;
  services: Services;
  accounting: CallAccounting;
  /** Every upstream's loaders for this request; null when not configured, so ask through `requireLoaders`. */
  loaders: Loaders;
  /** The authenticated caller, when auth is on. */
  caller?: Caller;
}

export function createContext(services: Services, extra: { requestId?: string; caller?: Caller; priority?: Priority; maxCalls?: number } = {}): GatewayContext {
  const accounting = new CallAccounting(extra.priority, extra.maxCalls);
  const loaders = createLoaders(services, accounting);
  return { requestId: extra.requestId ?? randomUUID(), services, accounting, loaders, caller: extra.caller };
}
