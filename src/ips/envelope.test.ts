import { inspect } from 'node:util';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { EnvelopeBuilder, type EnvelopeOptions, IPS_BASE_NAMESPACE, ipsNamespace } from './envelope.js';
import { IpsRequestError } from './errors.js';
import { IPS_XML_PARSER_OPTIONS } from './parse.js';

const V = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const OPTIONS: EnvelopeOptions = {
  user: 'bot@example.com',
  password: 's3cr&t<pw>',
  apiVersion: '2014-04-03',
  appName: 'dm-purge',
  appVersion: '0.1.0',
  locale: 'en-US',
  authHeaderNamespace: 'versioned',
  faultHttpStatusCode: undefined,
};

const HEAD =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>' +
  `<authHeader xmlns="${V}"><user>bot@example.com</user><password>s3cr&amp;t&lt;pw&gt;</password>` +
  '<locale>en-US</locale><appName>dm-purge</appName><appVersion>0.1.0</appVersion></authHeader>' +
  '</soapenv:Header><soapenv:Body>';
const TAIL = '</soapenv:Body></soapenv:Envelope>';

// --- A test-only request reader: what a server would see, read with the client's own parser options. ---
const reader = new XMLParser(IPS_XML_PARSER_OPTIONS);

function at(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function readCdnRequest(xml: string): { companyHandle: unknown; urls: unknown } {
  const param = at(reader.parse(xml), 'Envelope', 'Body', 'cdnCacheInvalidationParam');
  return { companyHandle: at(param, 'companyHandle'), urls: at(param, 'urlArray', 'items') };
}

describe('namespaces', () => {
  it('builds the versioned namespace from the API version', () => {
    expect(IPS_BASE_NAMESPACE).toBe('http://www.scene7.com/IpsApi/xsd');
    expect(ipsNamespace('2014-04-03')).toBe(V);
    expect(ipsNamespace('2017-10-29-beta')).toBe('http://www.scene7.com/IpsApi/xsd/2017-10-29-beta');
  });
});

describe('EnvelopeBuilder', () => {
  const b = new EnvelopeBuilder(OPTIONS);

  it('builds cdnCacheInvalidation exactly, URLs escaped and in order', () => {
    const xml = b.cdnCacheInvalidation('c|6', [
      'https://s7d7.scene7.com/is/image/JJEsquire/a?$thumbnail$&wid=200',
      'https://s7d7.scene7.com/is/content/JJEsquire/manual.pdf',
    ]);
    expect(xml).toBe(
      `${HEAD}<cdnCacheInvalidationParam xmlns="${V}"><companyHandle>c|6</companyHandle><urlArray>` +
        '<items>https://s7d7.scene7.com/is/image/JJEsquire/a?$thumbnail$&amp;wid=200</items>' +
        '<items>https://s7d7.scene7.com/is/content/JJEsquire/manual.pdf</items>' +
        `</urlArray></cdnCacheInvalidationParam>${TAIL}`,
    );
  });

  it('builds getCompanyInfo, getCompanyMembership, getCompanyMembers and the status call', () => {
    expect(b.getCompanyInfo('Example & Co')).toBe(
      `${HEAD}<getCompanyInfoParam xmlns="${V}"><companyName>Example &amp; Co</companyName></getCompanyInfoParam>${TAIL}`,
    );
    expect(b.getCompanyMembership()).toBe(`${HEAD}<getCompanyMembershipParam xmlns="${V}"/>${TAIL}`);
    expect(b.getCompanyMembers('c|6')).toBe(
      `${HEAD}<getCompanyMembersParam xmlns="${V}"><companyHandle>c|6</companyHandle>` +
        `<includeInvalid>true</includeInvalid><includeInactive>true</includeInactive></getCompanyMembersParam>${TAIL}`,
    );
    expect(b.getCdnCacheInvalidationStatus('c|6', 'cdni|6|abc')).toBe(
      `${HEAD}<getCdnCacheInvalidationStatusParam xmlns="${V}"><companyHandle>c|6</companyHandle>` +
        `<invalidationHandle>cdni|6|abc</invalidationHandle></getCdnCacheInvalidationStatusParam>${TAIL}`,
    );
  });

  it('puts the authHeader in the base namespace when asked, the Param stays versioned', () => {
    const xml = new EnvelopeBuilder({ ...OPTIONS, authHeaderNamespace: 'base' }).getCompanyMembership();
    expect(xml).toContain(`<authHeader xmlns="${IPS_BASE_NAMESPACE}"><user>`);
    expect(xml).toContain(`<getCompanyMembershipParam xmlns="${V}"/>`);
  });

  it('adds faultHttpStatusCode last when set, and omits an empty locale', () => {
    const xml = new EnvelopeBuilder({
      ...OPTIONS,
      faultHttpStatusCode: 200,
      locale: '',
    }).getCompanyMembership();
    expect(xml).toContain(
      '<password>s3cr&amp;t&lt;pw&gt;</password><appName>dm-purge</appName><appVersion>0.1.0</appVersion>' +
        '<faultHttpStatusCode>200</faultHttpStatusCode></authHeader>',
    );
    expect(xml).not.toContain('<locale>');
  });

  it('uses another API version in the Param namespace', () => {
    const xml = new EnvelopeBuilder({ ...OPTIONS, apiVersion: '2017-10-29-beta' }).getCompanyInfo('X');
    expect(xml).toContain('<getCompanyInfoParam xmlns="http://www.scene7.com/IpsApi/xsd/2017-10-29-beta">');
    expect(xml).toContain('<authHeader xmlns="http://www.scene7.com/IpsApi/xsd/2017-10-29-beta">');
  });

  it('keeps the password out of inspect and JSON', () => {
    const secretive = new EnvelopeBuilder({ ...OPTIONS, password: 'hunter2' });
    expect(inspect(secretive, { showHidden: true, depth: 5 })).not.toContain('hunter2');
    expect(JSON.stringify(secretive)).not.toContain('hunter2');
  });

  it('refuses an illegal character in the header at construction, without echoing it', () => {
    expect(() => new EnvelopeBuilder({ ...OPTIONS, password: 'pw\u0000hunter2' })).toThrow(IpsRequestError);
    try {
      new EnvelopeBuilder({ ...OPTIONS, password: 'pw\u0000hunter2' });
    } catch (err) {
      expect((err as Error).message).toMatch(/^password contains U\+0000 at character 3/);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('names the URL that cannot be sent', () => {
    expect(() => b.cdnCacheInvalidation('c|6', ['https://a/ok', 'https://a/\u0008'])).toThrow(
      /^URL 2 of 2: URL contains U\+0008 at character 11/,
    );
  });

  it('reads back like a server would: special characters, non-ASCII, emoji', () => {
    const urls = [
      'https://s7d7.scene7.com/is/image/JJEsquire/a?$p$&wid=1&amp;x',
      'https://x/is/image/R/<b>]]>"q"\'a\'',
      'https://x/is/image/R/Grüße 😀',
      '&lt;',
    ];
    expect(readCdnRequest(b.cdnCacheInvalidation('007', urls))).toEqual({ companyHandle: '007', urls });
  });

  it('round-trips any 1..50 strings without XML-illegal characters (property)', () => {
    const legalChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: excluding what XML 1.0 forbids
      (c) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u.test(c),
    );
    const unit = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constantFrom('&', '<', '>', '"', "'", ']]>', '\r\n', '\r', '\t', ' ', '&amp;', '&#13;'),
      },
      { weight: 3, arbitrary: legalChar },
    );
    const handle = fc.oneof(
      fc.constantFrom('c|6', '007', '1e5', 'true'),
      fc.string({ unit, minLength: 1, maxLength: 8 }),
    );
    fc.assert(
      fc.property(
        handle,
        fc.array(fc.string({ unit, maxLength: 40 }), { minLength: 1, maxLength: 50 }),
        (h, urls) => {
          const back = readCdnRequest(b.cdnCacheInvalidation(h, urls));
          expect(back.companyHandle).toBe(h);
          expect(back.urls).toEqual(urls);
        },
      ),
      { numRuns: 200 },
    );
  });
});
