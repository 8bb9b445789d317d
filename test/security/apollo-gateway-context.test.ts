import path from 'node:path';
import { HeaderMap } from '@apollo/server';

/**
 * patches/@apollo+server+5.5.1.patch (applied by `npm ci`'s postinstall): the `response.http` Apollo
 * makes per request for a gateway executor (ours: security/compiled-execution.ts) gets its `status`
 * accessors from a class instead of an object literal, whose accessor pair V8 keeps in old space
 * and with it each request's data through every scavenge (why and what it cost: README, "One
 * patched dependency"). These pin that the patch is applied and changes nothing else.
 */
// Not in the package's exports map: loaded by its file, as requestPipeline.js loads it.
const modulePath = path.join(path.dirname(require.resolve('@apollo/server')), 'utils', 'makeGatewayGraphQLRequestContext.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeGatewayGraphQLRequestContext } = require(modulePath) as {
  makeGatewayGraphQLRequestContext: (rc: unknown, server: unknown, internals: unknown) => { response: { http: { status?: number; headers: Headers } } };
};

function apolloRequestContext(): { request: object; response: { http: { status?: number; headers: HeaderMap } } } {
  const headers = new HeaderMap([['cache-control', 'no-store']]);
  return { request: { query: '{ __typename }' }, response: { http: { status: undefined, headers } } };
}

const server = { logger: undefined, cache: undefined };
const internals = { includeStacktraceInErrorResponses: false };

describe("Apollo's request context for a gateway executor (patched)", () => {
  it("reads and writes the status of Apollo's own response head, late-bound", () => {
    const rc = apolloRequestContext();
    const http = makeGatewayGraphQLRequestContext(rc, server, internals).response.http;
    expect(http.status).toBeUndefined();
    http.status = 429;
    expect(rc.response.http.status).toBe(429);
    // Apollo may replace its head's status after the executor runs; the executor sees the new one.
    rc.response.http.status = 503;
    expect(http.status).toBe(503);
  });

  it("gives the response's headers through Apollo's own header map", () => {
    const rc = apolloRequestContext();
    const http = makeGatewayGraphQLRequestContext(rc, server, internals).response.http;
    expect(http.headers.get('cache-control')).toBe('no-store');
    http.headers.set('retry-after', '2');
    expect(rc.response.http.headers.get('retry-after')).toBe('2');
  });

  it('makes no accessor per request: status is read through the class, not an own getter', () => {
    const http = makeGatewayGraphQLRequestContext(apolloRequestContext(), server, internals).response.http;
    expect(Object.getOwnPropertyDescriptor(http, 'status')).toBeUndefined();
    const onClass = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(http), 'status');
    expect(typeof onClass?.get).toBe('function');
    expect(typeof onClass?.set).toBe('function');
  });
});
