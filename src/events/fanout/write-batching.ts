import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

/**
 * Writes the gateway's `next` frames to WebSockets, coalescing each socket's frames of one turn of
 * the event loop into one write, and tells the fan-out when they have left.
 *
 * Fan-out is bound by per-frame and per-write costs: every frame would be its own `writev` on its
 * own socket, and when the bus hands over several events at once (one XREAD batch during a burst)
 * each subscriber's socket gets several frames in the same turn. `hold(socket)` corks the socket
 * the first time in a turn and uncorks every held socket on `setImmediate`, i.e. right after the
 * current microtasks (the whole batch) have run: k frames, one syscall, no added wait beyond that
 * turn. The socket is the one the connection runs on, which the server has from the upgrade
 * request (`request.socket`, the socket `ws` was handed).
 *
 * `sendText` frames the message with `ws`'s own frame builder (`Sender.frame`) and writes it to
 * that socket as one chunk, rather than through `websocket.send`, which writes a header chunk and a
 * payload chunk and would need a write callback per frame to tell when it has left: measured on the
 * Node side alone (no kernel) on the development machine, about 2 µs of CPU per frame that way
 * against 0.2 µs this way (0.1 µs for the hand-made frames before), which at 1,000 subscribers
 * would be most of a burst's fan-out work. Writing beside `ws` is safe because the server runs
 * without permessage-deflate (ws-server.ts): `ws` then writes every frame to the socket
 * synchronously, in call order, so whole frames never interleave.
 *
 * A frame counts as pending for its subscriber until the operating system has taken it. Rather
 * than a callback per frame, each held socket keeps the `done`s of its turn: after the uncork
 * they run at once if the socket took everything (the usual case), else once an empty write
 * queued behind the frames completes.
 */
export class WriteBatcher {
  /** Sockets corked this turn, each with the `done` of every frame written to it meanwhile. */
  private held = new Map<Duplex, Array<() => void>>();
  private scheduled = false;

  /** Holds `socket`'s writes until the end of this turn of the event loop. */
  hold(socket: Duplex): void {
    this.holding(socket);
  }

  /**
   * Sends the text message `head + body + "}"` on the WebSocket whose network socket is `socket`
   * (held until the end of the turn, like `hold`). The body is a payload shared by every
   * subscriber of an event: copied as bytes, never re-encoded from a string. `done` runs once the
   * frame has been handed to the operating system (or at once if the socket is gone).
   */
  sendText(socket: Duplex, head: Buffer, body: Buffer, done: () => void): void {
    const dones = this.holding(socket);
    if (!dones) return done();
    socket.write(textFrame(head, body));
    dones.push(done);
  }

  /** Releases every held socket now (also called on shutdown). */
  flush(): void {
    this.scheduled = false;
    const held = this.held;
    this.held = new Map();
    for (const [socket, dones] of held) {
      socket.uncork();
      if (dones.length === 0) continue;
      // Writes complete in order: the empty write's callback means everything before it has gone.
      if (socket.writableLength === 0) callAll(dones);
      else socket.write(EMPTY, () => callAll(dones));
    }
  }

  /** The socket's `done`s of this turn, corking it first if it is not held yet; undefined once destroyed. */
  private holding(socket: Duplex): Array<() => void> | undefined {
    let dones = this.held.get(socket);
    if (dones) return dones;
    if (socket.destroyed) return undefined;
    socket.cork();
    this.held.set(socket, (dones = []));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return dones;
  }
}

interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}

/**
 * `ws` exports its frame builder (`WebSocket.Sender`; `Sender.frame` is marked public in its
 * source) but @types/ws does not declare it.
 */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };
/** A final text frame, unmasked (server to client) and uncompressed. */
const TEXT_FRAME: FrameOptions = { fin: true, opcode: 0x1, mask: false, readOnly: false, rsv1: false };
const EMPTY = Buffer.alloc(0);

/**
 * The frame of `head + body + "}"` in one buffer: the header `Sender.frame` builds for the
 * message's length, then the message. One chunk per frame keeps the writev of a turn as short as
 * it can be.
 */
function textFrame(head: Buffer, body: Buffer): Buffer {
  const length = head.length + body.length + 1;
  const header = headerFor(length);
  const frame = Buffer.allocUnsafe(header.length + length);
  header.copy(frame, 0);
  head.copy(frame, header.length);
  body.copy(frame, header.length + head.length);
  frame[frame.length - 1] = 0x7d; // "}"
  return frame;
}

/**
 * Headers by message length. A header depends on the length alone, and the subscribers of one
 * event get messages of one or a few lengths: so `Sender.frame` runs about once per event, not
 * once per frame (its header buffer and result array per frame were most of the garbage a fan-out
 * made). Cleared when it grows past a few hundred lengths.
 */
const headers = new Map<number, Buffer>();

function headerFor(length: number): Buffer {
  let header = headers.get(length);
  if (header) return header;
  if (headers.size >= 256) headers.clear();
  // Sender.frame reads only the length of an unmasked frame's data; it neither copies nor keeps it.
  [header] = Sender.frame(Buffer.alloc(length), TEXT_FRAME);
  headers.set(length, header);
  return header;
}

function callAll(fns: Array<() => void>): void {
  for (const fn of fns) fn();
}
