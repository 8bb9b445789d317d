import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { WriteBatcher } from '../../../src/events/fanout/write-batching';
import { nextTurn, until } from '../../helpers/until';

/**
 * Real ws server and client on port 0. The server side's network socket (the upgrade request's
 * socket, the one `ws` writes to) is instrumented (its own _write/_writev are wrapped to count
 * calls) to see how many writes the frames took.
 */

let wss: WebSocketServer;
let url = '';
const open: WebSocket[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const ws of open) ws.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

/** A connected pair: the server's WebSocket, its network socket (writes counted) and what the client received. */
async function pair(): Promise<{ server: WebSocket; client: WebSocket; socket: Duplex; writes: () => number; received: string[] }> {
  const serverSide = new Promise<[WebSocket, Duplex]>((r) => wss.once('connection', (ws, request) => r([ws, request.socket])));
  const client = new WebSocket(url);
  open.push(client);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise<void>((r) => client.once('open', () => r()));
  const [server, socket] = await serverSide;
  open.push(server);
  const raw = socket as Duplex & Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  let writes = 0;
  for (const m of ['_write', '_writev'] as const) {
    const original = raw[m].bind(raw);
    raw[m] = (...args: unknown[]) => {
      writes += 1;
      return original(...args);
    };
  }
  return { server, client, socket, writes: () => writes, received };
}

test('frames sent in one turn to a held socket go out in one write', async () => {
  const { server, socket, writes, received } = await pair();
  const batcher = new WriteBatcher();
  for (const m of ['a', 'b', 'c']) {
    batcher.hold(socket);
    server.send(m);
  }
  await until(() => received.length === 3, 'three frames');
  expect(received).toEqual(['a', 'b', 'c']);
  expect(writes()).toBe(1);
});

test('without holding, each frame is its own write', async () => {
  const { server, writes, received } = await pair();
  for (const m of ['a', 'b', 'c']) server.send(m);
  await until(() => received.length === 3, 'three frames');
  expect(writes()).toBe(3);
});

describe('sendText', () => {
  const head = Buffer.from('{"id":"1","type":"next","payload":');

  test.each([
    ['a 7-bit length', 10],
    ['a 16-bit length', 1000],
    ['a 64-bit length', 70_000],
  ])('writes a text frame with %s that a ws client reads as head + body + "}"', async (_what, size) => {
    const { socket, received } = await pair();
    const body = Buffer.from(JSON.stringify({ data: { s: 'é'.repeat(size) } })); // multi-byte UTF-8 too
    let done = 0;
    new WriteBatcher().sendText(socket, head, body, () => (done += 1));
    await until(() => received.length === 1, 'the frame');
    expect(done).toBe(1); // handed to the operating system before the client could read it
    expect(received[0]).toBe(`${head.toString()}${body.toString()}}`);
    expect(JSON.parse(received[0]).payload.data.s).toHaveLength(size);
  });

  test("keeps call order with ws's own sends in the same turn, and the turn is still one write", async () => {
    const { server, socket, writes, received } = await pair();
    const batcher = new WriteBatcher();
    batcher.sendText(socket, head, Buffer.from('{"n":1}'), () => undefined);
    server.send('{"id":"1","type":"complete"}');
    batcher.sendText(socket, head, Buffer.from('{"n":2}'), () => undefined);
    await until(() => received.length === 3, 'three frames');
    expect(received).toEqual([`${head.toString()}{"n":1}}`, '{"id":"1","type":"complete"}', `${head.toString()}{"n":2}}`]);
    expect(writes()).toBe(1);
  });

  test('a frame is done once the operating system has it: at the end of its turn, or when a backlog ahead of it drains', async () => {
    const { client, socket, received } = await pair();
    client.pause(); // the client stops reading: the kernel's buffers fill, then Node's
    const batcher = new WriteBatcher();
    const body = Buffer.from(JSON.stringify({ s: 'x'.repeat(64 * 1024) }));
    let sent = 0;
    let done = 0;
    while (socket.writableLength === 0) {
      if (sent >= 2000) throw new Error('the socket never backed up');
      batcher.sendText(socket, head, body, () => (done += 1));
      sent += 1;
      await nextTurn(); // the batcher's flush runs first: it was scheduled first
    }
    expect(done).toBe(sent - 1); // every turn before the last was taken whole
    client.resume();
    await until(() => done === sent, 'the last frame to be done once the backlog drained');
    await until(() => received.length === sent, 'the client to read every frame');
  });
});
