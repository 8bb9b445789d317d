import { startExactSandbox } from './exact';
import { startPicqerSandbox } from './picqer';
import { startShopifySandbox } from './shopify';

/**
 * The Picqer, Shopify and Exact sandboxes as a program of their own, for compose.yaml's `sandbox`
 * profile: gateway replicas in other containers point at them with the ordinary upstream
 * variables (PICQER_BASE_URL, SHOPIFY_BASE_URL, EXACT_BASE_URL and the sandboxes' fixed demo
 * credentials). Like every sandbox, it shares nothing with the gateway.
 *
 *   node dist/src/sandbox/standalone.js
 *
 * SANDBOX_HOST (default 127.0.0.1; 0.0.0.0 in a container), SANDBOX_PICQER_PORT (4101),
 * SANDBOX_SHOPIFY_PORT (4102), SANDBOX_EXACT_PORT (4103), SANDBOX_SIMULATOR_PICKS_PER_MINUTE (30).
 */

function port(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0-65535), got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
  const picks = port('SANDBOX_SIMULATOR_PICKS_PER_MINUTE', 30);
  const picqer = await startPicqerSandbox({ host, port: port('SANDBOX_PICQER_PORT', 4101), picksPerMinute: picks });
  const shopify = await startShopifySandbox({ host, port: port('SANDBOX_SHOPIFY_PORT', 4102) });
  const exact = await startExactSandbox({ host, port: port('SANDBOX_EXACT_PORT', 4103) });
  process.stdout.write(
    [
      'Upstream sandboxes (invented demo data):',
      `  Picqer:  ${picqer.baseUrl} (key ${picqer.apiKey})`,
      `  Shopify: ${shopify.origin} (token ${shopify.accessToken})`,
      `  Exact:   ${exact.baseUrl} (division ${exact.division}, client ${exact.clientId})`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void Promise.all([picqer.close(), shopify.close(), exact.close()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Sandboxes failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
