import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowEveryone, jjUrls } from '../../test/support/engine-fixtures.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { silentLogger } from '../log.js';
import { PurgeInputError } from './errors.js';
import { newPurgeId } from './ids.js';
import type { JobScheduler } from './jobs.js';
import { purgeKeys } from './keys.js';
import type { PurgeAuthorizer } from './ports.js';
import { dedupeHash, PurgeService } from './service.js';
import { PurgeStore } from './store.js';

const prefix = testPrefix('service');
const keys = purgeKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

async function keyCount(): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    count += found.length;
  } while (cursor !== '0');
  return count;
}

let n = 0;
function setup(opts: { newId?: () => string; failEnqueue?: boolean; authorizer?: PurgeAuthorizer } = {}) {
  const store = new PurgeStore(redis, keys, { retentionSeconds: 600, indexLimit: 5, recentWindowMs: 60_000 });
  const submits: string[] = [];
  const jobs: JobScheduler = {
    enqueueSubmit: async (id) => {
      if (opts.failEnqueue) throw new Error('redis went away');
      submits.push(id);
    },
    enqueueConfirm: async () => {},
  };
  const service = new PurgeService({
    authorizer: opts.authorizer ?? allowEveryone,
    store,
    jobs,
    limits: { maxUrlsPerPurge: 100, urlsPerCall: 10, dedupeSeconds: 60 },
    logger: silentLogger(),
    ...(opts.newId ? { newId: opts.newId } : {}),
  });
  const company = { name: `Co${++n}`, handle: `c|s${n}`, rootId: 'JJEsquire' };
  const req = (urls: string[], requester = 'U1') => ({
    company,
    requester,
    origin: { kind: 'command' as const, channel: 'C1', threadTs: '1.1' },
    urls,
  });
  return { store, service, submits, company, req };
}

describe('PurgeService.accept', () => {
  it('records the purge, enqueues its submit job and returns the view', async () => {
    const t = setup();
    const urls = jjUrls(25, 'acc');
    const r = await t.service.accept(t.req(urls));
    expect(r.kind).toBe('accepted');
    if (r.kind !== 'accepted') return;
    expect(r.purge.id).toMatch(/^p-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(r.purge.status).toBe('queued');
    expect(r.purge.urls).toEqual(urls);
    expect(r.purge.batches.map((b) => b.urls.length)).toEqual([10, 10, 5]);
    expect(r.purge.origin).toEqual({ kind: 'command', channel: 'C1', threadTs: '1.1' });
    expect(r.skippedRecent).toEqual([]);
    expect(t.submits).toEqual([r.purge.id]);
    expect((await t.service.get(r.purge.id))?.urls).toEqual(urls);
  });

  it('returns the existing purge for the same requester, company and URL set (any order)', async () => {
    const t = setup();
    const urls = jjUrls(5, 'dup');
    const first = await t.service.accept(t.req(urls));
    const again = await t.service.accept(t.req([...urls].reverse()));
    expect(first.kind).toBe('accepted');
    expect(again.kind).toBe('duplicate');
    if (first.kind === 'accepted' && again.kind === 'duplicate') expect(again.purge.id).toBe(first.purge.id);
    expect(t.submits).toHaveLength(1);
    // Another requester with the same URLs is not a duplicate (but the URLs are not recent yet either).
    expect((await t.service.accept(t.req(urls, 'U2'))).kind).toBe('accepted');
  });

  it('answers concurrent identical requests with one purge', async () => {
    const t = setup();
    const urls = jjUrls(5, 'race');
    const results = await Promise.all(Array.from({ length: 8 }, () => t.service.accept(t.req(urls))));
    expect(results.filter((r) => r.kind === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(7);
    expect(t.submits).toHaveLength(1);
  });

  it('skips URLs submitted recently for the company, and stores nothing when all are', async () => {
    const t = setup();
    const urls = jjUrls(6, 'recent');
    const first = await t.service.accept(t.req(urls.slice(0, 4)));
    if (first.kind !== 'accepted') throw new Error('expected accepted');
    // The submit worker marks a batch recent when IPS took it.
    await t.store.mutate(first.purge.id, (cur) => ({
      record: cur.record,
      submittedRanges: [{ from: 0, to: 4 }],
    }));
    const mixed = await t.service.accept(t.req(urls, 'U9'));
    expect(mixed.kind).toBe('accepted');
    if (mixed.kind === 'accepted') {
      expect(mixed.skippedRecent).toEqual(urls.slice(0, 4));
      expect(mixed.purge.urls).toEqual(urls.slice(4));
      expect(mixed.purge.counts.skippedRecent).toBe(4);
      expect((await t.service.get(mixed.purge.id))?.skippedRecent).toEqual(urls.slice(0, 4));
    }
    const before = await keyCount();
    const all = await t.service.accept(t.req(urls.slice(1, 3), 'U8'));
    expect(all).toEqual({ kind: 'all-recent', skippedRecent: urls.slice(1, 3) });
    expect(await keyCount()).toBe(before);
  });

  it('re-draws the id when it is taken', async () => {
    const taken = newPurgeId();
    const ids = [taken, taken, newPurgeId()];
    const t = setup({ newId: () => ids.shift() ?? newPurgeId() });
    const a = await t.service.accept(t.req(jjUrls(2, 'id-a')));
    const b = await t.service.accept(t.req(jjUrls(2, 'id-b')));
    expect(a.kind === 'accepted' && a.purge.id).toBe(taken);
    expect(b.kind === 'accepted' && b.purge.id).not.toBe(taken);
    expect(b.kind === 'accepted' && b.purge.urls[0]).toContain('id-b');
  });

  it('still accepts when the job cannot be enqueued: the purge waits in the outbox', async () => {
    const t = setup({ failEnqueue: true });
    const r = await t.service.accept(t.req(jjUrls(3, 'outbox')));
    expect(r.kind).toBe('accepted');
    if (r.kind === 'accepted') expect(await redis.zscore(keys.active(), r.purge.id)).not.toBeNull();
  });

  it('refuses empty, oversized and malformed requests', async () => {
    const t = setup();
    const codes = async (urls: string[]) =>
      t.service.accept(t.req(urls)).then(
        () => 'ok',
        (e: unknown) => (e instanceof PurgeInputError ? e.code : 'other'),
      );
    expect(await codes([])).toBe('PURGE_NO_URLS');
    expect(await codes(jjUrls(101, 'big'))).toBe('PURGE_TOO_MANY_URLS');
    expect(await codes(['https://a/b\nc'])).toBe('PURGE_BAD_URL');
  });
});

describe('PurgeService authorization', () => {
  it('asks the authorizer for every purge: a refusal stores nothing and queues nothing', async () => {
    const asked: string[] = [];
    const t = setup({
      authorizer: {
        mayPurge: async (user, company) => {
          asked.push(`${user}@${company}`);
          return user === 'U-OK'
            ? { allowed: true }
            : { allowed: false, reason: 'not-admin', message: 'You are not an admin of that company.' };
        },
      },
    });
    const refused = await t.service.accept(t.req(jjUrls(2, 'authz-no'), 'U-NO'));
    expect(refused).toEqual({
      kind: 'denied',
      reason: 'not-admin',
      message: 'You are not an admin of that company.',
    });
    expect(t.submits).toEqual([]);
    expect(await t.service.latestForUser('U-NO', 5)).toEqual([]);
    const ok = await t.service.accept(t.req(jjUrls(2, 'authz-ok'), 'U-OK'));
    expect(ok.kind).toBe('accepted');
    expect(asked).toEqual([`U-NO@${t.company.name}`, `U-OK@${t.company.name}`]);
  });
});

describe('PurgeService lookups', () => {
  it('lists the latest purges of a user and of a company, newest first', async () => {
    const t = setup();
    const user = `U-${newPurgeId()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.service.accept(t.req(jjUrls(2, `list${i}`), user));
      if (r.kind === 'accepted') ids.push(r.purge.id);
      await new Promise((res) => setTimeout(res, 2));
    }
    expect((await t.service.latestForUser(user, 2)).map((p) => p.id)).toEqual([ids[2], ids[1]]);
    expect((await t.service.latestForCompany(t.company.name.toUpperCase(), 10)).map((p) => p.id)).toEqual(
      [...ids].reverse(),
    );
    expect(await t.service.latestForUser('U-nobody', 5)).toEqual([]);
    expect(await t.service.get('p-ZZZZZZ')).toBeUndefined();
  });

  it('lists purges from their records alone: counts and state without reading a URL list', async () => {
    const t = setup();
    const user = `U-${newPurgeId()}`;
    const r = await t.service.accept(t.req(jjUrls(25, 'summary'), user));
    if (r.kind !== 'accepted') throw new Error(r.kind);
    const id = r.purge.id;
    await t.store.mutate(id, (cur) => ({
      record: {
        ...cur.record,
        status: 'submitting',
        batches: cur.record.batches.map((b, i) => (i === 0 ? { ...b, status: 'submitted', handle: 'h' } : b)),
      },
    }));
    // Another replica (nothing cached) lists it after the URL lists are gone: a listing that read
    // them would now skip the purge.
    await redis.hdel(keys.purge(id), 'u', 'k');
    const replica = new PurgeService({
      authorizer: allowEveryone,
      store: new PurgeStore(redis, keys, { retentionSeconds: 600, indexLimit: 5, recentWindowMs: 0 }),
      jobs: { enqueueSubmit: async () => {}, enqueueConfirm: async () => {} },
      limits: { maxUrlsPerPurge: 100, urlsPerCall: 10, dedupeSeconds: 60 },
      logger: silentLogger(),
    });
    const [summary] = await replica.latestForUser(user, 10);
    expect(summary).toMatchObject({ id, status: 'submitting', company: { name: t.company.name } });
    expect(summary?.counts).toEqual({
      total: 25,
      submitted: 10,
      pending: 15,
      failed: 0,
      rejected: 0,
      skippedRecent: 0,
      batches: 3,
    });
  });
});

describe('dedupeHash', () => {
  it('ignores order and repeats, and separates requesters and companies', () => {
    expect(dedupeHash('U1', 'c|6', ['a', 'b'])).toBe(dedupeHash('U1', 'c|6', ['b', 'a', 'a']));
    expect(dedupeHash('U1', 'c|6', ['a'])).not.toBe(dedupeHash('U2', 'c|6', ['a']));
    expect(dedupeHash('U1', 'c|6', ['a'])).not.toBe(dedupeHash('U1', 'c|7', ['a']));
    expect(dedupeHash('U1', 'c|6', ['a\nb'])).not.toBe(dedupeHash('U1', 'c|6', ['a', 'b']));
  });
});
