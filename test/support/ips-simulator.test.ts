import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { Pool, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './ips-simulator.js';

// The simulator checked on its own, with hand-written envelopes, so the client tests can trust it.

const BASE_NS = 'http://www.scene7.com/IpsApi/xsd';
const NS = `${BASE_NS}/2014-04-03`;
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const URL_A = 'https://s7d9.scene7.com/is/image/JJEsquire/shoe-01?$thumbnail$';

interface Auth {
  user?: string;
  password?: string;
  ns?: string;
  faultHttpStatusCode?: number;
  gzipResponse?: boolean;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function authHeader(a: Auth | null): string {
  if (a === null) return '';
  const user = a.user ?? SIM_DEFAULTS.user;
  const password = a.password ?? SIM_DEFAULTS.password;
  return (
    `<authHeader xmlns="${a.ns ?? NS}"><user>${esc(user)}</user><password>${esc(password)}</password>` +
    '<locale>en-US</locale><appName>sim-test</appName><appVersion>1.0</appVersion>' +
    (a.gzipResponse === undefined ? '' : `<gzipResponse>${a.gzipResponse}</gzipResponse>`) +
    (a.faultHttpStatusCode === undefined
      ? ''
      : `<faultHttpStatusCode>${a.faultHttpStatusCode}</faultHttpStatusCode>`) +
    '</authHeader>'
  );
}

function param(op: string, inner: string, ns = NS): string {
  return `<${op}Param xmlns="${ns}">${inner}</${op}Param>`;
}

function soap11(body: string, auth: Auth | null = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${authHeader(auth)}</soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function purgeBody(handle: string, urls: readonly string[]): string {
  return param(
    'cdnCacheInvalidation',
    `<companyHandle>${esc(handle)}</companyHandle><urlArray>${urls.map((u) => `<items>${esc(u)}</items>`).join('')}</urlArray>`,
  );
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  doc: Record<string, unknown>;
}

const xml = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true });

async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' },
  dispatcher?: Pool,
): Promise<Reply> {
  const res = await request(url, { method: 'POST', body, headers, ...(dispatcher ? { dispatcher } : {}) });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  let doc: Record<string, unknown> = {};
  try {
    doc = xml.parse(text) as Record<string, unknown>;
  } catch {
    // HTML pages and other non-XML answers keep an empty doc.
  }
  return { status: res.statusCode, headers: res.headers, text, doc };
}

/** Walks parsed XML by local names. */
function at(doc: unknown, ...path: string[]): unknown {
  let cur = doc;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function faultOf(r: Reply): { kind: string; code: number; reason: string; faultcode: unknown } {
  const fault = at(r.doc, 'Envelope', 'Body', 'Fault') as Record<string, unknown>;
  expect(fault, r.text).toBeTypeOf('object');
  const detail = at(fault, 'detail') as Record<string, unknown>;
  const [kind, value] = Object.entries(detail)[0] ?? [];
  return {
    kind: kind ?? '',
    code: Number(at(value, 'code')),
    reason: String(at(value, 'reason')),
    faultcode: fault.faultcode,
  };
}

function returnOf(r: Reply, op: string): Record<string, unknown> {
  const ret = at(r.doc, 'Envelope', 'Body', `${op}Return`);
  expect(ret, r.text).toBeTypeOf('object');
  return ret as Record<string, unknown>;
}

let sim: IpsSimulator;

beforeAll(async () => {
  sim = await startIpsSimulator();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  sim.setLatency(0);
  sim.setEstimatedSeconds(5);
});

describe('cdnCacheInvalidation success', () => {
  it('answers a SOAP 1.1 request with a handle and estimatedSeconds in the request namespace', async () => {
    const urls = [
      URL_A,
      'https://s7d9.scene7.com/is/content/JJEsquire/manual.pdf?a=1&b=<2>',
      'https://x.example/e2/JJEsquire/vidéo/ü 😀.mp4',
    ];
    const r = await post(sim.url, soap11(purgeBody('c|6', urls)), {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: 'cdnCacheInvalidation',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
    expect(r.text).toContain('<soapenv:Header/>');
    expect(r.text).toContain(`<cdnCacheInvalidationReturn xmlns="${NS}">`);
    const ret = returnOf(r, 'cdnCacheInvalidation');
    expect(ret.invalidationHandle).toMatch(
      /^cdni\|6\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(ret.estimatedSeconds).toBe('5');

    expect(sim.calls).toHaveLength(1);
    const call = sim.calls[0];
    expect(call).toMatchObject({
      operation: 'cdnCacheInvalidation',
      soapAction: 'cdnCacheInvalidation',
      httpStatus: 200,
      companyHandle: 'c|6',
      urls,
      user: SIM_DEFAULTS.user,
      authNamespace: NS,
      bodyNamespace: NS,
      envelope: 'soap11',
      appName: 'sim-test',
      response: { invalidationHandle: ret.invalidationHandle, estimatedSeconds: 5 },
    });
    expect(call?.faultCode).toBeUndefined();
    expect(call?.at).toBeTypeOf('number');
  });

  it('uses the configured estimatedSeconds and a fresh handle per call', async () => {
    sim.setEstimatedSeconds(42);
    const a = returnOf(
      await post(sim.url, soap11(purgeBody('c|111', ['http://a.b/is/image/Example.com/x']))),
      'cdnCacheInvalidation',
    );
    const b = returnOf(
      await post(sim.url, soap11(purgeBody('c|111', ['http://a.b/is/image/Example.com/x']))),
      'cdnCacheInvalidation',
    );
    expect(a.estimatedSeconds).toBe('42');
    expect(a.invalidationHandle).toMatch(/^cdni\|111\|/);
    expect(a.invalidationHandle).not.toBe(b.invalidationHandle);
  });

  it('accepts every Dynamic Media path context under the company root', async () => {
    const urls = ['is/image', 'is/content', 'is/static', 'is/agm', 'ir/render', 'e2'].map(
      (ctx) => `https://images.jjesquire.com/${ctx}/JJEsquire/asset`,
    );
    const r = await post(sim.url, soap11(purgeBody('c|6', urls)));
    expect(r.status).toBe(200);
    expect(sim.calls[0]?.urls).toEqual(urls);
  });

  it('accepts exactly 1000 URLs and refuses 0 and 1001 with 30003', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `${URL_A}&n=${i}`);
    expect((await post(sim.url, soap11(purgeBody('c|6', many.slice(0, 1000))))).status).toBe(200);
    expect(sim.calls[0]?.urls).toHaveLength(1000);
    const over = faultOf(await post(sim.url, soap11(purgeBody('c|6', many))));
    expect(over).toMatchObject({ kind: 'ipsApiFault', code: 30003 });
    const none = faultOf(await post(sim.url, soap11(purgeBody('c|6', []))));
    expect(none).toMatchObject({ kind: 'ipsApiFault', code: 30003 });
    const selfClosed = faultOf(
      await post(
        sim.url,
        soap11(param('cdnCacheInvalidation', '<companyHandle>c|6</companyHandle><urlArray/>')),
      ),
    );
    expect(selfClosed.code).toBe(30003);
    expect(sim.calls.map((c) => c.faultCode)).toEqual([undefined, 30003, 30003, 30003]);
  });
});

describe('faults', () => {
  it('writes faults as IPS does: Client for 1xxxx/2xxxx, Server for 3xxxx, detail in the base namespace, HTTP 500', async () => {
    const r = await post(sim.url, soap11(purgeBody('c|42', [URL_A])));
    expect(r.status).toBe(500);
    expect(r.text).toContain(`<ns1:authorizationFault xmlns:ns1="${BASE_NS}"><ns1:code>20003</ns1:code>`);
    expect(faultOf(r)).toEqual({
      kind: 'authorizationFault',
      code: 20003,
      reason: "User does not have permission to access operation 'cdnCacheInvalidation'",
      faultcode: 'soapenv:Client',
    });
    const server = faultOf(await post(sim.url, soap11(purgeBody('c|6', []))));
    expect(server.faultcode).toBe('soapenv:Server');
  });

  it('answers missing credentials with 10000 and wrong ones with 10001', async () => {
    expect(faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]), null)))).toMatchObject({
      kind: 'authenticationFault',
      code: 10000,
      faultcode: 'soapenv:Client',
    });
    expect(faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]), { password: '' })))).toMatchObject({
      code: 10000,
    });
    expect(
      faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]), { password: 'nope' }))),
    ).toMatchObject({
      kind: 'authenticationFault',
      code: 10001,
      reason: 'Invalid username/password',
    });
    expect(
      faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]), { user: 'nobody@example.com' }))).code,
    ).toBe(10001);
  });

  it('accepts HTTP Basic credentials instead of an authHeader', async () => {
    const basic = Buffer.from(`${SIM_DEFAULTS.user}:${SIM_DEFAULTS.password}`).toString('base64');
    const r = await post(sim.url, soap11(purgeBody('c|6', [URL_A]), null), {
      'content-type': 'text/xml',
      authorization: `Basic ${basic}`,
    });
    expect(r.status).toBe(200);
  });

  it('answers an unknown company with 20000 and a non-admin role with 20003', async () => {
    expect(faultOf(await post(sim.url, soap11(purgeBody('c|999', [URL_A]))))).toMatchObject({
      kind: 'authorizationFault',
      code: 20000,
    });
    const members = param('getCompanyMembers', '<companyHandle>c|42</companyHandle>');
    expect(faultOf(await post(sim.url, soap11(members))).code).toBe(20003);
    const missing = faultOf(
      await post(
        sim.url,
        soap11(param('cdnCacheInvalidation', `<urlArray><items>${URL_A}</items></urlArray>`)),
      ),
    );
    expect(missing).toMatchObject({ kind: 'ipsApiFault', code: 30002 });
  });

  it('lets an IpsAdmin purge any company', async () => {
    const r = await post(
      sim.url,
      soap11(purgeBody('c|42', ['https://a.b/is/image/OtherCo/x']), {
        user: 'ips-admin@example.com',
        password: 'admin-secret',
      }),
    );
    expect(r.status).toBe(200);
  });

  it('answers a URL outside the company root with 30001 naming the URL', async () => {
    const cases = [
      'https://s7d9.scene7.com/is/image/jjesquire/shoe', // root case differs
      'https://s7d9.scene7.com/is/image/OtherCo/shoe', // another company
      'https://s7d9.scene7.com/s7viewers/html5/Viewer.html', // not a purgeable context
      'ftp://s7d9.scene7.com/is/image/JJEsquire/shoe', // not http(s)
      'https://s7d9.scene7.com/is/image/JJEsquire', // root without a trailing path
      'https://host/adobe/assets/urn:aaid:x/as/a.jpg?a=1&b=2',
    ];
    for (const bad of cases) {
      const f = faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A, bad]))));
      expect(f, bad).toMatchObject({ kind: 'ipsApiFault', code: 30001, faultcode: 'soapenv:Server' });
      expect(f.reason).toContain(`'${bad}'`);
    }
  });

  it('fails any purge that contains a URL given to failUrl', async () => {
    const flaky = `${URL_A}&flaky`;
    sim.failUrl(flaky);
    expect(faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A, flaky]))))).toMatchObject({
      code: 30001,
      reason: `Invalid URL '${flaky}'`,
    });
    expect((await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
    sim.failUrl(URL_A, 30000);
    expect(faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).code).toBe(30000);
    sim.reset();
    expect((await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
  });

  it('uses authHeader/faultHttpStatusCode as the fault status', async () => {
    const r = await post(sim.url, soap11(purgeBody('c|42', [URL_A]), { faultHttpStatusCode: 200 }));
    expect(r.status).toBe(200);
    expect(faultOf(r).code).toBe(20003);
    expect(sim.calls[0]).toMatchObject({ httpStatus: 200, faultCode: 20003 });
  });

  it('answers unreadable or unexpected XML with 30003', async () => {
    const good = soap11(purgeBody('c|6', [URL_A]));
    const bodies: Array<[string, string | Buffer]> = [
      ['truncated', good.slice(0, -20)],
      ['bare ampersand', soap11(purgeBody('c|6', [URL_A])).replace('$thumbnail$', 'a&b')],
      ['bare ampersand outside urlArray', soap11(param('getCompanyInfo', '<companyName>A&B</companyName>'))],
      ['undefined entity', good.replace('$thumbnail$', '&nbsp;')],
      [']]> in text', good.replace('$thumbnail$', ']]>')],
      [
        'DOCTYPE',
        `<!DOCTYPE x [<!ENTITY e "x">]>${good.replace('<?xml version="1.0" encoding="UTF-8"?>', '')}`,
      ],
      ['control character', good.replace('$thumbnail$', '\u0001')],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from(good.slice(0, 200)),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(good.slice(200)),
        ]),
      ],
      ['not XML', 'hello'],
      ['empty', ''],
      ['not an envelope', `<foo xmlns="${SOAP11}"/>`],
      ['unknown operation', soap11(param('deleteEverything', ''))],
      ['two operations', soap11(purgeBody('c|6', [URL_A]) + purgeBody('c|6', [URL_A]))],
      ['no body element', soap11('')],
      ['param without namespace', soap11(purgeBody('c|6', [URL_A]).replace(` xmlns="${NS}"`, ''))],
      ['param in a foreign namespace', soap11(purgeBody('c|6', [URL_A]).replace(NS, 'urn:other'))],
      [
        'unqualified children',
        soap11(
          `<p:cdnCacheInvalidationParam xmlns:p="${NS}"><companyHandle>c|6</companyHandle><urlArray><items>${URL_A}</items></urlArray></p:cdnCacheInvalidationParam>`,
        ),
      ],
      [
        'undeclared prefix',
        soap11(`<q:getCompanyInfoParam><q:companyName>JJEsquire</q:companyName></q:getCompanyInfoParam>`),
      ],
    ];
    for (const [name, body] of bodies) {
      const r = await post(sim.url, body);
      expect(r.status, name).toBe(500);
      expect(faultOf(r), name).toMatchObject({ kind: 'ipsApiFault', code: 30003 });
    }
  });

  it('checks SOAPAction: quoted, unquoted, URI form and missing are accepted, another operation is refused', async () => {
    const body = soap11(purgeBody('c|6', [URL_A]));
    for (const soapaction of [
      'cdnCacheInvalidation',
      '"cdnCacheInvalidation"',
      '""',
      'urn:IpsApi#cdnCacheInvalidation',
    ]) {
      const r = await post(sim.url, body, { 'content-type': 'text/xml', soapaction });
      expect(r.status, soapaction).toBe(200);
    }
    expect((await post(sim.url, body, { 'content-type': 'text/xml' })).status).toBe(200);
    const wrong = await post(sim.url, body, { 'content-type': 'text/xml', soapaction: '"getCompanyInfo"' });
    expect(faultOf(wrong)).toMatchObject({ code: 30003 });
    expect(faultOf(wrong).reason).toContain('getCompanyInfo');
    expect(sim.calls.map((c) => c.soapAction)).toEqual([
      'cdnCacheInvalidation',
      '"cdnCacheInvalidation"',
      '""',
      'urn:IpsApi#cdnCacheInvalidation',
      undefined,
      '"getCompanyInfo"',
    ]);
    expect(sim.calls.at(-1)?.response).toBeUndefined();
  });
});

describe('namespaces and envelopes', () => {
  it('accepts authHeader in the base namespace and echoes the body namespace in the reply', async () => {
    const beta = `${BASE_NS}/2017-10-29-beta`;
    const r = await post(
      sim.url,
      soap11(param('getCompanyInfo', '<companyName>JJEsquire</companyName>', beta), { ns: BASE_NS }),
    );
    expect(r.status).toBe(200);
    expect(r.text).toContain(`<getCompanyInfoReturn xmlns="${beta}">`);
    expect(sim.calls[0]).toMatchObject({ authNamespace: BASE_NS, bodyNamespace: beta });
  });

  it('treats an authHeader outside the IPS namespaces as missing', async () => {
    const f = faultOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]), { ns: 'urn:not-ips' })));
    expect(f.code).toBe(10000);
    expect(sim.calls[0]?.authNamespace).toBeUndefined();
  });

  it('resolves prefixes declared on ancestors', async () => {
    const body = `<s:Envelope xmlns:s="${SOAP11}" xmlns:ips="${NS}" xmlns:auth="${BASE_NS}"><s:Header><auth:authHeader><auth:user>${SIM_DEFAULTS.user}</auth:user><auth:password>${SIM_DEFAULTS.password}</auth:password></auth:authHeader></s:Header><s:Body><ips:cdnCacheInvalidationParam><ips:companyHandle>c|6</ips:companyHandle><ips:urlArray><ips:items>${esc(URL_A)}&amp;x</ips:items><!-- c --><ips:items><![CDATA[${URL_A}&y]]></ips:items></ips:urlArray></ips:cdnCacheInvalidationParam></s:Body></s:Envelope>`;
    const r = await post(sim.url, body);
    expect(r.status, r.text).toBe(200);
    expect(sim.calls[0]).toMatchObject({
      authNamespace: BASE_NS,
      bodyNamespace: NS,
      urls: [`${URL_A}&x`, `${URL_A}&y`],
    });
  });

  it('decodes character references and normalises line ends like an XML parser', async () => {
    const body = soap11(
      param(
        'cdnCacheInvalidation',
        `<companyHandle>c|6</companyHandle><urlArray>\n  <items>${URL_A}&#38;&#x1F600;&#13;x\r\ny</items>\n</urlArray>`,
      ),
    );
    expect((await post(sim.url, body)).status).toBe(200);
    expect(sim.calls[0]?.urls).toEqual([`${URL_A}&😀\rx\ny`]);
  });

  it('speaks SOAP 1.2 when asked in SOAP 1.2, with the action in the Content-Type', async () => {
    const env = (inner: string) =>
      `<env:Envelope xmlns:env="${SOAP12}"><env:Header>${authHeader({})}</env:Header><env:Body>${inner}</env:Body></env:Envelope>`;
    const ok = await post(sim.url, env(purgeBody('c|6', [URL_A])), {
      'content-type': 'application/soap+xml; charset=utf-8; action="cdnCacheInvalidation"',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^application\/soap\+xml/);
    expect(ok.text).toContain(`<soapenv:Envelope xmlns:soapenv="${SOAP12}">`);
    expect(returnOf(ok, 'cdnCacheInvalidation').estimatedSeconds).toBe('5');
    expect(sim.calls[0]).toMatchObject({ envelope: 'soap12', soapAction: '"cdnCacheInvalidation"' });

    const bad = await post(sim.url, env(purgeBody('c|42', [URL_A])), {
      'content-type': 'application/soap+xml',
    });
    expect(bad.status).toBe(500);
    const fault = at(bad.doc, 'Envelope', 'Body', 'Fault');
    expect(at(fault, 'Code', 'Value')).toBe('soapenv:Sender');
    expect(at(fault, 'Detail', 'authorizationFault', 'code')).toBe('20003');
  });

  it('serves the POX endpoint with bare return and fault elements', async () => {
    const request = (inner: string, auth: Auth = {}) =>
      `<Request xmlns="${NS}">${authHeader(auth)}${inner}</Request>`;
    const ok = await post(sim.poxUrl, request(purgeBody('c|6', [URL_A])));
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(new RegExp(`^<\\?xml[^>]*\\?><cdnCacheInvalidationReturn xmlns="${NS}">`));
    const fault = await post(
      sim.poxUrl,
      request(purgeBody('c|6', [URL_A]), { password: 'x', faultHttpStatusCode: 200 }),
    );
    expect(fault.status).toBe(200);
    expect(at(fault.doc, 'authenticationFault', 'code')).toBe('10001');
    expect(sim.calls.map((c) => c.envelope)).toEqual(['pox', 'pox']);
    // Each endpoint expects its own form.
    expect(faultOf(await post(sim.url, request(purgeBody('c|6', [URL_A])))).code).toBe(30003);
  });

  it('answers 404 off the endpoints and 405 for other methods', async () => {
    expect((await post(`${sim.origin}/scene7/services/Other`, soap11(''))).status).toBe(404);
    const get = await request(sim.url);
    await get.body.dump();
    expect(get.statusCode).toBe(405);
    expect(sim.calls).toHaveLength(0);
  });
});

describe('gzip', () => {
  const body = () => soap11(param('getCompanyInfo', '<companyName>JJEsquire</companyName>'));

  it('compresses when the client accepts gzip', async () => {
    const r = await post(sim.url, body(), { 'content-type': 'text/xml', 'accept-encoding': 'gzip, deflate' });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(at(returnOf(r, 'getCompanyInfo'), 'companyInfo', 'name')).toBe('JJEsquire');
  });

  it('does not compress without Accept-Encoding, with q=0, or with gzipResponse=false', async () => {
    for (const ae of [undefined, 'identity', 'gzip;q=0']) {
      const headers: Record<string, string> = { 'content-type': 'text/xml' };
      if (ae) headers['accept-encoding'] = ae;
      const r = await post(sim.url, body(), headers);
      expect(r.headers['content-encoding'], ae).toBeUndefined();
      expect(r.status).toBe(200);
    }
    const off = await post(
      sim.url,
      soap11(param('getCompanyInfo', '<companyName>JJEsquire</companyName>'), { gzipResponse: false }),
      {
        'content-type': 'text/xml',
        'accept-encoding': 'gzip',
      },
    );
    expect(off.headers['content-encoding']).toBeUndefined();
  });

  it('can be turned off for the whole simulator', async () => {
    const plain = await startIpsSimulator({ gzip: false });
    try {
      const r = await post(plain.url, body(), { 'content-type': 'text/xml', 'accept-encoding': 'gzip' });
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});

describe('lookup operations', () => {
  it('getCompanyInfo by name or handle', async () => {
    const byName = returnOf(
      await post(sim.url, soap11(param('getCompanyInfo', '<companyName>Example.com</companyName>'))),
      'getCompanyInfo',
    );
    expect(byName.companyInfo).toEqual({
      companyHandle: 'c|111',
      name: 'Example.com',
      rootPath: 'Example.com/',
      expires: '2101-01-31T23:00:00.030Z',
    });
    const byHandle = returnOf(
      await post(sim.url, soap11(param('getCompanyInfo', '<companyHandle>c|6</companyHandle>'))),
      'getCompanyInfo',
    );
    expect(at(byHandle, 'companyInfo', 'rootPath')).toBe('JJEsquire/');
    expect(
      faultOf(await post(sim.url, soap11(param('getCompanyInfo', '<companyName>jjesquire</companyName>'))))
        .code,
    ).toBe(20000);
    expect(faultOf(await post(sim.url, soap11(param('getCompanyInfo', '')))).code).toBe(30002);
    const viewer = { user: 'viewer-bot@example.com', password: 'viewer-secret' };
    expect(
      faultOf(
        await post(sim.url, soap11(param('getCompanyInfo', '<companyName>OtherCo</companyName>'), viewer)),
      ).code,
    ).toBe(20003);
  });

  it('getCompanyMembership lists the caller’s companies and roles', async () => {
    const r = returnOf(
      await post(sim.url, soap11(param('getCompanyMembership', ''))),
      'getCompanyMembership',
    );
    const items = at(r, 'membershipArray', 'items') as Array<Record<string, unknown>>;
    expect(
      items.map((i) => [at(i, 'company', 'companyHandle'), at(i, 'company', 'rootPath'), i.role, i.isActive]),
    ).toEqual([
      ['c|6', 'JJEsquire/', 'IpsCompanyAdmin', 'true'],
      ['c|111', 'Example.com/', 'IpsCompanyAdmin', 'true'],
      ['c|42', 'OtherCo/', 'IpsUser', 'true'],
    ]);
  });

  it('getCompanyMembers filters invalid and inactive members unless asked', async () => {
    const ask = async (flags: string) => {
      const r = returnOf(
        await post(sim.url, soap11(param('getCompanyMembers', `<companyHandle>c|6</companyHandle>${flags}`))),
        'getCompanyMembers',
      );
      const items = at(r, 'memberArray', 'items');
      return (Array.isArray(items) ? items : [items]) as Array<Record<string, unknown>>;
    };
    const all = await ask('<includeInvalid>true</includeInvalid><includeInactive>true</includeInactive>');
    expect(all.map((m) => [at(m, 'user', 'email'), m.role, m.isActive, at(m, 'user', 'isValid')])).toEqual([
      ['web-ops@jjesquire.com', 'IpsCompanyAdmin', 'true', 'true'],
      ['viewer@jjesquire.com', 'IpsUser', 'true', 'true'],
      ['gone@jjesquire.com', 'IpsCompanyAdmin', 'false', 'true'],
      ['invalid@jjesquire.com', 'IpsCompanyAdmin', 'true', 'false'],
      ['Ops.Lead@JJEsquire.com', 'IpsAdmin', 'true', 'true'],
    ]);
    expect(at(all[0], 'user', 'userHandle')).toMatch(/^u\|/);
    expect(at(all[0], 'user', 'firstName')).toBe('Web');
    const active = await ask(
      '<includeInvalid>false</includeInvalid><includeInactive>false</includeInactive>',
    );
    expect(active.map((m) => at(m, 'user', 'email'))).toEqual([
      'web-ops@jjesquire.com',
      'viewer@jjesquire.com',
      'Ops.Lead@JJEsquire.com',
    ]);
  });

  it('getCdnCacheInvalidationStatus is InProgress until estimatedSeconds passed, then Done', async () => {
    sim.setEstimatedSeconds(3600);
    const slow = String(
      returnOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]))), 'cdnCacheInvalidation')
        .invalidationHandle,
    );
    sim.setEstimatedSeconds(0);
    const fast = String(
      returnOf(await post(sim.url, soap11(purgeBody('c|6', [URL_A]))), 'cdnCacheInvalidation')
        .invalidationHandle,
    );
    const status = async (handle: string, company = 'c|6') =>
      post(
        sim.url,
        soap11(
          param(
            'getCdnCacheInvalidationStatus',
            `<companyHandle>${company}</companyHandle><invalidationHandle>${handle}</invalidationHandle>`,
          ),
        ),
      );
    const pending = returnOf(await status(slow), 'getCdnCacheInvalidationStatus');
    expect(pending.status).toBe('InProgress');
    expect(Number(pending.pingAfterSeconds)).toBeGreaterThan(0);
    const done = returnOf(await status(fast), 'getCdnCacheInvalidationStatus');
    expect(done.status).toBe('Done');
    expect(Number.isNaN(Date.parse(String(done.completionTime)))).toBe(false);
    expect(faultOf(await status('cdni|6|nope')).code).toBe(30001);
    expect(faultOf(await status(fast, 'c|111')).code).toBe(30001);
  });

  it('checkLogin and getUserInfo', async () => {
    const login = async (email: string, password: string) =>
      returnOf(
        await post(
          sim.url,
          soap11(param('checkLogin', `<email>${email}</email><password>${password}</password>`)),
        ),
        'checkLogin',
      ).status;
    expect(await login('viewer-bot@example.com', 'viewer-secret')).toBe('ValidLogin');
    expect(await login('viewer-bot@example.com', 'wrong')).toBe('InvalidLogin');
    const me = returnOf(await post(sim.url, soap11(param('getUserInfo', ''))), 'getUserInfo');
    expect(me.userInfo).toMatchObject({ email: SIM_DEFAULTS.user, isIpsAdmin: 'false', isValid: 'true' });
  });
});

describe('injected failures and test controls', () => {
  it('failNext http: an HTML error page, for the next n calls only', async () => {
    sim.failNext(2, { kind: 'http', status: 503 });
    for (let i = 0; i < 2; i++) {
      const r = await post(sim.url, soap11(purgeBody('c|6', [URL_A])));
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.text).toContain('<html>');
    }
    expect((await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
    expect(sim.calls.map((c) => c.httpStatus)).toEqual([503, 503, 200]);
    expect(sim.calls[0]).toMatchObject({ operation: 'cdnCacheInvalidation', urls: [URL_A] });
  });

  it('failNext with an operation only affects that operation', async () => {
    sim.failNext(
      1,
      { kind: 'http', status: 502, body: 'bad gateway', contentType: 'text/plain' },
      'cdnCacheInvalidation',
    );
    expect(
      (await post(sim.url, soap11(param('getCompanyInfo', '<companyName>JJEsquire</companyName>')))).status,
    ).toBe(200);
    const r = await post(sim.url, soap11(purgeBody('c|6', [URL_A])));
    expect([r.status, r.text, r.headers['content-type']]).toEqual([502, 'bad gateway', 'text/plain']);
    expect((await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
  });

  it('failNext fault: a SOAP fault of the given kind and code', async () => {
    sim.failNext(1, { kind: 'fault', fault: 'ipsApi', code: 30000, reason: 'Akamai says no' });
    const r = await post(sim.url, soap11(purgeBody('c|6', [URL_A]), { faultHttpStatusCode: 200 }));
    expect(r.status).toBe(200);
    expect(faultOf(r)).toMatchObject({ kind: 'ipsApiFault', code: 30000, reason: 'Akamai says no' });
    expect(sim.calls[0]?.faultCode).toBe(30000);
  });

  it('failNext reset: the socket is dropped without an answer', async () => {
    sim.failNext(1, { kind: 'reset' });
    const err = await post(sim.url, soap11(purgeBody('c|6', [URL_A]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as { code?: unknown }).code)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(sim.calls[0]?.httpStatus).toBe(0);
    expect((await post(sim.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
  });

  it('failNext hang: no answer until close(), which ends the request', async () => {
    const own = await startIpsSimulator();
    own.failNext(1, { kind: 'hang' });
    let settled = false;
    const pending = post(own.url, soap11(purgeBody('c|6', [URL_A]))).then(
      () => 'answered',
      () => 'failed',
    );
    void pending.then(() => {
      settled = true;
    });
    await expect.poll(() => own.calls.length, { timeout: 10_000 }).toBe(1);
    expect(settled).toBe(false);
    expect(own.calls[0]?.httpStatus).toBe(0);
    await own.close();
    expect(await pending).toBe('failed');
  });

  it('latency holds the answer back (a client timeout shorter than it fires)', async () => {
    sim.setLatency(60_000);
    const pool = new Pool(sim.origin, { headersTimeout: 200 });
    try {
      const err = await post(
        sim.url,
        soap11(purgeBody('c|6', [URL_A])),
        { 'content-type': 'text/xml' },
        pool,
      ).catch((e: unknown) => e);
      expect((err as { code?: unknown }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    } finally {
      await pool.destroy();
    }
  });

  it('counts TCP connections, and keep-alive reuses one', async () => {
    const before = sim.connections;
    const pool = new Pool(sim.origin, { connections: 1 });
    try {
      for (let i = 0; i < 10; i++) {
        const r = await post(
          sim.url,
          soap11(param('getCompanyInfo', '<companyName>JJEsquire</companyName>')),
          undefined,
          pool,
        );
        expect(r.status).toBe(200);
      }
    } finally {
      await pool.close();
    }
    expect(sim.connections - before).toBe(1);
  });

  it('addCompany and addUser extend the world; reset clears calls and failures only', async () => {
    const own = await startIpsSimulator();
    try {
      own.addCompany({ name: 'Acme Retail', handle: 'c|2101', rootPath: 'AcmeRetail/' });
      own.addUser({ user: 'acme-bot@example.com', password: 'pw', roles: { 'c|2101': 'IpsCompanyAdmin' } });
      const acme = { user: 'acme-bot@example.com', password: 'pw' };
      const info = returnOf(
        await post(own.url, soap11(param('getCompanyInfo', '<companyName>Acme Retail</companyName>'), acme)),
        'getCompanyInfo',
      );
      expect(at(info, 'companyInfo', 'rootPath')).toBe('AcmeRetail/');
      expect(
        (await post(own.url, soap11(purgeBody('c|2101', ['https://a.b/is/image/AcmeRetail/x']), acme)))
          .status,
      ).toBe(200);
      expect(
        faultOf(
          await post(own.url, soap11(purgeBody('c|2101', ['https://a.b/is/image/Acme Retail/x']), acme)),
        ).code,
      ).toBe(30001);
      expect(faultOf(await post(own.url, soap11(purgeBody('c|6', [URL_A]), acme))).code).toBe(20003);

      own.failNext(5, { kind: 'http', status: 500 });
      own.failUrl(URL_A);
      own.reset();
      expect(own.calls).toHaveLength(0);
      expect((await post(own.url, soap11(purgeBody('c|6', [URL_A])))).status).toBe(200);
      expect(
        (await post(own.url, soap11(purgeBody('c|2101', ['https://a.b/is/image/AcmeRetail/y']), acme)))
          .status,
      ).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('does not let tests mutate the shared defaults', async () => {
    const own = await startIpsSimulator();
    try {
      own.addCompany({ ...SIM_DEFAULTS.companies[0]!, rootPath: 'Changed/' });
      expect(SIM_DEFAULTS.companies[0]?.rootPath).toBe('JJEsquire/');
    } finally {
      await own.close();
    }
  });
});
