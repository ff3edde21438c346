import { connect, type Socket } from 'node:net';

/**
 * The least any HTTP client can spend on a round trip: one keep-alive `node:net` socket that writes
 * prebuilt request bytes and waits for `Content-Length` bytes of reply, with no parsing beyond that.
 * The soap-client row shows it beside our client so a slow or busy machine is visible as such.
 */
export class RawHttpRoundTrip {
  #socket: Socket | undefined;
  #pending: { resolve: (reply: Buffer) => void; reject: (err: Error) => void } | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    private readonly url: URL,
    private readonly request: Buffer,
  ) {}

  static build(url: URL, headers: Record<string, string>, body: Buffer): Buffer {
    const lines = Object.entries({ ...headers, host: url.host, 'content-length': String(body.length) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    return Buffer.concat([Buffer.from(`POST ${url.pathname} HTTP/1.1\r\n${lines}\r\n`, 'latin1'), body]);
  }

  async open(): Promise<void> {
    const socket = connect(Number(this.url.port), this.url.hostname);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve).once('error', reject);
    });
    socket.on('data', (d: Buffer) => this.#onData(d));
    socket.on('error', (err) => this.#pending?.reject(err));
    this.#socket = socket;
  }

  /** One round trip; resolves with the raw reply (head and body). */
  send(): Promise<Buffer> {
    const socket = this.#socket;
    if (!socket) throw new Error('RawHttpRoundTrip: open() first');
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      socket.write(this.request);
    });
  }

  close(): void {
    this.#socket?.destroy();
  }

  #onData(d: Buffer): void {
    this.#chunks.push(d);
    this.#size += d.length;
    const all = this.#chunks.length === 1 ? d : Buffer.concat(this.#chunks, this.#size);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(all.subarray(0, end).toString('latin1'))?.[1];
    if (length === undefined) throw new Error('RawHttpRoundTrip: reply without Content-Length');
    if (all.length < end + 4 + Number(length)) return;
    this.#chunks = [];
    this.#size = 0;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(all);
  }
}
