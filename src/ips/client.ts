import { promisify, TextDecoder } from 'node:util';
import * as zlib from 'node:zlib';
import { type Dispatcher, Pool, request } from 'undici';
import type { IpsTuning } from '../config/types.js';
import { EnvelopeBuilder, type IpsOperation } from './envelope.js';
import { IpsFault, IpsRequestError, IpsTransportError } from './errors.js';
import {
  parseCdnCacheInvalidation,
  parseCdnCacheInvalidationStatus,
  parseCompanyInfo,
  parseCompanyMembers,
  parseCompanyMembership,
  readReturn,
} from './parse.js';
import {
  type CallOptions,
  type CdnInvalidation,
  type CdnInvalidationStatus,
  type CompanyInfo,
  type CompanyMember,
  type CompanyMembership,
  IPS_MAX_URLS_PER_CALL,
  type IpsGateway,
} from './types.js';

export { IPS_BASE_NAMESPACE, ipsNamespace } from './envelope.js';

export interface IpsClientOptions {
  /** Full SOAP endpoint, e.g. `https://s7sps1apissl.scene7.com/scene7/services/IpsApiService`. */
  url: string;
  user: string;
  password: string;
  /** Namespace date, e.g. `2014-04-03`. */
  apiVersion: string;
  appName: string;
  appVersion: string;
  tuning: IpsTuning;
  /** Replaces the client's own pool (tests pass a `MockAgent`); the caller closes it. */
  dispatcher?: Dispatcher;
}

/** Larger replies are refused rather than buffered (a member list of thousands is a few MB). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Below this size inflating on the main thread costs less than a thread-pool round trip. */
const SYNC_INFLATE_BELOW = 64 * 1024;

const gunzipAsync = promisify(zlib.gunzip);
const inflateAsync = promisify(zlib.inflate);
const inflateRawAsync = promisify(zlib.inflateRaw);

const OPERATIONS: readonly IpsOperation[] = [
  'cdnCacheInvalidation',
  'getCompanyInfo',
  'getCompanyMembership',
  'getCompanyMembers',
  'getCdnCacheInvalidationStatus',
];

/**
 * Operations whose replies can run to megabytes (every member of a company, every company of an
 * account). Only these ask for gzip: the others answer in a few hundred bytes, where inflating costs
 * more CPU than the bytes saved. A compressed reply is read either way.
 */
const LARGE_REPLIES: ReadonlySet<IpsOperation> = new Set(['getCompanyMembers', 'getCompanyMembership']);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
/** The client was closed or misused: trying again in this process cannot help. */
const FINAL_CODES = new Set([
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
]);

const UTF8 = new TextDecoder('utf-8');

class ResponseTooLargeError extends Error {}

/** `code` of an error, or of the first error inside an AggregateError (happy-eyeballs connects). */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  return undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Maps anything thrown while sending or receiving to an `IpsTransportError`. */
function transportError(operation: string, err: unknown, signal: AbortSignal | undefined): IpsTransportError {
  if (err instanceof IpsTransportError) return err;
  if (signal?.aborted) {
    return new IpsTransportError(operation, 'timeout', `IPS ${operation}: aborted by the caller`, {
      retryable: false,
      code: 'IPS_ABORTED',
      cause: err,
    });
  }
  const code = errorCode(err);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new IpsTransportError(operation, 'timeout', `IPS ${operation}: ${describe(err)} (${code})`, {
      retryable: true,
      code: 'IPS_TIMEOUT',
      cause: err,
    });
  }
  // Resets, refusals, DNS and TLS failures, malformed HTTP: retrying later may well succeed, and a
  // permanent one only costs a few attempts, whereas a wrong "final" would drop a purge.
  const retryable = code === undefined ? false : !FINAL_CODES.has(code);
  return new IpsTransportError(
    operation,
    'connection',
    `IPS ${operation}: ${describe(err)} (${code ?? 'no code'})`,
    {
      retryable,
      code: 'IPS_CONNECTION',
      cause: err,
    },
  );
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

async function readBody(
  body: Dispatcher.ResponseData['body'],
  contentLength: string | undefined,
): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > MAX_RESPONSE_BYTES) {
    body.destroy();
    throw new ResponseTooLargeError(`response of ${contentLength} bytes exceeds ${MAX_RESPONSE_BYTES}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new ResponseTooLargeError(`response exceeds ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}

async function decompress(raw: Buffer, encoding: string | undefined): Promise<Buffer> {
  const enc = encoding?.trim().toLowerCase();
  if (enc === undefined || enc === '' || enc === 'identity' || raw.length === 0) return raw;
  const opts = { maxOutputLength: MAX_RESPONSE_BYTES };
  const small = raw.length < SYNC_INFLATE_BELOW;
  if (enc === 'gzip' || enc === 'x-gzip') return small ? zlib.gunzipSync(raw, opts) : gunzipAsync(raw, opts);
  if (enc === 'deflate') {
    // "deflate" should be zlib-wrapped, but some servers send a raw stream.
    try {
      return small ? zlib.inflateSync(raw, opts) : await inflateAsync(raw, opts);
    } catch {
      return small ? zlib.inflateRawSync(raw, opts) : inflateRawAsync(raw, opts);
    }
  }
  throw new Error(`unsupported content-encoding ${enc}`);
}

const decoders = new Map<string, TextDecoder>([
  ['utf-8', UTF8],
  ['utf8', UTF8],
]);

/** UTF-8 unless the Content-Type names another charset TextDecoder knows. Strips a BOM. */
function decoderFor(contentType: string | undefined): TextDecoder {
  const label = contentType && /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (!label) return UTF8;
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label);
    } catch {
      d = UTF8;
    }
    if (decoders.size < 16) decoders.set(label, d);
  }
  return d;
}

/**
 * IPS SOAP client over one keep-alive undici pool. It never retries: it throws `IpsFault` (final),
 * `IpsTransportError` (with `retryable`) or `IpsRequestError` (nothing was sent).
 */
export class IpsClient implements IpsGateway {
  readonly #url: string;
  readonly #envelopes: EnvelopeBuilder;
  readonly #dispatcher: Dispatcher;
  readonly #ownPool: Pool | undefined;
  readonly #headersTimeout: number;
  readonly #bodyTimeout: number;
  readonly #headers: ReadonlyMap<IpsOperation, Record<string, string>>;
  #closed = false;

  constructor(options: IpsClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new IpsRequestError('IpsClient', `IPS endpoint must be http(s), got ${url.protocol}`);
    }
    const { tuning } = options;
    this.#url = url.href;
    this.#envelopes = new EnvelopeBuilder({
      user: options.user,
      password: options.password,
      apiVersion: options.apiVersion,
      appName: options.appName,
      appVersion: options.appVersion,
      locale: tuning.locale,
      authHeaderNamespace: tuning.authHeaderNamespace,
      faultHttpStatusCode: tuning.faultHttpStatusCode,
    });
    this.#headersTimeout = tuning.headersTimeoutMs;
    this.#bodyTimeout = tuning.bodyTimeoutMs;
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
      this.#ownPool = undefined;
    } else {
      this.#ownPool = new Pool(url.origin, {
        connections: tuning.connections,
        connect: { timeout: tuning.connectTimeoutMs },
        headersTimeout: tuning.headersTimeoutMs,
        bodyTimeout: tuning.bodyTimeoutMs,
      });
      this.#dispatcher = this.#ownPool;
    }
    const userAgent = `${options.appName}/${options.appVersion}`;
    this.#headers = new Map(
      OPERATIONS.map((op) => [
        op,
        {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: op,
          ...(LARGE_REPLIES.has(op) ? { 'accept-encoding': 'gzip, deflate' } : {}),
          'user-agent': userAgent,
        },
      ]),
    );
  }

  async cdnCacheInvalidation(
    companyHandle: string,
    urls: readonly string[],
    options?: CallOptions,
  ): Promise<CdnInvalidation> {
    const op = 'cdnCacheInvalidation';
    requireValue(op, 'companyHandle', companyHandle);
    if (urls.length === 0) throw new IpsRequestError(op, 'IPS cdnCacheInvalidation needs at least one URL');
    if (urls.length > IPS_MAX_URLS_PER_CALL) {
      throw new IpsRequestError(
        op,
        `IPS cdnCacheInvalidation takes at most ${IPS_MAX_URLS_PER_CALL} URLs per call, got ${urls.length}`,
      );
    }
    return this.#call(
      op,
      this.#envelopes.cdnCacheInvalidation(companyHandle, urls),
      parseCdnCacheInvalidation,
      options,
    );
  }

  async getCompanyInfo(companyName: string, options?: CallOptions): Promise<CompanyInfo> {
    requireValue('getCompanyInfo', 'companyName', companyName);
    return this.#call(
      'getCompanyInfo',
      this.#envelopes.getCompanyInfo(companyName),
      parseCompanyInfo,
      options,
    );
  }

  async getCompanyMembership(options?: CallOptions): Promise<CompanyMembership[]> {
    return this.#call(
      'getCompanyMembership',
      this.#envelopes.getCompanyMembership(),
      parseCompanyMembership,
      options,
    );
  }

  async getCompanyMembers(companyHandle: string, options?: CallOptions): Promise<CompanyMember[]> {
    requireValue('getCompanyMembers', 'companyHandle', companyHandle);
    return this.#call(
      'getCompanyMembers',
      this.#envelopes.getCompanyMembers(companyHandle),
      parseCompanyMembers,
      options,
    );
  }

  async getCdnCacheInvalidationStatus(
    companyHandle: string,
    invalidationHandle: string,
    options?: CallOptions,
  ): Promise<CdnInvalidationStatus> {
    const op = 'getCdnCacheInvalidationStatus';
    requireValue(op, 'companyHandle', companyHandle);
    requireValue(op, 'invalidationHandle', invalidationHandle);
    return this.#call(
      op,
      this.#envelopes.getCdnCacheInvalidationStatus(companyHandle, invalidationHandle),
      parseCdnCacheInvalidationStatus,
      options,
    );
  }

  /** Closes the client's own pool (waiting for calls in flight). A passed-in dispatcher is left open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ownPool?.close();
  }

  async #call<T>(
    operation: IpsOperation,
    envelope: string,
    parse: (body: string, httpStatus: number) => T,
    options: CallOptions | undefined,
  ): Promise<T> {
    if (this.#closed) {
      throw new IpsTransportError(operation, 'connection', `IPS ${operation}: the client is closed`, {
        retryable: false,
        code: 'IPS_CONNECTION',
      });
    }
    const signal = options?.signal;
    let status = 0;
    let raw: Buffer;
    let encoding: string | undefined;
    let contentType: string | undefined;
    try {
      const res = await request(this.#url, {
        dispatcher: this.#dispatcher,
        method: 'POST',
        headers: this.#headers.get(operation),
        body: envelope,
        signal,
        headersTimeout: this.#headersTimeout,
        bodyTimeout: this.#bodyTimeout,
      });
      status = res.statusCode;
      encoding = header(res.headers, 'content-encoding');
      contentType = header(res.headers, 'content-type');
      raw = await readBody(res.body, header(res.headers, 'content-length'));
      // undici hands a keep-alive socket back to the pool one event-loop turn after the response
      // ends; without this wait a caller's next call could find it busy and open a second one.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } catch (err) {
      if (err instanceof ResponseTooLargeError) throw this.#unreadable(operation, status, err);
      throw transportError(operation, err, signal);
    }
    let text: string;
    try {
      text = decoderFor(contentType).decode(await decompress(raw, encoding));
    } catch (err) {
      throw this.#unreadable(operation, status, err);
    }
    if (status >= 200 && status < 300) return parse(text, status);
    // Not 2xx: a SOAP fault is IPS's final word; anything else (a proxy's HTML page) is HTTP trouble.
    if (text.includes('Fault')) {
      try {
        readReturn(operation, text, status);
      } catch (err) {
        if (err instanceof IpsFault) throw err;
      }
    }
    throw httpStatusError(operation, status, contentType);
  }

  /** A body that cannot be read: an HTTP failure when the status already says so, else a bad reply. */
  #unreadable(operation: string, status: number, err: unknown): IpsTransportError {
    if (status < 200 || status >= 300) return httpStatusError(operation, status, undefined);
    return new IpsTransportError(operation, 'invalid-response', `IPS ${operation}: ${describe(err)}`, {
      retryable: false,
      httpStatus: status,
      cause: err,
    });
  }
}

function httpStatusError(
  operation: string,
  status: number,
  contentType: string | undefined,
): IpsTransportError {
  const what = contentType ? ` (${contentType.split(';')[0]})` : '';
  return new IpsTransportError(
    operation,
    'http-status',
    `IPS ${operation}: HTTP ${status}${what} without a SOAP fault`,
    {
      retryable: status >= 500 && status <= 599,
      httpStatus: status,
    },
  );
}

function requireValue(operation: string, name: string, value: string): void {
  if (value.trim() === '') throw new IpsRequestError(operation, `IPS ${operation} needs a non-empty ${name}`);
}
