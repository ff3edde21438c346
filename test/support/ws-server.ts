import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The server side of RFC 6455, just enough for JSON text messages: the opening handshake,
 * masked client frames (fragmented or not, any length), unmasked server frames, ping/pong and the
 * closing handshake. No extensions (permessage-deflate is declined by not echoing it).
 * Neither undici nor Node 20 ships a WebSocket server, and tests must not need the `ws` package.
 */

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Enough for any Slack ack; a peer sending more is broken and gets 1009. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  tooBig: 1009,
} as const;

export function acceptKey(key: string): string {
  return createHash('sha1').update(`${key}${ACCEPT_GUID}`).digest('base64');
}

/** A server frame: FIN set, never masked (RFC 6455 §5.1). */
export function encodeFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len <= 0xffff ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) head[1] = len;
  else if (len <= 0xffff) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export class FrameError extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * Reads one client frame from the front of `buf`; undefined while incomplete. Client frames must
 * be masked (§5.1), control frames short and unfragmented (§5.5), reserved bits clear (§5.2).
 */
export function decodeClientFrame(buf: Buffer): { frame: Frame; used: number } | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  if ((b0 & 0x70) !== 0) throw new FrameError(CLOSE.protocolError, 'reserved bits set');
  const fin = (b0 & 0x80) !== 0;
  const opcode = b0 & 0x0f;
  if (![0x0, 0x1, 0x2, 0x8, 0x9, 0xa].includes(opcode))
    throw new FrameError(CLOSE.protocolError, `unknown opcode ${opcode}`);
  if ((b1 & 0x80) === 0) throw new FrameError(CLOSE.protocolError, 'client frame not masked');
  let len = b1 & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE_BYTES)) throw new FrameError(CLOSE.tooBig, 'frame too large');
    len = Number(big);
    offset = 10;
  }
  if (opcode >= 0x8 && (len > 125 || !fin)) throw new FrameError(CLOSE.protocolError, 'bad control frame');
  if (len > MAX_MESSAGE_BYTES) throw new FrameError(CLOSE.tooBig, 'frame too large');
  if (buf.length < offset + 4 + len) return undefined;
  const mask = buf.subarray(offset, offset + 4);
  const payload = Buffer.from(buf.subarray(offset + 4, offset + 4 + len));
  for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return { frame: { fin, opcode, payload }, used: offset + 4 + len };
}

export interface WsHandlers {
  text?(data: string): void;
  pong?(data: Buffer): void;
  /** The peer's close frame, as it arrives (before TCP ends); `code` undefined when it had none. */
  closeFrame?(code: number | undefined, reason: string): void;
  /** Once, when the TCP connection is gone; `code` is the peer's close code if it sent one. */
  closed?(code: number | undefined, reason: string): void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One accepted WebSocket connection on the server side. */
export class WsConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private fragmentOpcode: number | undefined;
  private closeSent = false;
  private peerCode: number | undefined;
  private peerReason = '';
  private ended = false;
  /** Pings the client answers automatically (RFC 6455 §5.5.2); counted for tests. */
  pingsAnswered = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly handlers: WsHandlers,
    head: Buffer = Buffer.alloc(0),
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Frames that arrived with the handshake; read after the caller holds this connection.
    if (head.length > 0) process.nextTick(() => this.onData(head));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.ended) return;
      this.ended = true;
      handlers.closed?.(this.peerCode, this.peerReason);
    });
  }

  get open(): boolean {
    return !this.ended && !this.closeSent;
  }

  sendText(text: string): void {
    if (!this.open) throw new Error('WebSocket is not open');
    this.socket.write(encodeFrame(OP.text, Buffer.from(text, 'utf8')));
  }

  /** A text message split into `parts` continuation frames, as a peer is allowed to send it. */
  sendFragmented(text: string, parts: number): void {
    if (!this.open) throw new Error('WebSocket is not open');
    const bytes = Buffer.from(text, 'utf8');
    const size = Math.ceil(bytes.length / parts);
    for (let i = 0; i < parts; i++) {
      const chunk = bytes.subarray(i * size, (i + 1) * size);
      this.socket.write(encodeFrame(i === 0 ? OP.text : OP.continuation, chunk, i === parts - 1));
    }
  }

  ping(data: Buffer = Buffer.alloc(0)): void {
    if (!this.open) throw new Error('WebSocket is not open');
    this.socket.write(encodeFrame(OP.ping, data));
  }

  /** Starts the closing handshake; the TCP connection ends when the client answers. */
  close(code: number = CLOSE.normal, reason = ''): void {
    if (this.ended || this.closeSent) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2, 'utf8');
    this.socket.write(encodeFrame(OP.close, payload));
  }

  /** Drops the TCP connection without a closing handshake (a crashed or vanished server). */
  terminate(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      for (;;) {
        const next = decodeClientFrame(this.buffered);
        if (!next) return;
        this.buffered = this.buffered.subarray(next.used);
        this.onFrame(next.frame);
        if (this.ended) return;
      }
    } catch (err) {
      const code = err instanceof FrameError ? err.closeCode : CLOSE.protocolError;
      this.fail(code, err instanceof Error ? err.message : 'protocol error');
    }
  }

  private onFrame({ fin, opcode, payload }: Frame): void {
    switch (opcode) {
      case OP.ping:
        if (!this.closeSent) this.socket.write(encodeFrame(OP.pong, payload));
        this.pingsAnswered += 1;
        return;
      case OP.pong:
        this.handlers.pong?.(payload);
        return;
      case OP.close:
        this.onClose(payload);
        return;
      case OP.continuation:
        if (this.fragmentOpcode === undefined)
          throw new FrameError(CLOSE.protocolError, 'stray continuation');
        this.addFragment(payload);
        if (fin) this.finishMessage();
        return;
      default:
        if (this.fragmentOpcode !== undefined)
          throw new FrameError(CLOSE.protocolError, 'new message inside a fragmented one');
        this.fragmentOpcode = opcode;
        this.addFragment(payload);
        if (fin) this.finishMessage();
    }
  }

  private addFragment(payload: Buffer): void {
    this.fragmentBytes += payload.length;
    if (this.fragmentBytes > MAX_MESSAGE_BYTES) throw new FrameError(CLOSE.tooBig, 'message too large');
    this.fragments.push(payload);
  }

  private finishMessage(): void {
    const opcode = this.fragmentOpcode;
    const data = Buffer.concat(this.fragments);
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmentOpcode = undefined;
    if (opcode !== OP.text) throw new FrameError(CLOSE.unsupportedData, 'binary messages are not expected');
    let text: string;
    try {
      text = utf8.decode(data);
    } catch {
      throw new FrameError(CLOSE.invalidPayload, 'text message is not UTF-8');
    }
    this.handlers.text?.(text);
  }

  private onClose(payload: Buffer): void {
    if (payload.length === 1) throw new FrameError(CLOSE.protocolError, 'close payload of one byte');
    if (payload.length >= 2) {
      this.peerCode = payload.readUInt16BE(0);
      this.peerReason = payload.subarray(2).toString('utf8');
    }
    this.handlers.closeFrame?.(this.peerCode, this.peerReason);
    if (!this.closeSent) {
      // Echo the code, as §5.5.1 asks, then the server is the side that closes TCP (§7.1.1).
      this.closeSent = true;
      const echo = payload.length >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0);
      this.socket.end(encodeFrame(OP.close, echo));
    } else this.socket.end();
  }

  private fail(code: number, reason: string): void {
    if (!this.closeSent) {
      this.closeSent = true;
      const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
      payload.writeUInt16BE(code, 0);
      payload.write(reason, 2, 'utf8');
      this.socket.end(encodeFrame(OP.close, payload));
    } else this.socket.destroy();
  }
}

/**
 * Completes the opening handshake for an HTTP `upgrade` event, or answers 400 and returns
 * undefined. `head` is whatever the client sent after its headers (already frames).
 */
export function acceptUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handlers: WsHandlers,
): WsConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  const connection = (req.headers.connection ?? '').toLowerCase();
  const valid =
    req.method === 'GET' &&
    upgrade === 'websocket' &&
    connection.split(',').some((t) => t.trim() === 'upgrade') &&
    req.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    Buffer.from(key, 'base64').length === 16;
  if (!valid) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return undefined;
  }
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
      '',
      '',
    ].join('\r\n'),
  );
  return new WsConnection(socket, handlers, head);
}
