import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptKey,
  acceptUpgrade,
  CLOSE,
  decodeClientFrame,
  encodeFrame,
  OP,
  type WsConnection,
} from './ws-server.js';

/** A client frame as RFC 6455 requires it: masked with a 4-byte key. */
function clientFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; mask?: Buffer } = {}): Buffer {
  const mask = opts.mask ?? randomBytes(4);
  const framed = encodeFrame(opcode, payload, opts.fin ?? true);
  const headLen = framed.length - payload.length;
  const head = Buffer.from(framed.subarray(0, headLen));
  head[1] = (head[1] ?? 0) | 0x80;
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] = (masked[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return Buffer.concat([head, mask, masked]);
}

interface Peer {
  conn: WsConnection;
  texts: string[];
  pongs: string[];
  closed: { code: number | undefined } | undefined;
}

let server: Server;
let port: number;
const peers: Peer[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket, head) => {
    const peer: Peer = { conn: undefined as never, texts: [], pongs: [], closed: undefined };
    const conn = acceptUpgrade(req, socket, head, {
      text: (t) => peer.texts.push(t),
      pong: (d) => peer.pongs.push(d.toString('utf8')),
      closed: (code) => {
        peer.closed = { code };
      },
    });
    if (conn) {
      peer.conn = conn;
      peers.push(peer);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function until<T>(fn: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`not in time: ${what}`);
}

/** A raw TCP client that has completed the opening handshake; collects what the server sends. */
async function rawClient(): Promise<{
  sock: Socket;
  received: () => Buffer;
  ended: () => boolean;
  peer: Peer;
}> {
  const before = peers.length;
  const sock = connect(port, '127.0.0.1');
  let data = Buffer.alloc(0);
  let ended = false;
  sock.on('data', (c: Buffer) => {
    data = Buffer.concat([data, c]);
  });
  sock.on('close', () => {
    ended = true;
  });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(
    'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  await until(() => (data.includes('\r\n\r\n') ? true : undefined), 'handshake');
  const end = data.indexOf('\r\n\r\n') + 4;
  const head = data.subarray(0, end).toString('latin1');
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  // The worked example of RFC 6455 §1.3.
  expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  data = data.subarray(end);
  const peer = await until(() => peers[before], 'server side');
  return { sock, received: () => data, ended: () => ended, peer };
}

/** Server frames in `buf` (unmasked). */
function serverFrames(buf: Buffer): { opcode: number; payload: Buffer }[] {
  const out: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= buf.length) {
    expect((buf[at + 1] ?? 0) & 0x80).toBe(0);
    let len = (buf[at + 1] ?? 0) & 0x7f;
    let off = at + 2;
    if (len === 126) {
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    if (off + len > buf.length) break;
    out.push({ opcode: (buf[at] ?? 0) & 0x0f, payload: buf.subarray(off, off + len) });
    at = off + len;
  }
  return out;
}

describe('minimal WebSocket server', () => {
  it('computes Sec-WebSocket-Accept as RFC 6455 §1.3 shows', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('decodes any masked client frame, and nothing from a strict prefix of it', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000, size: 'max' }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.constantFrom(OP.text, OP.binary, OP.continuation),
        fc.boolean(),
        (payload, mask, opcode, fin) => {
          const frame = clientFrame(opcode, Buffer.from(payload), { fin, mask: Buffer.from(mask) });
          const got = decodeClientFrame(Buffer.concat([frame, Buffer.from([0x81])]));
          expect(got?.used).toBe(frame.length);
          expect(got?.frame.opcode).toBe(opcode);
          expect(got?.frame.fin).toBe(fin);
          expect(got?.frame.payload.equals(Buffer.from(payload))).toBe(true);
          for (const cut of [0, 1, 2, 5, frame.length - 1]) {
            if (cut < frame.length) expect(decodeClientFrame(frame.subarray(0, cut))).toBeUndefined();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('talks to undici’s WebSocket both ways at every length encoding, fragmented or not', async () => {
    const before = peers.length;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/link/`);
    const got: string[] = [];
    ws.addEventListener('message', (e) => got.push(String(e.data)));
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve());
      ws.addEventListener('error', () => reject(new Error('ws error')));
    });
    const peer = await until(() => peers[before], 'server side');
    const texts = ['hi', 'é'.repeat(100), 'x'.repeat(300), `{"a":"${'y'.repeat(70_000)}"}`];
    for (const t of texts) ws.send(t);
    await until(() => (peer.texts.length === texts.length ? true : undefined), 'client texts');
    expect(peer.texts).toEqual(texts);

    for (const t of texts) peer.conn.sendText(t);
    peer.conn.sendFragmented('fragmented ✓ message', 3);
    await until(() => (got.length === texts.length + 1 ? true : undefined), 'server texts');
    expect(got).toEqual([...texts, 'fragmented ✓ message']);

    // undici answers a ping with a pong carrying the same data.
    peer.conn.ping(Buffer.from('are you there'));
    await until(() => (peer.pongs.includes('are you there') ? true : undefined), 'pong');

    // A client close is echoed and the connection ends.
    const closed = new Promise<number>((r) => ws.addEventListener('close', (e) => r(e.code)));
    ws.close(1000, 'bye');
    expect(await closed).toBe(1000);
    await until(() => peer.closed, 'server saw the close');
    expect(peer.closed?.code).toBe(1000);
    expect(peer.conn.open).toBe(false);
  });

  it('answers pings, joins masked fragments, and closes on protocol errors with the right code', async () => {
    const a = await rawClient();
    a.sock.write(clientFrame(OP.ping, Buffer.from('p1')));
    a.sock.write(clientFrame(OP.text, Buffer.from('hel'), { fin: false }));
    // A control frame may sit between fragments (§5.4).
    a.sock.write(clientFrame(OP.ping, Buffer.from('p2')));
    a.sock.write(clientFrame(OP.continuation, Buffer.from('lo'), { fin: true }));
    await until(() => (a.peer.texts.length === 1 ? true : undefined), 'joined text');
    expect(a.peer.texts).toEqual(['hello']);
    const pongs = serverFrames(a.received()).filter((f) => f.opcode === OP.pong);
    expect(pongs.map((f) => f.payload.toString())).toEqual(['p1', 'p2']);
    expect(a.peer.conn.pingsAnswered).toBe(2);

    // An unmasked client frame is a protocol error: close 1002, then TCP ends.
    a.sock.write(encodeFrame(OP.text, Buffer.from('naked')));
    await until(() => (a.ended() ? true : undefined), 'connection ended');
    const close = serverFrames(a.received()).find((f) => f.opcode === OP.close);
    expect(close?.payload.readUInt16BE(0)).toBe(CLOSE.protocolError);

    const b = await rawClient();
    b.sock.write(clientFrame(OP.text, Buffer.from([0xc3, 0x28])));
    await until(() => (b.ended() ? true : undefined), 'connection ended');
    expect(
      serverFrames(b.received())
        .find((f) => f.opcode === OP.close)
        ?.payload.readUInt16BE(0),
    ).toBe(CLOSE.invalidPayload);
    expect(b.peer.texts).toEqual([]);

    // A close from the client is echoed with its code.
    const c = await rawClient();
    const code = Buffer.alloc(2);
    code.writeUInt16BE(4001, 0);
    c.sock.write(clientFrame(OP.close, code));
    await until(() => (c.ended() ? true : undefined), 'connection ended');
    expect(
      serverFrames(c.received())
        .find((f) => f.opcode === OP.close)
        ?.payload.readUInt16BE(0),
    ).toBe(4001);
    expect(c.peer.closed?.code).toBe(4001);
  });

  it('refuses a request that is not a WebSocket handshake', async () => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (c: Buffer) => {
      data += c.toString('latin1');
    });
    sock.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await until(() => (data.includes('\r\n\r\n') ? true : undefined), 'answer');
    expect(data).toMatch(/^HTTP\/1\.1 400 /);
    sock.destroy();
  });
});
