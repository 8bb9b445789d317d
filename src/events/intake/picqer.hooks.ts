import type { PicqerHookWire } from '../../datasources/picqer/wire';
import type { Logger } from '../../logger';

/** The two hook calls registration needs; the Picqer client provides them. */
export interface PicqerHooksApi {
  /** One page of hooks (Picqer pages by 100 with `offset`). An implementation may ignore offset and return all. */
  listHooks(offset: number): Promise<PicqerHookWire[]>;
  createHook(input: { name: string; event: string; address: string; secret: string }): Promise<PicqerHookWire>;
}

export interface EnsurePicqerHooksOptions {
  /** Where Picqer can reach this gateway, e.g. "https://gateway.example.com". */
  publicUrl: string;
  /** The secret Picqer signs deliveries with; the receiver verifies with the same. */
  secret: string;
  /** Picqer event names, e.g. PICQER_HOOK_EVENTS. */
  events: string[];
  logger: Logger;
  /** Receiver path appended to publicUrl. Default '/webhooks/picqer'. */
  path?: string;
  /** Hook name shown in Picqer. Default 'Picqer Gateway'. */
  name?: string;
}

const PAGE_SIZE = 100;
/** Bounds the listing even if an API keeps answering full pages: 100 pages = 10,000 hooks. */
const MAX_PAGES = 100;

/**
 * Makes sure Picqer has one active hook per event for our receiver address. Lists all hooks, creates
 * only the missing ones, and leaves every other hook (other addresses, other integrations, inactive
 * ones) alone; running it again creates nothing. Picqer never shows a hook's secret, so a hook made
 * with an old secret counts as present: to rotate, delete our hooks in Picqer and run this again.
 * Run it from one replica at a time (two racing first runs could both create).
 */
export async function ensurePicqerHooks(
  api: PicqerHooksApi,
  opts: EnsurePicqerHooksOptions,
): Promise<{ created: PicqerHookWire[]; existing: PicqerHookWire[] }> {
  if (!opts.secret) throw new TypeError('ensurePicqerHooks: secret is required; Picqer must sign deliveries.');
  const address = receiverAddress(opts.publicUrl, opts.path ?? '/webhooks/picqer');
  const hooks = await listAll(api);
  const ours = hooks.filter((h) => h.active && sameAddress(h.address, address));
  const existing: PicqerHookWire[] = [];
  const created: PicqerHookWire[] = [];
  for (const event of [...new Set(opts.events)]) {
    const found = ours.find((h) => h.event === event);
    if (found) {
      existing.push(found);
      continue;
    }
    created.push(await api.createHook({ name: opts.name ?? 'Picqer Gateway', event, address, secret: opts.secret }));
  }
  opts.logger.info({ address, created: created.map((h) => h.event), existing: existing.map((h) => h.event) }, 'picqer hooks ensured');
  return { created, existing };
}

async function listAll(api: PicqerHooksApi): Promise<PicqerHookWire[]> {
  const all: PicqerHookWire[] = [];
  const seen = new Set<number>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const batch = await api.listHooks(page * PAGE_SIZE);
    const fresh = batch.filter((h) => !seen.has(h.idhook));
    for (const h of fresh) seen.add(h.idhook);
    all.push(...fresh);
    // A short page ends the list; so does a page of only known hooks (an API that ignores offset).
    if (batch.length < PAGE_SIZE || fresh.length === 0) break;
  }
  return all;
}

function receiverAddress(publicUrl: string, path: string): string {
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch {
    throw new TypeError(`ensurePicqerHooks: publicUrl must be an absolute http(s) URL, got "${publicUrl}".`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new TypeError(`ensurePicqerHooks: publicUrl must be http(s), got "${base.protocol}".`);
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
}

function sameAddress(a: string, b: string): boolean {
  try {
    return new URL(a).toString() === new URL(b).toString();
  } catch {
    return a === b;
  }
}
