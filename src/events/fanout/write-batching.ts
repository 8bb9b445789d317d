import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Writes the gateway's `next` frames to WebSockets, cheaply, coalescing each socket's frames of
 * one turn of the event loop into one write.
 *
 * Fan-out is bound by per-frame and per-write costs: every frame would be its own `writev` on its
 * own socket, and when the bus hands over several events at once (one XREAD batch during a burst)
 * each subscriber's socket gets several frames in the same turn. `hold(ws)` corks the socket's TCP
 * stream the first time in a turn and uncorks every held socket on `setImmediate`, i.e. right
 * after the current microtasks (the whole batch) have run: k frames, one syscall, no added wait
 * beyond that turn.
 *
 * `writeText(ws, head, body)` sends the text message `head + body + "}"` as one RFC 6455 frame
 * built here, written straight to the TCP stream: the body (a payload shared by every subscriber
 * of an event) is copied as bytes, not re-encoded from a string per subscriber, and the frame is
 * one chunk instead of `ws`'s header-and-data pair. That is safe next to `ws`'s own writes because
 * the server runs without permessage-deflate (ws-server.ts): `ws` then writes every frame to the
 * same stream synchronously, in call order, so whole frames never interleave.
 *
 * The TCP stream is `ws`'s private `_socket` (stable across ws 7 and 8); without it, `hold` does
 * nothing and `writeText` falls back to `ws.send`.
 */
export class WriteBatcher {
  private held = new Set<Duplex>();
  private scheduled = false;

  /** Holds `ws`'s writes until the end of this turn of the event loop. */
  hold(ws: WebSocket): void {
    const raw = tcpOf(ws);
    if (!raw || raw.destroyed || this.held.has(raw)) return;
    raw.cork();
    this.held.add(raw);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends the text message `head + body + "}"` (held until the end of the turn, like `hold`). */
  writeText(ws: WebSocket, head: Buffer, body: Buffer): void {
    const raw = tcpOf(ws);
    if (!raw) {
      ws.send(Buffer.concat([head, body, CLOSE_BRACE]), { binary: false });
      return;
    }
    this.hold(ws);
    raw.write(textFrame(head, body));
  }

  /** Releases every held socket now (also called on shutdown). */
  flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = new Set();
    for (const raw of held) raw.uncork();
  }
}

const CLOSE_BRACE = Buffer.from('}');

function tcpOf(ws: WebSocket): Duplex | undefined {
  return (ws as unknown as { _socket?: Duplex })._socket;
}

/**
 * One unmasked, final text frame (RFC 6455 section 5.2, server to client) carrying
 * `head + body + "}"`: FIN and opcode 1, then the payload length in 7 bits, or 126 and 16 bits, or
 * 127 and 64 bits.
 */
function textFrame(head: Buffer, body: Buffer): Buffer {
  const length = head.length + body.length + 1;
  const headerSize = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerSize + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  head.copy(frame, headerSize);
  body.copy(frame, headerSize + head.length);
  frame[frame.length - 1] = 0x7d; // "}"
  return frame;
}
