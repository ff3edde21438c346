import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { purgeKeys } from '../../src/purge/keys.js';
import type { PurgeView } from '../../src/purge/model.js';
import type { Notifier } from '../../src/purge/ports.js';
import { dedupeHash } from '../../src/purge/service.js';
import { JJ_COMPANY } from '../../test/support/engine-fixtures.js';
import { dropPrefix, simClient, testEngine } from '../../test/support/engine-harness.js';
import { startIpsSimulator } from '../../test/support/ips-simulator.js';
import { TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import type { BenchRow } from '../types.js';

/**
 * Redis memory per finished 1000-URL purge, by MEMORY USAGE: its record (hash with the deflated
 * URL list), its dedupe key, and its share of the user, company and recent indexes. BullMQ's
 * own keys (jobs are removed on completion; the event stream is capped) are shown in the note.
 */
const PURGES = 20;
const presets = ['thumbnail', 'product', 'zoom', 'swatch', 'hero', 'mobile', 'cart', 'pdp-main'];
const views = ['front', 'back', 'side', 'detail', 'alt1', 'alt2'];

/** Delivery URLs as they come from a catalogue: random SKUs, views and presets, some modifiers. */
function realisticUrls(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const sku = `${randomInt(10, 99)}-${randomInt(100_000, 999_999)}_${views[randomInt(0, views.length)]}`;
    const mod = randomInt(0, 3) === 0 ? `&wid=${randomInt(100, 2000)}&fmt=webp` : '';
    out.push(
      `https://s7d7.scene7.com/is/image/JJEsquire/${sku}?$${presets[randomInt(0, presets.length)]}$${mod}`,
    );
  }
  return out;
}

async function usage(redis: Redis, key: string): Promise<number> {
  const bytes = (await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
  return bytes ?? 0;
}

async function prefixBytes(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) total += await usage(redis, k);
  } while (cursor !== '0');
  return total;
}

const row: BenchRow = {
  name: 'redis-bytes',
  async run() {
    const sim = await startIpsSimulator({ estimatedSeconds: 0 });
    const client = simClient(sim);
    let confirmed = 0;
    let finished: () => void = () => {};
    const all = new Promise<void>((r) => {
      finished = r;
    });
    const notifier: Notifier = {
      async progress() {},
      async confirmed(_p: PurgeView) {
        if (++confirmed === PURGES) finished();
      },
      async failed(p: PurgeView) {
        throw new Error(`redis-bytes bench: purge ${p.id} failed`);
      },
    };
    const prefix = testPrefix('bench-bytes');
    const keys = purgeKeys(prefix);
    const { engine } = testEngine({
      prefix,
      ips: client,
      notifier,
      limits: { callsPerMinutePerCompany: 100_000, dedupeSeconds: 60 },
      engine: { confirmGraceMs: 0, retentionDays: 30 },
    });
    const redis = new Redis(TEST_REDIS_URL);
    const perPurge: number[] = [];
    let urlBytes = 0;
    let total = 0;
    try {
      await engine.startWorkers();
      const accepted: { id: string; urls: string[] }[] = [];
      for (let i = 0; i < PURGES; i++) {
        const urls = realisticUrls(1000);
        urlBytes += Buffer.byteLength(urls.join('\n'));
        const res = await engine.service.accept({
          company: { ...JJ_COMPANY },
          requester: `U${i}`,
          origin: { kind: 'command', channel: 'C0123456', threadTs: '1732550000.000100' },
          urls,
        });
        if (res.kind !== 'accepted') throw new Error(`redis-bytes bench: ${res.kind}`);
        accepted.push({ id: res.purge.id, urls });
      }
      await all;
      const shared =
        (await usage(redis, keys.companyIndex(JJ_COMPANY.name))) +
        (await usage(redis, keys.recent(JJ_COMPANY.handle))) +
        (await usage(redis, keys.active()));
      for (const [i, a] of accepted.entries()) {
        perPurge.push(
          (await usage(redis, keys.purge(a.id))) +
            (await usage(redis, keys.dedupe(dedupeHash(`U${i}`, JJ_COMPANY.handle, a.urls)))) +
            (await usage(redis, keys.userIndex(`U${i}`))) +
            shared / PURGES,
        );
      }
      total = await prefixBytes(redis, prefix);
    } finally {
      await engine.close(2000);
      await client.close();
      await sim.close();
      await dropPrefix(prefix);
      redis.disconnect();
    }
    const kb = perPurge.map((b) => b / 1024);
    const mean = kb.reduce((a, b) => a + b, 0) / kb.length;
    return [
      {
        row: 'Redis bytes per finished 1000-URL purge',
        unit: 'KB',
        median: mean,
        p99: Math.max(...kb),
        target: 20,
        targetOn: 'median',
        direction: 'max',
        note:
          `mean of ${PURGES} purges (p99 column = largest); raw URL text ${(urlBytes / PURGES / 1024).toFixed(1)} KB per purge; ` +
          `all keys under the prefix incl. BullMQ: ${(total / PURGES / 1024).toFixed(1)} KB per purge`,
      },
    ];
  },
};

export default row;
