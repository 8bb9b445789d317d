import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { lazyChildLoggers } from '../../src/http/request-log';

/** request.log is made only when something is written through it, and then writes as a pino child. */

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

it('makes no child for calls below the level, then writes with the request id and the censor', () => {
  const out = sink();
  const parent = createLogger('info', out.stream);
  const made: unknown[] = [];
  const child = parent.child.bind(parent);
  parent.child = (b: never, o: never) => (made.push(b), child(b, o));

  const log = lazyChildLoggers(parent, { reqId: 'req-7' }, {});
  log.debug('not written');
  log.trace({ a: 1 }, 'not written either');
  expect(made).toEqual([]);
  expect(log.level).toBe('info');
  expect(out.lines()).toEqual([]);

  log.info({ email: 'someone@example.invalid', n: 2 }, 'written');
  log.warn('also written');
  expect(made).toEqual([{ reqId: 'req-7' }]);
  expect(out.lines()).toEqual([
    expect.objectContaining({ reqId: 'req-7', n: 2, email: '[redacted]', msg: 'written' }),
    expect.objectContaining({ reqId: 'req-7', msg: 'also written', level: 40 }),
  ]);
  expect(JSON.stringify(out.lines())).not.toContain('someone@example.invalid');
});

it("follows a level set on the request's logger, and hands out children of the real one", () => {
  const out = sink();
  const parent = createLogger('info', out.stream);
  const log = lazyChildLoggers(parent, { reqId: 'req-8' }, {});
  log.level = 'debug';
  log.debug('now written');
  log.child({ part: 'x' }).debug('from a child');
  expect(parent.level).toBe('info');
  expect(out.lines()).toEqual([
    expect.objectContaining({ reqId: 'req-8', msg: 'now written' }),
    expect.objectContaining({ reqId: 'req-8', part: 'x', msg: 'from a child' }),
  ]);
});

it('gives a route with its own log level its child at once', () => {
  const out = sink();
  const parent = createLogger('info', out.stream);
  const log = lazyChildLoggers(parent, { reqId: 'req-9' }, { level: 'warn' });
  log.info('not written: the route logs warnings only');
  log.warn('written');
  expect(out.lines()).toEqual([expect.objectContaining({ reqId: 'req-9', msg: 'written' })]);
});
