import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import net from 'node:net';

/**
 * A minimal WebSocket client (RFC 6455) for the subscriptions bench: the HTTP upgrade, masked
 * text and control frames out, unmasked frames in. Nothing else.
 *
 * Why not `ws`: the bench runs 1,000 clients in one process on the same 2 cores as the gateway
 * replicas it measures, and the whole burst of every client passes through this one thread, so
 * what the clients spend per message is added to the latency they report. `ws` parses each frame
 * through a Writable stream and an event per message; this reads with net's `onread` into one
 * buffer shared by every client (no stream, no allocation per read), parses the bytes of a read
 * in one loop and hands each text frame to `onText` as a range of that buffer, with the time of
 * the read (no allocation per frame). Masks for the few frames it sends come from a pool of
 * random bytes (one crypto call per thousand frames: 1,000 pongs at once stay cheap).
 * The gateway and the tests use `ws` and graphql-ws; this is only the measuring instrument.
 *
 * Limits, on purpose: no extensions (no permessage-deflate is offered), no fragmented messages
 * (the gateway never fragments; one is reported through `onProtocolError`), payloads under 4 GiB.
 */
export interface LeanWsHandlers {
  /** The upgrade succeeded (status 101, valid Sec-WebSocket-Accept, the subprotocol agreed). */
  onOpen(): void;
  /** One text frame's payload, `data[start, end)` (the read buffer: copy what you keep), and when it was read. */
  onText(data: Buffer, start: number, end: number, readAt: number): void;
  /** The server sent a close frame, the socket ended or failed; `code` is the close code if any. */
  onClose(code: number | undefined, reason: string): void;
  /** A frame this client does not handle, or a failed upgrade. The socket is destroyed. */
  onProtocolError(message: string): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * Every client's reads land here. Safe to share: a read is handled to its end before the next
 * one starts (one thread), and nothing keeps a view of it (an incomplete frame is copied).
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const MASKS = randomBytes(4096);
let maskAt = 0;

export class LeanWebSocket {
  /** Socket reads that carried data, over all clients (the bench prints frames per read). */
  static reads = 0;
  private readonly socket: net.Socket;
  private pending: Buffer | undefined;
  private open = false;
  private closed = false;
  /** The Sec-WebSocket-Accept the server must answer with. */
  private readonly accept: string;

  constructor(
    url: string,
    private readonly protocol: string,
    private readonly on: LeanWsHandlers,
  ) {
    const { hostname, port, pathname } = new URL(url);
    const key = randomBytes(16).toString('base64');
    this.accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    this.socket = net.connect({
      host: hostname,
      port: Number(port),
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (nread: number, buffer: Uint8Array) => {
          this.read(Buffer.from(buffer.buffer, buffer.byteOffset, nread));
          return true; // keep reading
        },
      },
    });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
      );
    });
    this.socket.on('error', () => undefined); // followed by 'close'
    this.socket.on('close', () => this.closing(undefined, 'socket closed'));
  }

  /** Handles one socket read (a view of READ_BUFFER, valid only during the call). */
  private read(chunk: Buffer): void {
    const readAt = Date.now();
    LeanWebSocket.reads += 1;
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (!this.open) this.upgrade(data, readAt);
    else this.frames(data, 0, readAt);
  }

  /** Sends one text frame. */
  send(text: string): void {
    this.write(OP_TEXT, Buffer.from(text));
  }

  /** Sends a close frame with `code` and ends the socket; resolves when it is closed. */
  close(code = 1000): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      const body = Buffer.alloc(2);
      body.writeUInt16BE(code, 0);
      this.closed = true; // our own close: not reported
      this.write(OP_CLOSE, body);
      this.socket.end();
    });
  }

  private upgrade(data: Buffer, readAt: number): void {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      this.pending = Buffer.from(data); // a copy: `data` may be the shared read buffer
      return;
    }
    const head = data.toString('latin1', 0, end).split('\r\n');
    const headers = new Map(head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    if (!/^HTTP\/1\.1 101 /.test(head[0]) || headers.get('sec-websocket-accept') !== this.accept || headers.get('sec-websocket-protocol') !== this.protocol) {
      this.fail(`upgrade refused: ${head[0]}`);
      return;
    }
    this.open = true;
    this.on.onOpen();
    if (end + 4 < data.length) this.frames(data, end + 4, readAt);
  }

  /** Handles every complete frame in `data` from `at`; keeps an incomplete tail for the next read. */
  private frames(data: Buffer, at: number, readAt: number): void {
    while (at < data.length && !this.socket.destroyed) {
      if (data.length - at < 2) break;
      const b0 = data[at];
      const b1 = data[at + 1];
      if (b1 & 0x80 || (b0 & 0x70) !== 0) return this.fail('masked or extended frame from the server');
      let len = b1 & 0x7f;
      let start = at + 2;
      if (len === 126) {
        if (data.length - at < 4) break;
        len = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (len === 127) {
        if (data.length - at < 10) break;
        if (data.readUInt32BE(at + 2) !== 0) return this.fail('frame over 4 GiB');
        len = data.readUInt32BE(at + 6);
        start = at + 10;
      }
      if (data.length - start < len) break;
      const opcode = b0 & 0x0f;
      if (!(b0 & 0x80)) return this.fail('fragmented message');
      if (opcode === OP_TEXT) this.on.onText(data, start, start + len, readAt);
      else if (opcode === OP_PING) this.write(OP_PONG, data.subarray(start, start + len));
      else if (opcode === OP_CLOSE) {
        const payload = data.subarray(start, start + len);
        const code = len >= 2 ? payload.readUInt16BE(0) : undefined;
        const reason = len > 2 ? payload.toString('utf8', 2) : '';
        this.closing(code, reason);
        if (!this.socket.destroyed) {
          this.write(OP_CLOSE, payload.subarray(0, 2));
          this.socket.end();
        }
        return;
      } else if (opcode !== OP_PONG) return this.fail(`unexpected opcode ${opcode}`);
      at = start + len;
    }
    if (at < data.length) this.pending = Buffer.from(data.subarray(at)); // a copy: `data` may be the shared read buffer
  }

  /** Writes one masked frame (clients must mask, RFC 6455 section 5.3). */
  private write(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const len = payload.length;
    const size = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(size + 4 + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) frame[1] = 0x80 | len;
    else if (len < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(0, 2);
      frame.writeUInt32BE(len, 6);
    }
    if (maskAt + 4 > MASKS.length) {
      randomFillSync(MASKS);
      maskAt = 0;
    }
    const mask = MASKS.subarray(maskAt, (maskAt += 4));
    mask.copy(frame, size);
    for (let i = 0; i < len; i++) frame[size + 4 + i] = payload[i] ^ mask[i & 3];
    this.socket.write(frame);
  }

  private fail(message: string): void {
    if (this.closed) return;
    this.closed = true;
    this.on.onProtocolError(message);
    this.socket.destroy();
  }

  private closing(code: number | undefined, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.on.onClose(code, reason);
  }
}
