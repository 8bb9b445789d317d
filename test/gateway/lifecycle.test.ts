import { startGateway } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { sandboxEnv } from '../../src/sandbox/env';
import { startPicqerSandbox } from '../../src/sandbox/picqer';
import { LineCapture } from '../security/support';

/** Start-up that fails half-way closes what it opened; close() may be called more than once. */

it('a start-up that fails (Redis unreachable) rejects with the cause instead of hanging', async () => {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1', SANDBOX: 'false', PICQER_WARMUP_PAGES: '0' });
  await expect(startGateway(config, createLogger('silent'))).rejects.toThrow(/max retries|ECONNREFUSED|connect/i);
});

it('close() twice closes everything once, without errors', async () => {
  const sandbox = await startPicqerSandbox({ products: 20, orders: 5 });
  const logs = new LineCapture();
  const gw = await startGateway(
    loadConfig({ PORT: '0', LOG_LEVEL: 'warn', PICQER_WARMUP_PAGES: '0', ...sandboxEnv({ picqer: sandbox }) }),
    createLogger('warn', logs),
  );
  await Promise.all([gw.close(), gw.close()]);
  await gw.close();
  await sandbox.close();
  expect(logs.text()).not.toMatch(/error while closing/);
  const r = await fetch(`${gw.url}/healthz`).then(
    () => 'answered',
    () => 'refused',
  );
  expect(r).toBe('refused');
});
