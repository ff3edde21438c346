import { EnvelopeBuilder } from '../../src/ips/envelope.js';
import { parseCdnCacheInvalidation } from '../../src/ips/parse.js';
import { type BenchRow, summarize } from '../types.js';

/**
 * Client-side CPU of one full cdnCacheInvalidation call without the network: build a 1000-URL
 * envelope (presets and `&` in every URL, so each one takes the escaping path) and parse a reply.
 */
const URLS = 1000;
const WARMUP = 200;
const ITERATIONS = 1000;

function urls(): string[] {
  const presets = ['$thumbnail$', '$product$', '$large$', '$zoom$'];
  return Array.from(
    { length: URLS },
    (_, i) =>
      `https://s7d7.scene7.com/is/image/JJEsquire/SS26-knit-polo-${String(i).padStart(5, '0')}?${presets[i % 4]}&wid=${200 + (i % 7) * 100}&fmt=webp`,
  );
}

const REPLY =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>' +
  '<cdnCacheInvalidationReturn xmlns="http://www.scene7.com/IpsApi/xsd/2014-04-03">' +
  '<invalidationHandle>cdni|6|3f1c2d7e-0b5a-11ef-9a1e-0242ac120002</invalidationHandle>' +
  '<estimatedSeconds>5</estimatedSeconds>' +
  '</cdnCacheInvalidationReturn></soapenv:Body></soapenv:Envelope>';

const row: BenchRow = {
  name: 'soap',
  async run() {
    const builder = new EnvelopeBuilder({
      user: 'bot@example.com',
      password: 'not-a-real-password',
      apiVersion: '2014-04-03',
      appName: 'dm-purge',
      appVersion: '0.1.0',
      locale: 'en-US',
      authHeaderNamespace: 'versioned',
      faultHttpStatusCode: undefined,
    });
    const list = urls();
    let sink = 0;
    const once = (): void => {
      const envelope = builder.cdnCacheInvalidation('c|6', list);
      // Force the concatenated string to be flattened, as writing it to a socket would.
      sink += envelope.charCodeAt(envelope.length >> 1);
      sink += parseCdnCacheInvalidation(REPLY, 200).estimatedSeconds;
    };
    for (let i = 0; i < WARMUP; i++) once();
    const samples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t0 = performance.now();
      once();
      samples.push(performance.now() - t0);
    }
    if (sink === 0) throw new Error('unreachable: keeps the work observable');
    const { median, p99 } = summarize(samples);
    const bytes = Buffer.byteLength(builder.cdnCacheInvalidation('c|6', list));
    return [
      {
        row: 'SOAP build+parse, 1000 URLs (in-process)',
        unit: 'ms',
        median,
        p99,
        target: 2,
        targetOn: 'median',
        direction: 'max',
        note: `envelope ${(bytes / 1024).toFixed(0)} KB, ${ITERATIONS} iterations after ${WARMUP} warm-up`,
      },
    ];
  },
};

export default row;
