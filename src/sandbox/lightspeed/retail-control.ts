import type { IncomingMessage, ServerResponse } from 'node:http';
import { LightspeedSandboxHttpError, parseFaults, readJsonObject, sendJson } from './http';
import type { Ctx } from './retail-routes';
import type { LightspeedRetailState, TillSaleInput } from './retail-state';

/** `/__sandbox/*` of the X-Series sandbox: no auth, JSON, not counted as API requests. */
export async function control(ctx: Ctx, method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (body.rateLimit !== undefined || body.rateWindowMs !== undefined) {
      const cur = state.limiter.windows[0];
      try {
        state.limiter.configure([
          { limit: (body.rateLimit as number | undefined) ?? cur.limit, windowMs: (body.rateWindowMs as number | undefined) ?? cur.windowMs },
        ]);
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
    if (body.signWebhooks !== undefined) {
      if (typeof body.signWebhooks !== 'boolean') throw new LightspeedSandboxHttpError(400, { error: 'signWebhooks must be a boolean' });
      state.signWebhooks = body.signWebhooks;
    }
    if (body.faults !== undefined) state.faults = parseFaults(body.faults);
    return sendJson(res, 200, configOf(state));
  }
  if (key === 'POST /inventory') {
    if (typeof body.sku !== 'string')
      throw new LightspeedSandboxHttpError(400, { error: 'sku (string), inventory_level (whole number) and optional outlet_id are required' });
    return sendJson(res, 200, { data: state.setInventory(body.sku, body.outlet_id as string | undefined, body.inventory_level as number) });
  }
  if (key === 'POST /sales') return sendJson(res, 201, { data: state.recordSale(body as unknown as TillSaleInput) });
  if (key === 'GET /sales') return sendJson(res, 200, { data: state.sales });
  const redeliver = /^POST \/sales\/([^/]+)\/redeliver$/.exec(key);
  if (redeliver) {
    if (!state.sales.some((s) => s.id === redeliver[1])) throw new LightspeedSandboxHttpError(404, { error: `No sale ${redeliver[1]}` });
    return sendJson(res, 200, { data: state.recordSale({ id: redeliver[1], lines: [] }) });
  }
  sendJson(res, 404, { error: `No control route ${key}; see src/sandbox/README.md, "Lightspeed".` });
}

function configOf(state: LightspeedRetailState): Record<string, unknown> {
  const w = state.limiter.windows[0];
  return {
    latencyMs: state.latencyMs,
    rateLimit: w.limit,
    rateWindowMs: w.windowMs,
    webhookRetryDelaysMs: state.retryDelays,
    signWebhooks: state.signWebhooks,
    faults: state.faults,
  };
}
