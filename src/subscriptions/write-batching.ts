import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Coalesces the frames a WebSocket gets within one turn of the event loop into one write.
 *
 * Fan-out is syscall-bound: every graphql-ws `next` is its own `writev` on its own socket, and when
 * the bus hands over several events at once (one XREAD batch during a burst) each subscriber's
 * socket gets several frames in the same turn. `hold(ws)` corks the socket's TCP stream the first
 * time in a turn and uncorks every held socket on `setImmediate`, i.e. right after the current
 * microtasks (the whole batch) have run: k frames, one syscall, no added wait beyond that turn.
 *
 * The TCP stream is `ws`'s private `_socket` (stable across ws 7 and 8); without it, `hold` does
 * nothing and frames go out one by one as before.
 */
export class WriteBatcher {
  private held = new Set<Duplex>();
  private scheduled = false;

  /** Holds `ws`'s writes until the end of this turn of the event loop. */
  hold(ws: WebSocket): void {
    const raw = (ws as unknown as { _socket?: Duplex })._socket;
    if (!raw || raw.destroyed || this.held.has(raw)) return;
    raw.cork();
    this.held.add(raw);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Releases every held socket now (also called on shutdown). */
  flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = new Set();
    for (const raw of held) raw.uncork();
  }
}

type SendCallback = (err?: Error) => void;

/**
 * Makes `ws.send` call back once the frame is queued instead of once it is written.
 *
 * graphql-ws awaits every send's callback before it takes a subscription's next event, so a
 * subscriber never has two frames in the same turn and `WriteBatcher` would have nothing to
 * coalesce. Calling back on queueing lets all the events of one bus batch reach the socket in one
 * turn.
 *
 * Only while the socket keeps up: once more than `waitAboveBytes` are unsent, sends call back on
 * write again, so a stalled client stops graphql-ws from pulling its events, its bus queue fills
 * and it is cut off with 4429 (SubscriberTooSlowError), exactly as without this function.
 */
export function callBackWhenQueued(ws: WebSocket, waitAboveBytes = 64 * 1024): void {
  const send = ws.send.bind(ws) as (data: unknown, options: object, cb?: SendCallback) => void;
  ws.send = ((data: unknown, optionsOrCb?: object | SendCallback, cb?: SendCallback) => {
    const done = (typeof optionsOrCb === 'function' ? optionsOrCb : cb) as SendCallback | undefined;
    const options = typeof optionsOrCb === 'function' || !optionsOrCb ? {} : optionsOrCb;
    if (!done || ws.bufferedAmount > waitAboveBytes) return send(data, options, done);
    let failed: Error | undefined;
    send(data, options, (err) => (failed = err ?? undefined));
    // A send refused on the spot (socket closing) calls back synchronously with the error: pass it on.
    process.nextTick(() => done(failed));
  }) as WebSocket['send'];
}
