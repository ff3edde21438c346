import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jjUrls } from '../../test/support/engine-fixtures.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { planBatches } from './batching.js';
import { newPurgeId } from './ids.js';
import { purgeKeys } from './keys.js';
import type { PurgeRecord } from './model.js';
import { PurgeStore } from './store.js';

const prefix = testPrefix('store');
const keys = purgeKeys(prefix);
let redis: Redis;
let store: PurgeStore;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new PurgeStore(redis, keys, { retentionSeconds: 3600, indexLimit: 3, recentWindowMs: 60_000 });
});

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

function record(id: string, n: number, requester = 'U1'): PurgeRecord {
  const now = Date.now();
  return {
    id,
    company: { name: 'JJEsquire', handle: 'c|6', rootId: 'JJEsquire' },
    requester,
    origin: { kind: 'command', channel: 'C1' },
    status: 'queued',
    urlCount: n,
    skippedCount: 0,
    batches: planBatches(n, 1000),
    rejected: [],
    createdAt: now,
    updatedAt: now,
  };
}

describe('PurgeStore', () => {
  it('creates a purge and reads it back (also from a store without the URL cache)', async () => {
    const id = newPurgeId();
    const urls = jjUrls(2500, 'rt');
    const created = await store.create({
      record: record(id, 2500),
      urls,
      skipped: ['x'],
      dedupeHash: `h-${id}`,
      dedupeMs: 60_000,
    });
    expect(created).toEqual({ kind: 'created' });
    const cold = new PurgeStore(redis, keys, store.options);
    const p = await cold.load(id);
    expect(p?.record.id).toBe(id);
    expect(p?.urls).toEqual(urls);
    expect(p?.skipped).toEqual(['x']);
    expect(p?.version).toBe('1');
    expect(p?.notifiedAt).toBeUndefined();
    expect(await redis.zscore(keys.active(), id)).not.toBeNull();
    expect(await store.dedupeTarget(`h-${id}`)).toBe(id);
    expect(await store.load('p-NOPE00')).toBeUndefined();
  });

  it('reports a taken id as a collision and a live dedupe key as a duplicate', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `d-${id}`,
      dedupeMs: 60_000,
    });
    expect(
      await store.create({
        record: record(id, 1),
        urls: ['v'],
        skipped: [],
        dedupeHash: `other-${id}`,
        dedupeMs: 60_000,
      }),
    ).toEqual({ kind: 'collision' });
    expect(
      await store.create({
        record: record(newPurgeId(), 1),
        urls: ['u'],
        skipped: [],
        dedupeHash: `d-${id}`,
        dedupeMs: 60_000,
      }),
    ).toEqual({ kind: 'duplicate', id });
  });

  it('compare-and-set: a stale writer re-applies its change on the fresh state', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 10),
      urls: jjUrls(10),
      skipped: [],
      dedupeHash: `c-${id}`,
      dedupeMs: 0,
    });
    const stale = (await store.load(id))!;
    const first = await store.mutate(id, (cur) => ({ record: { ...cur.record, status: 'submitting' } }));
    expect(first?.purge.version).toBe('2');
    expect(first?.written).toBe(true);
    let calls = 0;
    const second = await store.mutate(
      id,
      (cur) => {
        calls++;
        return { record: { ...cur.record, nextAttemptAt: cur.record.status === 'submitting' ? 42 : 0 } };
      },
      stale,
    );
    expect(calls).toBe(2);
    expect(second?.purge.record.nextAttemptAt).toBe(42);
    expect(second?.purge.record.status).toBe('submitting');
    expect((await store.mutate(id, () => undefined))?.written).toBe(false);
    expect((await store.load(id))?.version).toBe('3');
  });

  it('sets the retention TTL when the purge reaches a final status', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `t-${id}`,
      dedupeMs: 0,
    });
    expect(await redis.ttl(keys.purge(id))).toBe(-1);
    await store.mutate(id, (cur) => ({ record: { ...cur.record, status: 'clearing' } }));
    expect(await redis.ttl(keys.purge(id))).toBe(-1);
    await store.mutate(id, (cur) => ({ record: { ...cur.record, status: 'done' } }));
    const ttl = await redis.ttl(keys.purge(id));
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('remembers submitted ranges as recently purged for the company', async () => {
    const id = newPurgeId();
    const urls = ['https://a/1', 'https://a/2', 'https://a/3'];
    const r = { ...record(id, 3), company: { name: 'R', handle: `c|r-${id}`, rootId: 'R' } };
    await store.create({ record: r, urls, skipped: [], dedupeHash: `r-${id}`, dedupeMs: 0 });
    await store.mutate(id, (cur) => ({ record: cur.record, submittedRanges: [{ from: 1, to: 3 }] }));
    const hits = await new PurgeStore(redis, keys, store.options).recentlySubmitted(
      r.company.handle,
      ['https://a/1', 'https://a/3', 'https://b/9'],
      Date.now() - 60_000,
    );
    expect([...hits]).toEqual(['https://a/3']);
    expect((await store.recentlySubmitted(r.company.handle, ['https://a/3'], Date.now() + 1000)).size).toBe(
      0,
    );
    expect((await store.recentlySubmitted('c|other', ['https://a/3'], 0)).size).toBe(0);
  });

  it('keeps the latest purges per user, trimmed to the bound, newest first', async () => {
    const user = `U-${newPurgeId()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newPurgeId();
      ids.push(id);
      const r = { ...record(id, 1, user), createdAt: Date.now() + i };
      await store.create({ record: r, urls: ['u'], skipped: [], dedupeHash: `i-${id}`, dedupeMs: 0 });
    }
    const latest = await store.latestIds(keys.userIndex(user), 10);
    expect(latest).toEqual(ids.slice(2).reverse());
    const loaded = await store.loadRecords([...latest, 'p-GONE00']);
    expect(loaded.map((p) => p.record.id)).toEqual(latest);
  });

  it('claims the final notice once, tells others it is busy, and never again once sent', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `n-${id}`,
      dedupeMs: 0,
    });
    expect(await store.claimNotice(id, 'A', 10_000)).toEqual({ kind: 'ok' });
    const busy = await store.claimNotice(id, 'B', 10_000);
    expect(busy.kind).toBe('busy');
    if (busy.kind === 'busy') expect(busy.retryInMs).toBeGreaterThan(5000);
    await store.releaseNotice(id, 'B'); // not the holder: no effect
    expect((await store.claimNotice(id, 'C', 10_000)).kind).toBe('busy');
    await store.releaseNotice(id, 'A');
    expect(await store.claimNotice(id, 'D', 10_000)).toEqual({ kind: 'ok' });
    await store.markNoticeSent(id, 'D', 123);
    expect(await redis.exists(keys.claim(id))).toBe(0);
    expect(await store.claimNotice(id, 'E', 10_000)).toEqual({ kind: 'sent' });
    expect((await store.load(id))?.notifiedAt).toBe(123);
    expect(await redis.zscore(keys.active(), id)).toBeNull();
    expect(await redis.ttl(keys.purge(id))).toBeGreaterThan(0);
  });
  it('create replayed after a reconnect answers created again, and changes nothing', async () => {
    for (const dedupeMs of [60_000, 0]) {
      const id = newPurgeId();
      const p = {
        record: record(id, 3),
        urls: ['a', 'b', 'c'],
        skipped: [],
        dedupeHash: `rp-${id}`,
        dedupeMs,
      };
      expect(await store.create(p)).toEqual({ kind: 'created' });
      await store.mutate(id, (cur) => ({ record: { ...cur.record, status: 'submitting' } }));
      expect(await store.create(p)).toEqual({ kind: 'created' });
      const after = (await store.load(id))!;
      expect(after.version).toBe('2');
      expect(after.record.status).toBe('submitting');
      // Another request that drew the same id is still told to draw again.
      expect(await store.create({ ...p, dedupeHash: `other-${id}` })).toEqual({ kind: 'collision' });
    }
  });

  it('markAudited is read back by load, and never brings back a purge that is gone', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `ma-${id}`,
      dedupeMs: 0,
    });
    expect((await store.load(id))?.auditedAt).toBeUndefined();
    await store.markAudited(id, 42);
    expect((await store.load(id))?.auditedAt).toBe(42);
    // Also without the URL cache (another replica).
    const cold = new PurgeStore(redis, keys, { retentionSeconds: 3600, indexLimit: 3, recentWindowMs: 0 });
    expect((await cold.load(id))?.auditedAt).toBe(42);
    await store.markAudited('p-GONE01', 42);
    expect(await redis.exists(keys.purge('p-GONE01'))).toBe(0);
  });

  it('renewNotice extends only a claim that is still ours, and never re-creates a released one', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `rn-${id}`,
      dedupeMs: 0,
    });
    expect(await store.claimNotice(id, 'A', 1000)).toEqual({ kind: 'ok' });
    expect(await store.renewNotice(id, 'A', 60_000)).toBe(true);
    expect(await redis.pttl(keys.claim(id))).toBeGreaterThan(1000);
    expect(await store.renewNotice(id, 'B', 60_000)).toBe(false);
    await store.releaseNotice(id, 'A');
    expect(await store.renewNotice(id, 'A', 60_000)).toBe(false);
    expect(await redis.exists(keys.claim(id))).toBe(0);
  });

  it('claimNotice replayed with the same token is still ok; another token is busy', async () => {
    const id = newPurgeId();
    await store.create({
      record: record(id, 1),
      urls: ['u'],
      skipped: [],
      dedupeHash: `cr-${id}`,
      dedupeMs: 0,
    });
    expect(await store.claimNotice(id, 'A', 10_000)).toEqual({ kind: 'ok' });
    expect(await store.claimNotice(id, 'A', 10_000)).toEqual({ kind: 'ok' });
    expect((await store.claimNotice(id, 'B', 10_000)).kind).toBe('busy');
    await store.markNoticeSent(id, 'A', 1);
    expect(await store.claimNotice(id, 'A', 10_000)).toEqual({ kind: 'sent' });
  });
});
