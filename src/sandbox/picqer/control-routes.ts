import { PICQER_ERROR, PicqerSandboxHttpError, readJsonObject } from './http-util';
import { Router } from './router';
import type { PicqerSandboxFaults, PicqerSandboxState } from './state';

/**
 * The sandbox's control surface under /__sandbox (no auth, JSON): stats, run-time config, and the
 * warehouse operations that fire the webhooks the real system would fire.
 */

function badInput(message: string): PicqerSandboxHttpError {
  return new PicqerSandboxHttpError(400, PICQER_ERROR.unknown, message);
}

/** Runs a state setter, turning its RangeError into a 400 that names the bad value. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw badInput(err.message);
    throw err;
  }
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(`"${key}" must be a number, got ${JSON.stringify(v)}.`);
  return v;
}

/** An optional query parameter that must be a whole non-negative number (400 naming it otherwise). */
function nonNegativeInt(query: URLSearchParams, key: string, what: string): number | undefined {
  const v = query.get(key);
  if (v === null) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw badInput(`"${key}" must be ${what} (a whole number >= 0), got ${JSON.stringify(v)}.`);
  return Number(v);
}

export function picqerControlRouter(state: PicqerSandboxState): Router {
  const r = new Router();
  r.add('GET', '/stats', () => ({ status: 200, body: state.stats() }));
  r.add('POST', '/stats/reset', () => {
    state.resetStats();
    return { status: 200, body: state.stats() };
  });
  const config = () => ({
    latencyMs: state.latencyMs,
    rateLimitPerMinute: state.limiter.currentLimit,
    windowMs: state.limiter.windowMs,
    retryAfterOn429: state.retryAfterOn429,
    faults: state.faults,
  });
  r.add('GET', '/config', () => ({ status: 200, body: config() }));
  r.add('PUT', '/config', async ({ req }) => {
    const body = await readJsonObject(req);
    const latency = optionalNumber(body, 'latencyMs');
    const limit = optionalNumber(body, 'rateLimitPerMinute');
    if (body.faults !== undefined && (body.faults === null || typeof body.faults !== 'object' || Array.isArray(body.faults))) {
      throw badInput('"faults" must be an object like {"status": 503, "count": 2}.');
    }
    if (body.retryAfterOn429 !== undefined && typeof body.retryAfterOn429 !== 'boolean') {
      throw badInput(`"retryAfterOn429" must be true or false, got ${JSON.stringify(body.retryAfterOn429)}.`);
    }
    guarded(() => {
      if (latency !== undefined) state.setLatency(latency);
      if (limit !== undefined) state.setRateLimit(limit);
      if (body.faults !== undefined) state.setFaults(body.faults as PicqerSandboxFaults);
      if (typeof body.retryAfterOn429 === 'boolean') state.retryAfterOn429 = body.retryAfterOn429;
    });
    return { status: 200, body: config() };
  });
  r.add('GET', '/stock-history', ({ query }) => {
    const since = nonNegativeInt(query, 'since', 'epoch milliseconds');
    const idproduct = nonNegativeInt(query, 'idproduct', 'a product id');
    return { status: 200, body: state.stockHistory(since ?? 0, idproduct) };
  });
  r.add('POST', '/stock', async ({ req }) => {
    const body = await readJsonObject(req);
    const idwarehouse = optionalNumber(body, 'idwarehouse');
    const change = optionalNumber(body, 'change');
    if (idwarehouse === undefined || change === undefined || !Number.isInteger(change)) {
      throw badInput('Expected {"productcode" | "idproduct", "idwarehouse": number, "change": integer}.');
    }
    let ref: { idproduct: number } | { productcode: string };
    if (typeof body.productcode === 'string') ref = { productcode: body.productcode };
    else if (typeof body.idproduct === 'number') ref = { idproduct: body.idproduct };
    else throw badInput('Give "productcode" (string) or "idproduct" (number).');
    const row = state.moveStock(ref, idwarehouse, change);
    return { status: 200, body: row };
  });
  r.add('POST', '/picklists/:idpicklist/close', ({ params }) => ({ status: 200, body: state.closePicklist(Number(params.idpicklist)) }));
  r.add('POST', '/orders/:idorder/status', async ({ params, req }) => {
    const body = await readJsonObject(req);
    if (typeof body.status !== 'string') throw badInput('Expected {"status": "<order status>"}.');
    return { status: 200, body: state.setOrderStatus(Number(params.idorder), body.status) };
  });
  r.add('POST', '/simulator', async ({ req }) => {
    const body = await readJsonObject(req);
    const rate = optionalNumber(body, 'picksPerMinute');
    if (rate === undefined) throw badInput('Expected {"picksPerMinute": number} (0 stops the simulator).');
    guarded(() => state.setSimulator(rate));
    return { status: 200, body: { picksPerMinute: state.simulator.picksPerMinute } };
  });
  return r;
}
