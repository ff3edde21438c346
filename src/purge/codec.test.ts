import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jjUrls } from '../../test/support/engine-fixtures.js';
import { decodeUrls, encodeUrls } from './codec.js';

describe('URL list codec', () => {
  it('round-trips any list of strings without line breaks', () => {
    const url = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !/[\n]/.test(s));
    fc.assert(
      fc.property(fc.array(url, { maxLength: 50 }), (urls) => {
        expect(decodeUrls(encodeUrls(urls))).toEqual(urls);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips the empty list', () => {
    expect(decodeUrls(encodeUrls([]))).toEqual([]);
  });

  it('keeps URLs byte for byte (query, &, $preset$, non-ASCII)', () => {
    const urls = ['https://s7d7.scene7.com/is/image/JJEsquire/ü-ß?$zoom$&wid=100&a=%20', 'https://x/é🎉?$p$'];
    expect(decodeUrls(encodeUrls(urls))).toEqual(urls);
  });

  it('stores a realistic 1000-URL list in well under 20 KB', () => {
    const urls = jjUrls(1000);
    const raw = Buffer.byteLength(urls.join('\n'));
    const packed = encodeUrls(urls).length;
    expect(raw).toBeGreaterThan(60_000);
    expect(packed).toBeLessThan(12_000);
  });
});
