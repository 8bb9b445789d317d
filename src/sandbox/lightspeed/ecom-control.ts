import type { IncomingMessage, ServerResponse } from 'node:http';
import { LightspeedSandboxHttpError, parseFaults, readJsonObject, sendJson } from './http';
import { variantWire } from './ecom-model';
import type { EcomCtx } from './ecom-routes';
import type { LightspeedEcomState } from './ecom-state';
import type { WindowSpec } from './windows';

/** `/__sandbox/*`: no auth, JSON, not counted as API requests. */
export async function control(ctx: EcomCtx, method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = ctx;
  const body = method === 'GET' ? {} : await readJsonObject(req, (r) => new LightspeedSandboxHttpError(400, { error: r }));
  const key = `${method} ${path}`;
  if (key === 'GET /stats') return sendJson(res, 200, state.stats());
  if (key === 'POST /stats/reset') return (state.resetStats(), sendJson(res, 200, state.stats()));
  if (key === 'POST /reset') return (state.reseed(), sendJson(res, 200, { ok: true }));
  if (key === 'GET /config') return sendJson(res, 200, configOf(state));
  if (key === 'PUT /config' || key === 'POST /config') {
    if (body.latencyMs !== undefined) {
      if (!Number.isInteger(body.latencyMs) || (body.latencyMs as number) < 0)
        throw new LightspeedSandboxHttpError(400, { error: 'latencyMs must be a whole number ≥ 0' });
      state.latencyMs = body.latencyMs as number;
    }
    if (body.retryAfterOn429 !== undefined) state.retryAfterOn429 = body.retryAfterOn429 === true;
    if (body.rateLimits !== undefined) {
      try {
        state.limiter.configure(body.rateLimits as WindowSpec[]);
      } catch (e) {
        throw new LightspeedSandboxHttpError(400, { error: (e as Error).message });
      }
    }
    if (body.webhookRetryDelaysMs !== undefined) {
      const d = body.webhookRetryDelaysMs;
      if (!Array.isArray(d) || d.some((x) => !Number.isInteger(x) || x < 0))
        throw new LightspeedSandboxHttpError(400, { error: 'webhookRetryDelaysMs must be a list of whole numbers ≥ 0' });
      state.retryDelays = d as number[];
    }
    if (body.faults !== undefined) state.faults = parseFaults(body.faults);
    return sendJson(res, 200, configOf(state));
  }
  if (key === 'POST /stock') {
    if (typeof body.sku !== 'string') throw new LightspeedSandboxHttpError(400, { error: 'sku (string) and stockLevel (whole number) are required' });
    const v = state.setStockLevel(body.sku, body.stockLevel as number);
    return sendJson(res, 200, { variant: variantWire(v, ctx.origin, ctx.languages[0]) });
  }
  if (key === 'GET /variants') {
    const sku = new URL(req.url ?? '/', 'http://x').searchParams.get('sku');
    const v = sku === null ? undefined : state.variantBySku(sku);
    if (!v) throw new LightspeedSandboxHttpError(404, { error: `No variant with sku "${String(sku)}"` });
    return sendJson(res, 200, { variant: variantWire(v, ctx.origin, ctx.languages[0]) });
  }
  sendJson(res, 404, { error: `No control route ${key}; see src/sandbox/README.md, "Lightspeed".` });
}

function configOf(state: LightspeedEcomState): Record<string, unknown> {
  return { latencyMs: state.latencyMs, retryAfterOn429: state.retryAfterOn429, rateLimits: state.limiter.windows, faults: state.faults };
}
