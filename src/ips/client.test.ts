import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { errors, MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/redis.js';
import type { IpsTuning } from '../config/types.js';
import { IPS_BASE_NAMESPACE, IpsClient, ipsNamespace } from './client.js';
import { IpsFault, IpsRequestError, IpsTransportError } from './errors.js';

const ORIGIN = 'https://ips.test';
const PATH = '/scene7/services/IpsApiService';
const TUNING: IpsTuning = {
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  connections: 2,
  authHeaderNamespace: 'versioned',
  faultHttpStatusCode: undefined,
  locale: 'en-US',
};

const soap = (body: string) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const CDN_OK = soap(
  '<cdnCacheInvalidationReturn xmlns="http://www.scene7.com/IpsApi/xsd/2014-04-03"><invalidationHandle>cdni|6|3f1c</invalidationHandle><estimatedSeconds>5</estimatedSeconds></cdnCacheInvalidationReturn>',
);
const AUTH_FAULT = soap(
  `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>AuthenticationException</faultstring><detail><ns1:authenticationFault xmlns:ns1="${IPS_BASE_NAMESPACE}"><ns1:code>10001</ns1:code><ns1:reason>Invalid username/password</ns1:reason></ns1:authenticationFault></detail></soapenv:Fault>`,
);
const HTML_503 = '<html><head><title>503</title></head><body>Service Unavailable<br></body></html>';
const URLS = ['https://s7d7.scene7.com/is/image/JJEsquire/a?$thumbnail$&wid=200'];

interface Seen {
  headers: Record<string, string>;
  body: string;
}

let agent: MockAgent;
let client: IpsClient;
let seen: Seen[];

function headersOf(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
  } else if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  }
  return out;
}

/** Answers the next call with `status`/`data`/`headers`, recording what the client sent. */
function replyOnce(status: number, data: string | Buffer, headers: Record<string, string> = {}): void {
  agent
    .get(ORIGIN)
    .intercept({ path: PATH, method: 'POST' })
    .reply((opts) => {
      seen.push({ headers: headersOf(opts.headers), body: String(opts.body) });
      return {
        statusCode: status,
        data,
        responseOptions: { headers: { 'content-type': 'text/xml', ...headers } },
      };
    });
}

function errorOnce(err: Error): void {
  agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).replyWithError(err);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function transportError(p: Promise<unknown>): Promise<IpsTransportError> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(IpsTransportError);
  return err as IpsTransportError;
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  seen = [];
  client = new IpsClient({
    url: `${ORIGIN}${PATH}`,
    user: 'bot@example.com',
    password: 'hunter2&co',
    apiVersion: '2014-04-03',
    appName: 'dm-purge',
    appVersion: '0.0.0-test',
    tuning: TUNING,
    dispatcher: agent,
  });
});

afterEach(async () => {
  await client.close();
  await agent.close();
});

describe('IpsClient requests', () => {
  it('POSTs a SOAP 1.1 envelope with the operation as SOAPAction', async () => {
    replyOnce(200, CDN_OK);
    await expect(client.cdnCacheInvalidation('c|6', URLS)).resolves.toEqual({
      invalidationHandle: 'cdni|6|3f1c',
      estimatedSeconds: 5,
    });
    expect(seen).toHaveLength(1);
    const [call] = seen;
    expect(call?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(call?.headers.soapaction).toBe('cdnCacheInvalidation');
    // A purge's reply is a few hundred bytes: not worth compressing.
    expect(call?.headers['accept-encoding']).toBeUndefined();
    expect(call?.body).toContain(
      `<authHeader xmlns="${ipsNamespace('2014-04-03')}"><user>bot@example.com</user>`,
    );
    expect(call?.body).toContain('<password>hunter2&amp;co</password>');
    expect(call?.body).toContain('<appName>dm-purge</appName><appVersion>0.0.0-test</appVersion>');
    expect(call?.body).toContain(
      '<companyHandle>c|6</companyHandle><urlArray><items>https://s7d7.scene7.com/is/image/JJEsquire/a?$thumbnail$&amp;wid=200</items></urlArray>',
    );
  });

  it('sends each operation with its own SOAPAction and maps its reply', async () => {
    replyOnce(
      200,
      soap(
        '<getCompanyInfoReturn><companyInfo><companyHandle>c|6</companyHandle><name>JJEsquire</name><rootPath>JJEsquire/</rootPath></companyInfo></getCompanyInfoReturn>',
      ),
    );
    await expect(client.getCompanyInfo('JJEsquire')).resolves.toEqual({
      companyHandle: 'c|6',
      name: 'JJEsquire',
      rootId: 'JJEsquire',
    });
    replyOnce(200, soap('<getCompanyMembershipReturn><membershipArray/></getCompanyMembershipReturn>'));
    await expect(client.getCompanyMembership()).resolves.toEqual([]);
    replyOnce(
      200,
      soap(
        '<getCompanyMembersReturn><memberArray><items><user><email>a@x.com</email><isValid>true</isValid></user><role>IpsAdmin</role><isActive>true</isActive></items></memberArray></getCompanyMembersReturn>',
      ),
    );
    await expect(client.getCompanyMembers('c|6')).resolves.toEqual([
      { email: 'a@x.com', role: 'IpsAdmin', active: true, valid: true },
    ]);
    replyOnce(
      200,
      soap(
        '<getCdnCacheInvalidationStatusReturn><status>Done</status></getCdnCacheInvalidationStatusReturn>',
      ),
    );
    await expect(client.getCdnCacheInvalidationStatus('c|6', 'cdni|6|x')).resolves.toMatchObject({
      status: 'Done',
    });
    expect(seen.map((s) => s.headers.soapaction)).toEqual([
      'getCompanyInfo',
      'getCompanyMembership',
      'getCompanyMembers',
      'getCdnCacheInvalidationStatus',
    ]);
    // Only the operations whose replies can run to megabytes ask for compression.
    expect(seen.map((s) => s.headers['accept-encoding'])).toEqual([
      undefined,
      'gzip, deflate',
      'gzip, deflate',
      undefined,
    ]);
    expect(seen[2]?.body).toContain(
      '<includeInvalid>true</includeInvalid><includeInactive>true</includeInactive>',
    );
  });

  it('decompresses gzip, deflate and raw-deflate replies', async () => {
    replyOnce(200, gzipSync(CDN_OK), { 'content-encoding': 'gzip' });
    await expect(client.cdnCacheInvalidation('c|6', URLS)).resolves.toMatchObject({ estimatedSeconds: 5 });
    replyOnce(200, deflateSync(CDN_OK), { 'content-encoding': 'deflate' });
    await expect(client.cdnCacheInvalidation('c|6', URLS)).resolves.toMatchObject({ estimatedSeconds: 5 });
    replyOnce(200, deflateRawSync(CDN_OK), { 'content-encoding': 'deflate' });
    await expect(client.cdnCacheInvalidation('c|6', URLS)).resolves.toMatchObject({ estimatedSeconds: 5 });
  });

  it('decodes a UTF-8 reply with a BOM and non-ASCII text', async () => {
    const body = soap(
      '<getCompanyInfoReturn><companyInfo><companyHandle>c|9</companyHandle><name>Müller 😀</name><rootPath>Mueller/</rootPath></companyInfo></getCompanyInfoReturn>',
    );
    replyOnce(200, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]), {
      'content-type': 'text/xml;charset=UTF-8',
    });
    await expect(client.getCompanyInfo('Müller')).resolves.toMatchObject({
      name: 'Müller 😀',
      rootId: 'Mueller',
    });
  });

  it('a corrupt gzip body is an invalid response (not retryable on 200)', async () => {
    replyOnce(200, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    const err = await transportError(client.cdnCacheInvalidation('c|6', URLS));
    expect(err).toMatchObject({ type: 'invalid-response', retryable: false, httpStatus: 200 });
  });
});

describe('IpsClient refuses bad calls before sending anything', () => {
  it.each([
    ['no URLs', () => client.cdnCacheInvalidation('c|6', [])],
    [
      '1001 URLs',
      () =>
        client.cdnCacheInvalidation(
          'c|6',
          Array.from({ length: 1001 }, (_, i) => `https://x/${i}`),
        ),
    ],
    ['an empty company handle', () => client.cdnCacheInvalidation('', URLS)],
    ['a blank company handle', () => client.cdnCacheInvalidation('  ', URLS)],
    ['an illegal character in a URL', () => client.cdnCacheInvalidation('c|6', ['https://x/\u0001'])],
    ['an empty company name', () => client.getCompanyInfo('')],
    ['an empty handle for members', () => client.getCompanyMembers('')],
    ['an empty invalidation handle', () => client.getCdnCacheInvalidationStatus('c|6', '')],
  ])('%s', async (_name, call) => {
    replyOnce(200, CDN_OK);
    const err = await rejection(call());
    expect(err).toBeInstanceOf(IpsRequestError);
    expect(seen).toHaveLength(0);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('accepts exactly 1000 URLs', async () => {
    replyOnce(200, CDN_OK);
    const urls = Array.from({ length: 1000 }, (_, i) => `https://x/is/image/R/${i}?$p$&w=1`);
    await expect(client.cdnCacheInvalidation('c|6', urls)).resolves.toMatchObject({ estimatedSeconds: 5 });
    expect(seen[0]?.body.match(/<items>/g)).toHaveLength(1000);
  });
});

describe('IpsClient error mapping', () => {
  it('a SOAP fault in a 500 is an IpsFault', async () => {
    replyOnce(500, AUTH_FAULT);
    const err = await rejection(client.cdnCacheInvalidation('c|6', URLS));
    expect(err).toBeInstanceOf(IpsFault);
    expect(err).toMatchObject({ kind: 'authentication', code: 10001, httpStatus: 500 });
  });

  it('a SOAP fault in a 200 is an IpsFault too', async () => {
    replyOnce(200, gzipSync(AUTH_FAULT), { 'content-encoding': 'gzip' });
    const err = await rejection(client.getCompanyMembership());
    expect(err).toBeInstanceOf(IpsFault);
    expect(err).toMatchObject({ kind: 'authentication', httpStatus: 200, operation: 'getCompanyMembership' });
  });

  it('5xx without a fault is a retryable http-status error', async () => {
    replyOnce(503, HTML_503, { 'content-type': 'text/html' });
    const err = await transportError(client.cdnCacheInvalidation('c|6', URLS));
    expect(err).toMatchObject({ type: 'http-status', retryable: true, httpStatus: 503 });
    expect(err.message).toContain('HTTP 503 (text/html)');
  });

  it('a 5xx whose body merely mentions "Fault" is still an http-status error', async () => {
    replyOnce(502, '<html><body>Fault tolerance engaged</body></html>', { 'content-type': 'text/html' });
    expect(await transportError(client.cdnCacheInvalidation('c|6', URLS))).toMatchObject({
      type: 'http-status',
      retryable: true,
    });
  });

  it('4xx without a fault is a final http-status error', async () => {
    replyOnce(404, 'Not Found', { 'content-type': 'text/plain' });
    expect(await transportError(client.cdnCacheInvalidation('c|6', URLS))).toMatchObject({
      type: 'http-status',
      retryable: false,
      httpStatus: 404,
    });
  });

  it('an HTML page with 200 is a final invalid-response', async () => {
    replyOnce(200, HTML_503, { 'content-type': 'text/html' });
    expect(await transportError(client.cdnCacheInvalidation('c|6', URLS))).toMatchObject({
      type: 'invalid-response',
      retryable: false,
      httpStatus: 200,
    });
  });

  it('an empty 200 body is a final invalid-response', async () => {
    replyOnce(200, '');
    expect(await transportError(client.getCompanyInfo('X'))).toMatchObject({
      type: 'invalid-response',
      retryable: false,
    });
  });

  it.each([
    ['connect', () => new errors.ConnectTimeoutError()],
    ['headers', () => new errors.HeadersTimeoutError()],
    ['body', () => new errors.BodyTimeoutError()],
  ])('undici %s timeout → retryable timeout', async (_name, make) => {
    errorOnce(make());
    expect(await transportError(client.cdnCacheInvalidation('c|6', URLS))).toMatchObject({
      type: 'timeout',
      retryable: true,
      code: 'IPS_TIMEOUT',
    });
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])(
    '%s → retryable connection error',
    async (code) => {
      errorOnce(Object.assign(new Error(`connect ${code}`), { code }));
      expect(await transportError(client.cdnCacheInvalidation('c|6', URLS))).toMatchObject({
        type: 'connection',
        retryable: true,
      });
    },
  );

  it('an undici socket error → retryable connection error', async () => {
    errorOnce(new errors.SocketError('other side closed'));
    expect(await transportError(client.getCompanyMembership())).toMatchObject({
      type: 'connection',
      retryable: true,
    });
  });

  it('the caller aborting is a timeout that is not retryable', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'POST' }).reply(200, CDN_OK).delay(60_000);
    const controller = new AbortController();
    const call = client.cdnCacheInvalidation('c|6', URLS, { signal: controller.signal });
    controller.abort();
    expect(await transportError(call)).toMatchObject({
      type: 'timeout',
      retryable: false,
      code: 'IPS_ABORTED',
    });
  });

  it('an already aborted signal fails without a reply', async () => {
    const err = await transportError(client.getCompanyMembership({ signal: AbortSignal.abort() }));
    expect(err).toMatchObject({ type: 'timeout', retryable: false });
  });

  it('after close() a call fails as a final connection error; close is idempotent', async () => {
    await client.close();
    await client.close();
    expect(await transportError(client.getCompanyMembership())).toMatchObject({
      type: 'connection',
      retryable: false,
    });
  });

  it('never puts the password into an error', async () => {
    replyOnce(500, AUTH_FAULT);
    replyOnce(503, HTML_503);
    errorOnce(new errors.SocketError('closed'));
    for (let i = 0; i < 3; i++) {
      const err = (await rejection(client.cdnCacheInvalidation('c|6', URLS))) as Error;
      expect(`${err.message} ${JSON.stringify(err)}`).not.toContain('hunter2');
    }
  });
});

describe('IpsClient with its own pool', () => {
  it('refuses a non-http endpoint', () => {
    expect(
      () =>
        new IpsClient({
          url: 'ftp://ips.test/x',
          user: 'u',
          password: 'p',
          apiVersion: '2014-04-03',
          appName: 'a',
          appVersion: '1',
          tuning: TUNING,
        }),
    ).toThrow(IpsRequestError);
  });

  function ownClient(url: string, tuning: Partial<IpsTuning> = {}): IpsClient {
    return new IpsClient({
      url,
      user: 'u',
      password: 'p',
      apiVersion: '2014-04-03',
      appName: 'a',
      appVersion: '1',
      tuning: { ...TUNING, ...tuning },
    });
  }

  it('a refused connection is a retryable connection error; close() ends the pool', async () => {
    const own = ownClient(`http://127.0.0.1:${await freePort()}${PATH}`);
    const err = await transportError(own.getCompanyMembership());
    expect(err).toMatchObject({ type: 'connection', retryable: true });
    await own.close();
    expect(await transportError(own.getCompanyMembership())).toMatchObject({ retryable: false });
  });

  it('keeps one connection alive across calls, inflates gzip, and times out a silent server', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.headers.soapaction === 'getCompanyMembership') return; // never answer: headers timeout
        res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-encoding': 'gzip' });
        res.end(gzipSync(CDN_OK));
      });
    });
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const own = ownClient(`http://127.0.0.1:${port}${PATH}`, { headersTimeoutMs: 300 });
    try {
      for (let i = 0; i < 20; i++) {
        await expect(own.cdnCacheInvalidation('c|6', URLS)).resolves.toMatchObject({ estimatedSeconds: 5 });
      }
      expect(connections).toBe(1);
      expect(await transportError(own.getCompanyMembership())).toMatchObject({
        type: 'timeout',
        retryable: true,
      });
    } finally {
      await own.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
