import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { SIM_DEFAULTS } from './ips-sim-fixtures.js';
import { OPERATIONS } from './ips-sim-ops.js';
import { KNOWN_OPERATIONS, readRequest, type SimRequest } from './ips-sim-request.js';
import {
  contentTypeOf,
  type EnvelopeKind,
  faultDocument,
  SimFault,
  successDocument,
} from './ips-sim-soap.js';
import type {
  IpsSimulator,
  IpsSimulatorOptions,
  RecordedCall,
  SimCompany,
  SimFailure,
  SimUser,
} from './ips-sim-types.js';
import { addCompany, addUser, authenticate, createWorld, type SimWorld } from './ips-sim-world.js';

/**
 * A local IPS SOAP double on 127.0.0.1 (reference: ips-api.md sections 1–5, 8–10). Written independently of
 * `src/ips` so that it checks the client rather than mirroring it. Per-request work is one tag scan, one
 * small fast-xml-parser pass and string building.
 */

export { SIM_DEFAULTS } from './ips-sim-fixtures.js';
export type {
  IpsSimulator,
  IpsSimulatorOptions,
  RecordedCall,
  SimCompany,
  SimFailure,
  SimMember,
  SimUser,
} from './ips-sim-types.js';

const SOAP_PATH = '/scene7/services/IpsApiService';
const POX_PATH = '/scene7/api/IpsApiService';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const DEFAULT_HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>';

interface FailureRule {
  remaining: number;
  failure: SimFailure;
  operation: string | undefined;
}

class RequestTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The operation a SOAPAction names: the value itself, or its last `/`, `#` or `:` segment for URI forms. */
function actionName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
  if (v === '') return undefined;
  return v.split(/[/#:]/).pop() || v;
}

/** SOAP 1.1 sends SOAPAction; SOAP 1.2 puts `action=` in the Content-Type. */
function soapActionOf(req: IncomingMessage): string | undefined {
  const header = req.headers.soapaction;
  if (typeof header === 'string') return header;
  const m = /;\s*action\s*=\s*("[^"]*"|[^;\s]+)/i.exec(req.headers['content-type'] ?? '');
  return m?.[1];
}

function acceptsGzip(req: IncomingMessage): boolean {
  const ae = req.headers['accept-encoding'];
  return typeof ae === 'string' && /(?:^|,)\s*(?:gzip|\*)\s*(?:,|$|;\s*q=(?!0(?:\.0*)?\s*(?:,|$)))/i.test(ae);
}

function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const enc = req.headers['content-encoding']?.toLowerCase();
  if (enc === 'gzip') return gunzipSync(raw);
  if (enc === 'deflate') return inflateSync(raw);
  return raw;
}

function faultStatus(req: SimRequest | undefined): number {
  const v = Number(req?.auth.faultHttpStatusCode);
  return Number.isInteger(v) && v >= 100 && v <= 599 ? v : 500;
}

class Simulator implements IpsSimulator {
  readonly url: string;
  readonly poxUrl: string;
  readonly origin: string;
  readonly calls: RecordedCall[] = [];
  connections = 0;

  private readonly world: SimWorld;
  private readonly gzip: boolean;
  private latencyMs: number;
  private rules: FailureRule[] = [];
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly server: ReturnType<typeof createServer>,
    port: number,
    options: IpsSimulatorOptions,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}${SOAP_PATH}`;
    this.poxUrl = `${this.origin}${POX_PATH}`;
    this.world = createWorld(
      options.companies ?? SIM_DEFAULTS.companies,
      options.users ?? SIM_DEFAULTS.users,
      options.estimatedSeconds ?? 5,
    );
    this.gzip = options.gzip ?? true;
    this.latencyMs = options.latencyMs ?? 0;
    server.on('connection', () => {
      this.connections++;
    });
  }

  failNext(n: number, failure: SimFailure, operation?: string): void {
    if (n > 0) this.rules.push({ remaining: n, failure, operation });
  }

  failUrl(url: string, code = 30001): void {
    this.world.failingUrls.set(url, code);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  setEstimatedSeconds(s: number): void {
    this.world.estimatedSeconds = s;
  }

  addCompany(c: SimCompany): void {
    addCompany(this.world, c);
  }

  addUser(u: SimUser): void {
    addUser(this.world, u);
  }

  reset(): void {
    this.calls.length = 0;
    this.rules = [];
    this.world.failingUrls.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }

  private takeFailure(operation: string): SimFailure | undefined {
    const i = this.rules.findIndex((r) => r.operation === undefined || r.operation === operation);
    const rule = this.rules[i];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules.splice(i, 1);
    return rule.failure;
  }

  private wait(): Promise<void> {
    if (this.latencyMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, this.latencyMs);
      this.timers.add(t);
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const expect = path === SOAP_PATH ? 'soap' : path === POX_PATH ? 'pox' : undefined;
    if (!expect) {
      this.send(req, res, 404, 'Not Found', 'text/plain', false);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      this.send(req, res, 405, 'Method Not Allowed', 'text/plain', false);
      return;
    }
    const at = Date.now();
    let raw: Buffer;
    try {
      raw = decodeBody(req, await readBody(req));
    } catch (err) {
      this.send(req, res, err instanceof RequestTooLarge ? 413 : 400, 'Bad Request', 'text/plain', false);
      return;
    }

    const soapAction = expect === 'soap' ? soapActionOf(req) : undefined;
    const action = actionName(soapAction);
    const contentType = req.headers['content-type'] ?? '';
    let envelope: EnvelopeKind =
      expect === 'pox' ? 'pox' : /application\/soap\+xml/i.test(contentType) ? 'soap12' : 'soap11';
    let request: SimRequest | undefined;
    let fault: SimFault | undefined;
    try {
      request = readRequest(utf8.decode(raw), expect);
      envelope = request.envelope;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      fault = err instanceof SimFault ? err : new SimFault(30003, `Invalid request XML: ${message}`);
    }

    const operation = request?.operation ?? (action && KNOWN_OPERATIONS.has(action) ? action : '');
    const call: RecordedCall = { operation, soapAction, httpStatus: 0, at, envelope };
    if (request) {
      call.bodyNamespace = request.bodyNamespace;
      if (request.authNamespace !== undefined) call.authNamespace = request.authNamespace;
      if (request.auth.user !== undefined) call.user = request.auth.user;
      if (request.auth.appName !== undefined) call.appName = request.auth.appName;
      const handle = request.params.companyHandle;
      if (typeof handle === 'string') call.companyHandle = handle;
      if (request.urls) call.urls = request.urls;
    }
    this.calls.push(call);

    const failure = this.takeFailure(operation);
    if (failure?.kind === 'hang') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    await this.wait();
    if (this.closed) {
      res.socket?.destroy();
      return;
    }
    const gzip = this.gzip && acceptsGzip(req) && request?.auth.gzipResponse !== 'false';

    if (failure?.kind === 'reset') {
      // RST rather than FIN: the client sees ECONNRESET, as when a load balancer drops the connection.
      req.socket.resetAndDestroy();
      return;
    }
    if (failure?.kind === 'http') {
      call.httpStatus = failure.status;
      const html = failure.body === undefined && failure.contentType === undefined;
      this.send(
        req,
        res,
        failure.status,
        failure.body ?? DEFAULT_HTML_PAGE,
        failure.contentType ?? (html ? 'text/html; charset=iso-8859-1' : 'text/plain'),
        gzip,
      );
      return;
    }
    if (failure?.kind === 'fault') fault = new SimFault(failure.code, failure.reason, failure.fault);

    let response: { status: number; body: string } | undefined;
    if (!fault && request) {
      try {
        response = this.answer(request, action, req.headers.authorization, at, call);
      } catch (err) {
        if (!(err instanceof SimFault)) throw err;
        fault = err;
      }
    }
    if (fault || !response) {
      const f = fault ?? new SimFault(30000, 'Internal error');
      call.faultCode = f.code;
      response = { status: faultStatus(request), body: faultDocument(envelope, f) };
    }
    call.httpStatus = response.status;
    this.send(req, res, response.status, response.body, contentTypeOf(envelope), gzip);
  }

  /** Checks in the order IPS is described to: SOAPAction, credentials, then the operation's own rules. */
  private answer(
    request: SimRequest,
    action: string | undefined,
    authorization: string | undefined,
    now: number,
    call: RecordedCall,
  ): { status: number; body: string } {
    if (action !== undefined && action !== request.operation) {
      throw new SimFault(
        30003,
        `Invalid request XML: SOAPAction '${action}' does not match operation '${request.operation}'`,
      );
    }
    const caller = authenticate(this.world, request.auth.user, request.auth.password, authorization);
    const op = OPERATIONS[request.operation];
    if (!op) throw new SimFault(30003, `Invalid request XML: unknown operation '${request.operation}'`);
    const out = op({ world: this.world, caller, params: request.params, urls: request.urls, now });
    if (out.response) call.response = out.response;
    return {
      status: 200,
      body: successDocument(request.envelope, request.operation, request.bodyNamespace, out.content),
    };
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string,
    contentType: string,
    gzip: boolean,
  ): void {
    if (res.destroyed) return;
    let payload = Buffer.from(body, 'utf8');
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.setHeader('Server', 'Apache-Coyote/1.1');
    if (gzip) {
      payload = gzipSync(payload, { level: 1 });
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Vary', 'Accept-Encoding');
    }
    res.setHeader('Content-Length', payload.length);
    // A request whose body was not read (404/405) must not leave bytes for the next request on the socket.
    if (!req.complete) res.setHeader('Connection', 'close');
    res.end(payload);
  }
}

export async function startIpsSimulator(options: IpsSimulatorOptions = {}): Promise<IpsSimulator> {
  let sim: Simulator | undefined;
  const server = createServer((req, res) => {
    sim?.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain');
        res.end(`simulator error: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  });
  // Longer than the client's idle timeout, so the client, not the simulator, closes idle sockets.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  sim = new Simulator(server, port, options);
  return sim;
}
