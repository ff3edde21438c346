import { describe, expect, it } from 'vitest';
import { IpsFault, IpsTransportError } from './errors.js';
import {
  parseCdnCacheInvalidation,
  parseCdnCacheInvalidationStatus,
  parseCompanyInfo,
  parseCompanyMembers,
  parseCompanyMembership,
  readReturn,
} from './parse.js';

const V = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const BASE = 'http://www.scene7.com/IpsApi/xsd';

const soap11 = (body: string, header = '<soapenv:Header/>') =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const soap12 = (body: string) =>
  `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>${body}</env:Body></env:Envelope>`;

const CDN_OK = `<cdnCacheInvalidationReturn xmlns="${V}"><invalidationHandle>cdni|9686|91059dae-5723-11e9-aec5-ffb7dbdf5582</invalidationHandle><estimatedSeconds>5</estimatedSeconds></cdnCacheInvalidationReturn>`;

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function fault(f: () => unknown): IpsFault {
  const err = caught(f);
  expect(err).toBeInstanceOf(IpsFault);
  return err as IpsFault;
}

function transport(f: () => unknown): IpsTransportError {
  const err = caught(f);
  expect(err).toBeInstanceOf(IpsTransportError);
  return err as IpsTransportError;
}

describe('successful replies', () => {
  it('cdnCacheInvalidation: handle stays a string, estimatedSeconds becomes a number', () => {
    expect(parseCdnCacheInvalidation(soap11(CDN_OK), 200)).toEqual({
      invalidationHandle: 'cdni|9686|91059dae-5723-11e9-aec5-ffb7dbdf5582',
      estimatedSeconds: 5,
    });
  });

  it('keeps handle-like values that look numeric as strings', () => {
    const body = soap11(
      `<cdnCacheInvalidationReturn><invalidationHandle>007</invalidationHandle><estimatedSeconds> 12 </estimatedSeconds></cdnCacheInvalidationReturn>`,
    );
    expect(parseCdnCacheInvalidation(body, 200)).toEqual({ invalidationHandle: '007', estimatedSeconds: 12 });
    const info = soap11(
      '<getCompanyInfoReturn><companyInfo><companyHandle>1e5</companyHandle><name>true</name><rootPath>0x1A/</rootPath></companyInfo></getCompanyInfoReturn>',
    );
    expect(parseCompanyInfo(info, 200)).toEqual({ companyHandle: '1e5', name: 'true', rootId: '0x1A' });
  });

  it('ignores extra and unknown elements, prefixes and pretty-printing', () => {
    const body = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">
      <S:Header><x:trace xmlns:x="urn:x">abc</x:trace></S:Header>
      <S:Body>
        <ns2:cdnCacheInvalidationReturn xmlns:ns2="${V}">
          <ns2:invalidationHandle>cdni|6|u</ns2:invalidationHandle>
          <ns2:successCount>4</ns2:successCount>
          <ns2:estimatedSeconds>7</ns2:estimatedSeconds>
          <ns2:future><ns2:deep>1</ns2:deep></ns2:future>
        </ns2:cdnCacheInvalidationReturn>
        <other>ignored</other>
      </S:Body>
    </S:Envelope>`;
    expect(parseCdnCacheInvalidation(body, 200)).toEqual({
      invalidationHandle: 'cdni|6|u',
      estimatedSeconds: 7,
    });
  });

  it('accepts a SOAP 1.2 envelope and a bare (POX) return element', () => {
    expect(parseCdnCacheInvalidation(soap12(CDN_OK), 200).invalidationHandle).toMatch(/^cdni\|9686\|/);
    expect(parseCdnCacheInvalidation(CDN_OK, 200).estimatedSeconds).toBe(5);
  });

  it('decodes entities and character references in values', () => {
    const body = soap11(
      '<getCompanyInfoReturn><companyInfo><companyHandle>c|6</companyHandle><name>A &amp; B &#233;&#x1F600;</name><rootPath>AB/</rootPath></companyInfo></getCompanyInfoReturn>',
    );
    expect(parseCompanyInfo(body, 200).name).toBe('A & B é😀');
  });

  it('getCompanyInfo: rootId is rootPath without its trailing slash', () => {
    const body = soap11(
      `<getCompanyInfoReturn xmlns="${V}"><companyInfo><companyHandle>111</companyHandle><name>Example.com</name><rootPath>Example.com/</rootPath><expires>2101-01-31T23:00:00.030Z</expires></companyInfo></getCompanyInfoReturn>`,
    );
    expect(parseCompanyInfo(body, 200)).toEqual({
      companyHandle: '111',
      name: 'Example.com',
      rootId: 'Example.com',
    });
  });

  it('getCompanyMembership: membershipArray items, one or many', () => {
    const item = (h: string, role: string, active: string) =>
      `<items><company><companyHandle>${h}</companyHandle><name>N${h}</name><rootPath>R${h}/</rootPath></company><role>${role}</role><isActive>${active}</isActive></items>`;
    const one = soap11(
      `<getCompanyMembershipReturn><membershipArray>${item('c|6', 'IpsCompanyAdmin', 'true')}</membershipArray></getCompanyMembershipReturn>`,
    );
    expect(parseCompanyMembership(one, 200)).toEqual([
      {
        company: { companyHandle: 'c|6', name: 'Nc|6', rootId: 'Rc|6' },
        role: 'IpsCompanyAdmin',
        active: true,
      },
    ]);
    const two = soap11(
      `<getCompanyMembershipReturn><membershipArray>${item('c|1', 'IpsUser', 'false')}${item('c|2', 'IpsAdmin', '1')}</membershipArray></getCompanyMembershipReturn>`,
    );
    expect(parseCompanyMembership(two, 200).map((m) => [m.company.companyHandle, m.role, m.active])).toEqual([
      ['c|1', 'IpsUser', false],
      ['c|2', 'IpsAdmin', true],
    ]);
  });

  it('getCompanyMembership: empty lists and the old flat companyArray shape', () => {
    expect(parseCompanyMembership(soap11('<getCompanyMembershipReturn/>'), 200)).toEqual([]);
    expect(
      parseCompanyMembership(
        soap11('<getCompanyMembershipReturn><membershipArray/></getCompanyMembershipReturn>'),
        200,
      ),
    ).toEqual([]);
    const old = soap11(
      '<getCompanyMembershipReturn><companyArray><items><companyHandle>137</companyHandle><name>Planetary</name><rootPath>Planetary/</rootPath></items></companyArray></getCompanyMembershipReturn>',
    );
    expect(parseCompanyMembership(old, 200)).toEqual([
      { company: { companyHandle: '137', name: 'Planetary', rootId: 'Planetary' }, role: '', active: true },
    ]);
  });

  it('getCompanyMembers: maps user/email, role, isActive, isValid; keeps email as given', () => {
    const body = soap11(
      '<getCompanyMembersReturn><memberArray>' +
        '<items><user><userHandle>u|1|A@X.com</userHandle><firstName>A</firstName><lastName>B</lastName><email>A@X.com</email><isValid>true</isValid></user><role>IpsCompanyAdmin</role><isActive>true</isActive></items>' +
        '<items><user><email>old@x.com</email><isValid>false</isValid></user><role>IpsUser</role><isActive>false</isActive></items>' +
        '<items><user><email>unknown@x.com</email></user><role>IpsAdmin</role></items>' +
        '</memberArray></getCompanyMembersReturn>',
    );
    expect(parseCompanyMembers(body, 200)).toEqual([
      { email: 'A@X.com', role: 'IpsCompanyAdmin', active: true, valid: true },
      { email: 'old@x.com', role: 'IpsUser', active: false, valid: false },
      { email: 'unknown@x.com', role: 'IpsAdmin', active: false, valid: false },
    ]);
    expect(
      parseCompanyMembers(soap11('<getCompanyMembersReturn><memberArray/></getCompanyMembersReturn>'), 200),
    ).toEqual([]);
  });

  it('getCdnCacheInvalidationStatus: optional fields may be absent', () => {
    const full = soap11(
      '<getCdnCacheInvalidationStatusReturn><status>InProgress</status><pingAfterSeconds>3</pingAfterSeconds><completionTime>2026-07-01T10:00:00Z</completionTime></getCdnCacheInvalidationStatusReturn>',
    );
    expect(parseCdnCacheInvalidationStatus(full, 200)).toEqual({
      status: 'InProgress',
      pingAfterSeconds: 3,
      completionTime: '2026-07-01T10:00:00Z',
    });
    const bare = soap11(
      '<getCdnCacheInvalidationStatusReturn><status>Done</status></getCdnCacheInvalidationStatusReturn>',
    );
    expect(parseCdnCacheInvalidationStatus(bare, 200)).toEqual({
      status: 'Done',
      pingAfterSeconds: undefined,
      completionTime: undefined,
    });
  });
});

describe('faults', () => {
  it('authentication 10001 (default namespace, HTTP 500)', () => {
    const body = soap11(
      `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>AuthenticationException</faultstring><detail><authenticationFault xmlns="${BASE}"><code>10001</code><reason>Invalid username/password</reason></authenticationFault></detail></soapenv:Fault>`,
    );
    const f = fault(() => parseCdnCacheInvalidation(body, 500));
    expect(f).toMatchObject({
      kind: 'authentication',
      code: 10001,
      codeName: 'INVALID_CREDENTIALS',
      reason: 'Invalid username/password',
      httpStatus: 500,
      operation: 'cdnCacheInvalidation',
    });
  });

  it('authorization 20003 with ns1: prefixes', () => {
    const body = soap11(
      `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>AuthorizationException</faultstring><detail><ns1:authorizationFault xmlns:ns1="${BASE}"><ns1:code>20003</ns1:code><ns1:reason>User does not have permission to access operation 'cdnCacheInvalidation'</ns1:reason></ns1:authorizationFault></detail></soapenv:Fault>`,
    );
    expect(fault(() => parseCdnCacheInvalidation(body, 500))).toMatchObject({
      kind: 'authorization',
      code: 20003,
      codeName: 'NO_OPERATION_PERMISSION',
      reason: "User does not have permission to access operation 'cdnCacheInvalidation'",
    });
  });

  it('ipsApi 30001 with tns: prefixes, inside a 200 response (faultHttpStatusCode=200)', () => {
    const body = soap11(
      `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>ipsApiFault</faultstring><detail><tns:ipsApiFault xmlns:tns="${BASE}"><tns:code>30001</tns:code><tns:reason>Invalid URL: https://x/y</tns:reason></tns:ipsApiFault></detail></soapenv:Fault>`,
    );
    expect(fault(() => parseCdnCacheInvalidation(body, 200))).toMatchObject({
      kind: 'ipsApi',
      code: 30001,
      codeName: 'INVALID_PARAMETER',
      reason: 'Invalid URL: https://x/y',
      httpStatus: 200,
    });
  });

  it('a fault wins over any return in the same Body, for every operation', () => {
    const body = soap11(
      `<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>x</faultstring><detail><authorizationFault><code>20000</code><reason>r</reason></authorizationFault></detail></soapenv:Fault>`,
    );
    expect(fault(() => parseCompanyInfo(body, 500)).operation).toBe('getCompanyInfo');
    expect(fault(() => parseCompanyMembership(body, 500)).codeName).toBe('INVALID_COMPANY');
    expect(fault(() => parseCompanyMembers(body, 500)).kind).toBe('authorization');
    expect(fault(() => parseCdnCacheInvalidationStatus(body, 500)).code).toBe(20000);
  });

  it('SOAP 1.2 fault', () => {
    const body = soap12(
      `<env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">AuthorizationException</env:Text></env:Reason><env:Detail><ns1:authorizationFault xmlns:ns1="${BASE}"><ns1:code>20006</ns1:code><ns1:reason>Illegal company</ns1:reason></ns1:authorizationFault></env:Detail></env:Fault>`,
    );
    expect(fault(() => parseCdnCacheInvalidation(body, 500))).toMatchObject({
      kind: 'authorization',
      code: 20006,
      reason: 'Illegal company',
    });
  });

  it('bare (POX) fault element with HTTP 200', () => {
    const body = `<tns:authenticationFault xmlns:tns="${BASE}"><tns:code>10001</tns:code><tns:reason>Invalid username/password</tns:reason></tns:authenticationFault>`;
    expect(fault(() => parseCdnCacheInvalidation(body, 200))).toMatchObject({
      kind: 'authentication',
      code: 10001,
      httpStatus: 200,
    });
  });

  it('a SOAP fault without an IPS detail is still a final fault, with the faultstring as reason', () => {
    const body = soap11(
      '<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Internal stack failure</faultstring></soapenv:Fault>',
    );
    expect(fault(() => parseCdnCacheInvalidation(body, 500))).toMatchObject({
      kind: 'ipsApi',
      code: 0,
      codeName: 'UNKNOWN',
      reason: 'Internal stack failure',
    });
  });

  it('a detail without a numeric code keeps the kind, code 0, and falls back to faultstring', () => {
    const body = soap11(
      '<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>fs</faultstring><detail><ipsApiFault><code>abc</code></ipsApiFault></detail></soapenv:Fault>',
    );
    expect(fault(() => parseCdnCacheInvalidation(body, 500))).toMatchObject({
      kind: 'ipsApi',
      code: 0,
      reason: 'fs',
    });
  });
});

describe('replies that are not IPS replies', () => {
  const HTML =
    '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>Try later<br></p></body></html>';

  it.each([
    ['empty body', ''],
    ['whitespace only', '  \n '],
    ['HTML error page', HTML],
    ['well-formed HTML', '<html><body><p>maintenance</p></body></html>'],
    ['plain text', 'Service Unavailable'],
    ['JSON', '{"error":"nope"}'],
    ['truncated XML', soap11(CDN_OK).slice(0, 200)],
    ['truncated at the very end', soap11(CDN_OK).slice(0, -1)],
    ['envelope without Body', '<soapenv:Envelope xmlns:soapenv="x"><soapenv:Header/></soapenv:Envelope>'],
    ['return of another operation', soap11('<getCompanyInfoReturn><companyInfo/></getCompanyInfoReturn>')],
    [
      'a DOCTYPE with entities',
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><cdnCacheInvalidationReturn><invalidationHandle>&a;</invalidationHandle><estimatedSeconds>5</estimatedSeconds></cdnCacheInvalidationReturn>',
    ],
    [
      'estimatedSeconds not an integer',
      soap11(
        '<cdnCacheInvalidationReturn><invalidationHandle>h</invalidationHandle><estimatedSeconds>soon</estimatedSeconds></cdnCacheInvalidationReturn>',
      ),
    ],
    [
      'estimatedSeconds empty',
      soap11(
        '<cdnCacheInvalidationReturn><invalidationHandle>h</invalidationHandle><estimatedSeconds/></cdnCacheInvalidationReturn>',
      ),
    ],
    [
      'missing invalidationHandle',
      soap11(
        '<cdnCacheInvalidationReturn><estimatedSeconds>5</estimatedSeconds></cdnCacheInvalidationReturn>',
      ),
    ],
    ['empty return', soap11('<cdnCacheInvalidationReturn/>')],
  ])('%s → invalid-response, not retryable on 200, retryable on 503', (_name, body) => {
    const on200 = transport(() => parseCdnCacheInvalidation(body, 200));
    expect(on200.type).toBe('invalid-response');
    expect(on200.retryable).toBe(false);
    expect(on200.httpStatus).toBe(200);
    expect(on200.operation).toBe('cdnCacheInvalidation');
    const on503 = transport(() => parseCdnCacheInvalidation(body, 503));
    expect(on503.type).toBe('invalid-response');
    expect(on503.retryable).toBe(true);
  });

  it('names what was expected and what came instead', () => {
    const err = transport(() => readReturn('cdnCacheInvalidation', soap11('<somethingElse/>'), 200));
    expect(err.message).toContain('expected cdnCacheInvalidationReturn, found somethingElse');
  });

  it('does not let element names reach Object.prototype', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const body = soap11(`<${name}>x</${name}>`);
      expect(transport(() => readReturn('cdnCacheInvalidation', body, 200)).type).toBe('invalid-response');
    }
    // fast-xml-parser itself refuses `constructor`; the others must not be mistaken for fault kinds.
    for (const name of ['toString', 'hasOwnProperty', 'valueOf']) {
      const inDetail = soap11(
        `<soapenv:Fault><faultstring>fs</faultstring><detail><${name}><code>1</code></${name}></detail></soapenv:Fault>`,
      );
      expect(fault(() => readReturn('cdnCacheInvalidation', inDetail, 500))).toMatchObject({
        kind: 'ipsApi',
        code: 0,
      });
    }
    const proto = '<__proto__><polluted>yes</polluted></__proto__>';
    expect(transport(() => readReturn('cdnCacheInvalidation', proto, 200)).type).toBe('invalid-response');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
