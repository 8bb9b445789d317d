import { connect, createServer, type Server, type Socket } from 'node:net';
import { coalescedWrites } from '../../src/util/coalesced-writes';
import { until } from '../helpers/until';

/**
 * The socket writes of a connection that coalesces: counted where Node's stream hands data to the
 * socket (`_write` for one chunk, `_writev` for several at once: one system call each).
 */
describe('coalescedWrites', () => {
  let server: Server;
  let received = 0;
  const open: Socket[] = [];
  beforeAll(async () => {
    server = createServer((s) => {
      open.push(s);
      s.on('data', (d: Buffer) => (received += d.length));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function client(): Promise<{ socket: Socket; sends: () => number }> {
    const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
    open.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let sends = 0;
    const s = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    const write = s._write.bind(socket);
    const writev = s._writev.bind(socket);
    s._write = (...a) => (sends++, write(...a));
    s._writev = (...a) => (sends++, writev(...a));
    return { socket, sends: () => sends };
  }

  test('writes issued in one turn leave in one send at the end of the turn, in order', async () => {
    const { socket, sends } = await client();
    const writes = coalescedWrites({ status: 'ready', stream: socket });
    const before = received;
    for (let i = 0; i < 40; i++) {
      writes.beforeCommand();
      socket.write(`command ${String(i).padStart(2, '0')}\n`);
    }
    expect(sends()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends()).toBe(1);
    await until(() => received - before === 40 * 11, 'the server received all 40 commands');
    // The next turn starts a new batch.
    writes.beforeCommand();
    socket.write('one more\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends()).toBe(2);
  });

  test("flush sends what is held at once; the turn's later writes leave together at its end", async () => {
    const { socket, sends } = await client();
    const writes = coalescedWrites({ status: 'ready', stream: socket });
    const before = received;
    for (let i = 0; i < 3; i++) {
      writes.beforeCommand();
      socket.write(`held ${i}\n`);
    }
    writes.flush();
    expect(sends()).toBe(1);
    expect(socket.writableCorked).toBe(0);
    for (let i = 0; i < 3; i++) {
      writes.beforeCommand();
      socket.write(`later ${i}\n`);
    }
    expect(sends()).toBe(1);
    writes.flush();
    writes.flush(); // nothing held: nothing sent
    expect(sends()).toBe(2);
    writes.beforeCommand();
    socket.write('last\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sends()).toBe(3);
    expect(socket.writableCorked).toBe(0);
    await until(() => received - before === 3 * 7 + 3 * 8 + 5, 'the server received every write');
  });

  test('without it, each write is a send of its own', async () => {
    const { socket, sends } = await client();
    for (let i = 0; i < 40; i++) socket.write(`command ${i}\n`);
    expect(sends()).toBeGreaterThan(1);
  });

  test('does nothing for a client that is not connected', async () => {
    const { socket, sends } = await client();
    const writes = coalescedWrites({ status: 'reconnecting', stream: socket });
    writes.beforeCommand();
    socket.write('x\n');
    expect(socket.writableCorked).toBe(0);
    expect(sends()).toBe(1);
    coalescedWrites({ status: 'ready' }).beforeCommand();
  });
});
