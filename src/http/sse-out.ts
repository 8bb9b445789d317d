import type { ServerResponse } from 'node:http';

/** `event: next` and its `data:` field, then the payload JSON, then the blank line that ends the event. */
const NEXT_HEAD = Buffer.from('event: next\ndata: ');
const EVENT_END = Buffer.from('\n\n');

/**
 * The one writer of an SSE response. Two producers write to it: graphql-sse's message queue (the
 * opening comment, pings, results it formats itself, `complete`) and the shared fan-out (event
 * frames whose payload JSON is made once for every subscriber, see deliverEvents in sse-handler.ts).
 * Writes keep their call order; writes before `open` (an `after` replay can deliver before the
 * response head is out) wait in a queue and go right after it.
 */
export class SseOut {
  private queued: Array<{ chunk: Buffer | string; done?: () => void }> | undefined = [];
  /** The subscription being streamed, once it runs: closing it ends the stream with `complete`. */
  subscription?: { close(): void };

  constructor(private readonly res: ServerResponse) {}

  /** Writes the response head and what was queued before it. */
  open(status: number, headers: Record<string, string>): void {
    this.res.writeHead(status, headers);
    // Headers now, not with the first event: a client waits for them to know the stream is open.
    this.res.flushHeaders();
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const q of queued) this.write(q.chunk, q.done);
  }

  /**
   * Writes one chunk. `done` is called once it has been handed to the socket (or dropped, when the
   * client has gone): until then the event counts as pending against the subscriber's limit, so a
   * client that stops reading is cut off as over graphql-ws (push.ts SubscriberTooSlowError).
   */
  write(chunk: Buffer | string, done?: () => void): void {
    if (this.queued) {
      this.queued.push({ chunk, done });
      return;
    }
    if (!this.writable()) {
      done?.();
      return;
    }
    if (done) this.res.write(chunk, () => done());
    else this.res.write(chunk);
  }

  /** One `next` event whose data is `payload`, a JSON text without line breaks (JSON.stringify never writes one). */
  next(payload: Buffer, done: () => void): void {
    this.write(Buffer.concat([NEXT_HEAD, payload, EVENT_END]), done);
  }

  /** Ends the response (a no-op once ended); `abort` destroys the connection instead of finishing it. */
  end(abort = false): void {
    const queued = this.queued ?? [];
    this.queued = undefined;
    for (const q of queued) q.done?.();
    if (abort) this.res.destroy();
    else if (this.writable()) this.res.end();
  }

  private writable(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }
}
