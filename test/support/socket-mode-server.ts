import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIM_APP_ID } from './slack-sim-defaults.js';
import { acceptUpgrade, CLOSE, type WsConnection } from './ws-server.js';

/**
 * A stand-in for Slack's Socket Mode endpoint (the `wss://` URL `apps.connections.open` hands
 * out): it accepts the app's WebSocket, greets it with `hello`, lets a test push envelopes and
 * collects the app's acks. Hand `url` to the Slack simulator (`setSocketModeUrl`).
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelopeId: string;
  /** The ack's `payload`; `{}` for a bare `ack()`. */
  payload: Record<string, unknown> | undefined;
  /** Which accepted connection (1-based, in order of connecting) carried it. */
  connection: number;
  at: number;
}

export interface PushOptions {
  /** Slack sets it for slash commands, view submissions and shortcuts; not for block actions. */
  acceptsResponsePayload?: boolean;
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
}

export interface SocketModeServer {
  /** `ws://127.0.0.1:<port>/link/?ticket=…`; connections to any other path or ticket are refused. */
  url: string;
  /** Connections accepted (and greeted with `hello`) so far. */
  readonly connections: number;
  /** Connections open right now. */
  readonly openConnections: number;
  /**
   * One entry per ended connection, in order: the code of the close frame the app sent (recorded
   * as it arrives), or undefined for a connection that ended without one.
   */
  closeCodes: (number | undefined)[];
  acks: SocketAck[];
  /** Text the app sent that was not an ack (Slack would ignore it; tests expect none). */
  unexpected: string[];
  /** Resolves once `count` connections in all have been accepted. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once no connection is open. */
  waitForNoConnections(timeoutMs?: number): Promise<void>;
  /** Sends an envelope on the newest open connection; returns its envelope_id. */
  push(type: EnvelopeType, payload: Record<string, unknown>, opts?: PushOptions): string;
  /** The ack of `envelopeId`, past or future. */
  ackFor(envelopeId: string, timeoutMs?: number): Promise<SocketAck>;
  /** `push` then `ackFor`. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, opts?: PushOptions): Promise<SocketAck>;
  /** Pings the newest open connection; resolves with the pong's data. */
  ping(data?: string, timeoutMs?: number): Promise<string>;
  /** Slack's routine connection refresh: a `disconnect` message, after which the app reconnects. */
  requestDisconnect(reason?: string): void;
  /** Drops every connection without a closing handshake (a vanished Slack endpoint). */
  dropConnections(): void;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 10_000;

interface Live {
  n: number;
  ws: WsConnection;
  open: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function startSocketModeServer(options: { appId?: string } = {}): Promise<SocketModeServer> {
  const appId = options.appId ?? SIM_APP_ID;
  const ticket = randomBytes(12).toString('hex');
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('upgrade required');
  });
  const live: Live[] = [];
  const acks: SocketAck[] = [];
  const unexpected: string[] = [];
  const closeCodes: (number | undefined)[] = [];
  const pongs: string[] = [];
  let accepted = 0;
  let waiters: Waiter[] = [];

  const poke = (): void => {
    waiters = waiters.filter((w) => {
      if (!w.check()) return true;
      clearTimeout(w.timer);
      w.resolve();
      return false;
    });
  };

  const until = (check: () => boolean, timeoutMs: number, what: string): Promise<void> => {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`socket mode server: ${what} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      waiters.push(waiter);
    });
  };

  const newest = (): Live => {
    const conn = live.findLast((c) => c.open && c.ws.open);
    if (!conn) throw new Error('socket mode server: no open connection');
    return conn;
  };

  /** A connection counts as gone from the app's close frame on, or when TCP ends without one. */
  const ended = (n: number, code: number | undefined): void => {
    const conn = live.find((c) => c.n === n);
    if (!conn?.open) return;
    conn.open = false;
    closeCodes.push(code);
    poke();
  };

  const onText = (connection: number, text: string): void => {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (isRecord(msg) && typeof msg.envelope_id === 'string') {
      acks.push({
        envelopeId: msg.envelope_id,
        payload: isRecord(msg.payload) ? msg.payload : undefined,
        connection,
        at: Date.now(),
      });
    } else unexpected.push(text);
    poke();
  };

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname !== '/link/' || url.searchParams.get('ticket') !== ticket) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const n = accepted + 1;
    const ws = acceptUpgrade(req, socket, head, {
      text: (t) => onText(n, t),
      pong: (data) => {
        pongs.push(data.toString('utf8'));
        poke();
      },
      closeFrame: (code) => ended(n, code),
      closed: () => ended(n, undefined),
    });
    if (!ws) return;
    accepted = n;
    live.push({ n, ws, open: true });
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: live.filter((c) => c.open).length,
        debug_info: { host: 'applink-sim', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: appId },
      }),
    );
    poke();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const push = (type: EnvelopeType, payload: Record<string, unknown>, opts: PushOptions = {}): string => {
    const envelope: SocketEnvelope = {
      envelope_id: opts.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (opts.retryAttempt !== undefined) envelope.retry_attempt = opts.retryAttempt;
    if (opts.retryReason !== undefined) envelope.retry_reason = opts.retryReason;
    newest().ws.sendText(JSON.stringify(envelope));
    return envelope.envelope_id;
  };

  const ackFor = async (envelopeId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<SocketAck> => {
    const find = () => acks.find((a) => a.envelopeId === envelopeId);
    await until(() => find() !== undefined, timeoutMs, `no ack for envelope ${envelopeId}`);
    return find() as SocketAck;
  };

  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}`,
    get connections() {
      return accepted;
    },
    get openConnections() {
      return live.filter((c) => c.open).length;
    },
    closeCodes,
    acks,
    unexpected,
    waitForConnections: (count, timeoutMs = DEFAULT_WAIT_MS) =>
      until(() => accepted >= count, timeoutMs, `fewer than ${count} connections`),
    waitForNoConnections: (timeoutMs = DEFAULT_WAIT_MS) =>
      until(() => live.every((c) => !c.open), timeoutMs, 'connections still open'),
    push,
    ackFor,
    deliver: (type, payload, opts) => ackFor(push(type, payload, opts)),
    async ping(data = `sim-ping-${randomBytes(4).toString('hex')}`, timeoutMs = DEFAULT_WAIT_MS) {
      newest().ws.ping(Buffer.from(data, 'utf8'));
      await until(() => pongs.includes(data), timeoutMs, `no pong for ${data}`);
      return data;
    },
    requestDisconnect(reason = 'refresh_requested') {
      newest().ws.sendText(
        JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-sim' } }),
      );
    },
    dropConnections() {
      for (const c of live) if (c.open) c.ws.terminate();
    },
    async close() {
      for (const c of live) if (c.open) c.ws.close(CLOSE.goingAway, 'server closing');
      await until(() => live.every((c) => !c.open), 2000, 'connections still open').catch(() => {
        for (const c of live) c.ws.terminate();
      });
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('socket mode server closed'));
      }
      waiters = [];
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
