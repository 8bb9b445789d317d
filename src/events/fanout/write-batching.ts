import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Writes the gateway's `next` frames to WebSockets, coalescing each socket's frames of one turn of
 * the event loop into one write.
 *
 * Fan-out is bound by per-write costs: every frame would be its own `writev` on its own socket,
 * and when the bus hands over several events at once (one XREAD batch during a burst) each
 * subscriber's socket gets several frames in the same turn. `hold(socket)` corks the socket the
 * first time in a turn and uncorks every held socket on `setImmediate`, i.e. right after the
 * current microtasks (the whole batch) have run: k frames, one syscall, no added wait beyond that
 * turn. Corking is Node's own stream API on the socket the connection runs on, which the server
 * has from the upgrade request (`request.socket`, the socket `ws` was handed); `ws` writes to it
 * synchronously, so its own frames keep their order among ours.
 *
 * Frames are sent through `ws`'s public `send`: the message is the per-subscriber head, the
 * payload shared by every subscriber of an event (copied as bytes, never re-encoded from a string)
 * and the closing brace, in one buffer.
 */
export class WriteBatcher {
  private held = new Set<Duplex>();
  private scheduled = false;

  /** Holds `socket`'s writes until the end of this turn of the event loop. */
  hold(socket: Duplex): void {
    if (socket.destroyed || this.held.has(socket)) return;
    socket.cork();
    this.held.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Sends the text message `head + body + "}"` on `ws`, whose network socket is `socket` (held
   * until the end of the turn, like `hold`). `done` runs once the frame has been handed to the
   * operating system (or the socket failed): the fan-out counts a frame as pending until then.
   */
  sendText(ws: WebSocket, socket: Duplex, head: Buffer, body: Buffer, done?: () => void): void {
    this.hold(socket);
    ws.send(Buffer.concat([head, body, CLOSE_BRACE], head.length + body.length + 1), TEXT, done);
  }

  /** Releases every held socket now (also called on shutdown). */
  flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = new Set();
    for (const socket of held) socket.uncork();
  }
}

const CLOSE_BRACE = Buffer.from('}');
/** `ws` copies its options into its own object; one shared, never modified, saves one per frame. */
const TEXT = Object.freeze({ binary: false });
