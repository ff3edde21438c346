import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpsClient } from '../src/ips/client.js';
import { IpsFault } from '../src/ips/errors.js';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './support/ips-simulator.js';

// Property: whatever URL text a user gives, the client's envelope carries it to IPS unchanged, and text IPS
// echoes back (a fault reason naming the URL) reaches the caller unchanged. Built by the client, read by
// the simulator's own independent XML reader, over real HTTP.

const PREFIXES = [
  'https://s7d9.scene7.com/is/image/JJEsquire/',
  'http://images.jjesquire.com/is/content/JJEsquire/',
  'https://s7g10.scene7.com/ir/render/JJEsquire/',
  'https://s7d9.scene7.com/e2/JJEsquire/',
];

/** Pieces that stress escaping, whitespace handling and parsers' special sequences. */
const TRICKY = [
  '&',
  '<',
  '>',
  ']]>',
  '"',
  "'",
  '&amp;',
  '&#13;',
  '&lt;',
  '<![CDATA[',
  '<!--',
  '-->',
  '\r',
  '\r\n',
  '\n',
  '\t',
  ' ',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '?$thumbnail$',
  '&wid=200',
  '%20',
  'ü',
  'Größe',
  '😀',
  '𝔘',
];

const XML_ILLEGAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 cannot carry these, so the property excludes them
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const suffix = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join('').replace(XML_ILLEGAL, ''));

const deliveryUrl = fc.tuple(fc.constantFrom(...PREFIXES), suffix).map(([p, s]) => p + s);

let sim: IpsSimulator;
let client: IpsClient;

beforeAll(async () => {
  sim = await startIpsSimulator();
  client = new IpsClient({
    url: sim.url,
    user: SIM_DEFAULTS.user,
    password: SIM_DEFAULTS.password,
    apiVersion: '2014-04-03',
    appName: 'dm-purge',
    appVersion: '0.0.0-test',
    tuning: {
      connectTimeoutMs: 2000,
      headersTimeoutMs: 5000,
      bodyTimeoutMs: 5000,
      connections: 4,
      authHeaderNamespace: 'versioned',
      faultHttpStatusCode: undefined,
      locale: 'en-US',
    },
  });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

describe('IPS round trip', () => {
  it('URLs survive client build → simulator → parse unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deliveryUrl, { minLength: 1, maxLength: 20 }), async (urls) => {
        sim.reset();
        const result = await client.cdnCacheInvalidation('c|6', urls);
        expect(result.invalidationHandle).toMatch(/^cdni\|6\|/);
        expect(sim.calls).toHaveLength(1);
        expect(sim.calls[0]?.urls).toEqual(urls);
      }),
      { numRuns: 100 },
    );
  });

  it('a fault reason naming an arbitrary URL reaches the caller unchanged', async () => {
    const foreign = suffix.map((s) => `https://s7d9.scene7.com/is/image/SomeoneElse/${s}`);
    await fc.assert(
      fc.asyncProperty(foreign, async (url) => {
        sim.reset();
        const err = await client.cdnCacheInvalidation('c|6', [url]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(IpsFault);
        expect((err as IpsFault).code).toBe(30001);
        expect((err as IpsFault).reason).toContain(`'${url}'`);
      }),
      { numRuns: 50 },
    );
  });
});
