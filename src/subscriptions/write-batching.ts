import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Coalesces the frames a WebSocket gets within one turn of the event loop into one write.
 *
 * Fan-out is syscall-bound: every frame would be its own `writev` on its own socket, and when the
 * bus hands over several events at once (one XREAD batch during a burst) each subscriber's socket
 * gets several frames in the same turn (ws-server.ts writes them as the events arrive). `hold(ws)`
 * corks the socket's TCP stream the first time in a turn and uncorks every held socket on
 * `setImmediate`, i.e. right after the current microtasks (the whole batch) have run: k frames,
 * one syscall, no added wait beyond that turn.
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
