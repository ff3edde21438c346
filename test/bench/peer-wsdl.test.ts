import { fileURLToPath } from 'node:url';
import { createClientAsync } from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHttpRoundTrip } from '../../bench/support/raw-http.js';
import {
  APP,
  benchUrls,
  COMPANY_HANDLE,
  CREDENTIALS,
  IPS_NAMESPACE,
} from '../../bench/support/soap-fixture.js';
import { type IpsSimulator, startIpsSimulator } from '../support/ips-simulator.js';

/**
 * The soap-client bench rows compare our client with the generic `soap` package on
 * bench/ips-peer.wsdl, and with a bare socket. Both comparisons only mean something if those
 * clients make the same, successful call; these tests hold them to it.
 */
const WSDL = fileURLToPath(new URL('../../bench/ips-peer.wsdl', import.meta.url));

let sim: IpsSimulator;
beforeAll(async () => {
  sim = await startIpsSimulator();
});
afterAll(async () => {
  await sim?.close();
});

describe('the peer SOAP client on bench/ips-peer.wsdl', () => {
  it('makes a cdnCacheInvalidation call IPS accepts: versioned authHeader, SOAPAction, URLs untouched', async () => {
    sim.reset();
    const client = await createClientAsync(WSDL, { endpoint: sim.url });
    client.addSoapHeader(
      {
        authHeader: { ...CREDENTIALS, locale: APP.locale, appName: APP.appName, appVersion: APP.appVersion },
      },
      'authHeader',
      'tns',
      IPS_NAMESPACE,
    );
    const urls = benchUrls();
    const [result] = (await client.cdnCacheInvalidationAsync({
      companyHandle: COMPANY_HANDLE,
      urlArray: { items: urls },
    })) as [{ invalidationHandle?: string; estimatedSeconds?: number }];

    const call = sim.calls.find((c) => c.operation === 'cdnCacheInvalidation');
    expect(call?.httpStatus).toBe(200);
    expect(call?.soapAction?.replaceAll('"', '')).toBe('cdnCacheInvalidation');
    expect(call?.user).toBe(CREDENTIALS.user);
    expect(call?.authNamespace).toBe(IPS_NAMESPACE);
    expect(call?.bodyNamespace).toBe(IPS_NAMESPACE);
    expect(call?.companyHandle).toBe(COMPANY_HANDLE);
    expect(call?.urls).toEqual(urls);
    expect(result.invalidationHandle).toBe(call?.response?.invalidationHandle);
    expect(Number(result.estimatedSeconds)).toBe(call?.response?.estimatedSeconds);
  });
});

describe('RawHttpRoundTrip (the transport floor)', () => {
  it('sends the prebuilt request on one keep-alive socket and returns each whole reply', async () => {
    sim.reset();
    const connectionsBefore = sim.connections;
    const url = new URL(sim.url);
    const items = ['https://s7d7.scene7.com/is/image/JJEsquire/a?$p$&amp;wid=1'];
    const body = Buffer.from(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>` +
        `<authHeader xmlns="${IPS_NAMESPACE}"><user>${CREDENTIALS.user}</user><password>${CREDENTIALS.password}</password>` +
        `<appName>x</appName><appVersion>1</appVersion></authHeader></soapenv:Header><soapenv:Body>` +
        `<cdnCacheInvalidationParam xmlns="${IPS_NAMESPACE}"><companyHandle>${COMPANY_HANDLE}</companyHandle>` +
        `<urlArray>${items.map((u) => `<items>${u}</items>`).join('')}</urlArray></cdnCacheInvalidationParam>` +
        `</soapenv:Body></soapenv:Envelope>`,
    );
    const raw = new RawHttpRoundTrip(
      url,
      RawHttpRoundTrip.build(
        url,
        { 'content-type': 'text/xml; charset=utf-8', soapaction: 'cdnCacheInvalidation' },
        body,
      ),
    );
    await raw.open();
    try {
      const first = (await raw.send()).toString('latin1');
      const second = (await raw.send()).toString('latin1');
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      expect(first).toContain('<invalidationHandle>cdni|');
      expect(second).toContain('<invalidationHandle>cdni|');
    } finally {
      raw.close();
    }
    const calls = sim.calls.filter((c) => c.operation === 'cdnCacheInvalidation');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.urls).toEqual(['https://s7d7.scene7.com/is/image/JJEsquire/a?$p$&wid=1']);
    // Keep-alive: both calls came over the one connection.
    expect(sim.connections - connectionsBefore).toBe(1);
  });
});
