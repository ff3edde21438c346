import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowEveryone,
  Delayed,
  delayingControl,
  jjUrls,
  RecordingNotifier,
  StuckProgressNotifier,
  testEngineConfig,
  untilWallClock,
} from '../../test/support/engine-fixtures.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { IpsFault, IpsTransportError } from '../ips/errors.js';
import type { CdnInvalidation, IpsGateway } from '../ips/types.js';
import { silentLogger } from '../log.js';
import { ConfirmProcessor } from './confirm-worker.js';
import type { JobScheduler } from './jobs.js';
import { purgeKeys } from './keys.js';
import { PurgeService } from './service.js';
import { PurgeStore } from './store.js';
import { SubmitProcessor } from './submit-worker.js';
import { TokenBucket } from './token-bucket.js';

const prefix = testPrefix('submit');
const keys = purgeKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

const control = delayingControl;

type Answer = (urls: readonly string[], n: number) => Promise<CdnInvalidation>;

/** A gateway whose answer per call the test decides. */
class FakeIps implements IpsGateway {
  readonly calls: { handle: string; urls: string[] }[] = [];
  constructor(public answer: Answer = async () => ({ invalidationHandle: 'h', estimatedSeconds: 0 })) {}
  async cdnCacheInvalidation(handle: string, urls: readonly string[]): Promise<CdnInvalidation> {
    this.calls.push({ handle, urls: [...urls] });
    return this.answer(urls, this.calls.length);
  }
  getCompanyInfo(): never {
    throw new Error('unused');
  }
  getCompanyMembership(): never {
    throw new Error('unused');
  }
  getCompanyMembers(): never {
    throw new Error('unused');
  }
  getCdnCacheInvalidationStatus(): never {
    throw new Error('unused');
  }
}

class FakeJobs implements JobScheduler {
  readonly submits: string[] = [];
  readonly confirms: { id: string; runAt: number }[] = [];
  async enqueueSubmit(id: string) {
    this.submits.push(id);
  }
  async enqueueConfirm(id: string, runAt: number) {
    this.confirms.push({ id, runAt });
  }
}

let company = 0;

function setup(opts: {
  ips: FakeIps;
  capacity?: number;
  windowMs?: number;
  attempts?: number;
  backoffMs?: number;
  notifier?: RecordingNotifier;
}) {
  const handle = `c|t${++company}`;
  const store = new PurgeStore(redis, keys, {
    retentionSeconds: 600,
    indexLimit: 10,
    recentWindowMs: 60_000,
  });
  const jobs = new FakeJobs();
  const notifier = opts.notifier ?? new RecordingNotifier();
  const engine = testEngineConfig({
    attempts: opts.attempts ?? 6,
    backoffMs: opts.backoffMs ?? 1000,
    confirmGraceMs: 100,
  });
  const submit = new SubmitProcessor({
    store,
    keys,
    bucket: new TokenBucket(redis, { capacity: opts.capacity ?? 1000, windowMs: opts.windowMs ?? 60_000 }),
    ips: opts.ips,
    notifier,
    jobs,
    limits: { urlsPerCall: 1000 },
    engine,
    logger: silentLogger(),
    random: () => 0.5,
  });
  const service = new PurgeService({
    authorizer: allowEveryone,
    store,
    jobs,
    limits: { maxUrlsPerPurge: 10_000, urlsPerCall: 1000, dedupeSeconds: 60 },
    logger: silentLogger(),
  });
  const accept = async (urls: string[]) => {
    const r = await service.accept({
      company: { name: `T${company}`, handle, rootId: 'JJEsquire' },
      requester: 'U1',
      origin: { kind: 'command', channel: 'C1' },
      urls,
    });
    if (r.kind !== 'accepted') throw new Error(`not accepted: ${r.kind}`);
    return r.purge.id;
  };
  /** Runs the job like BullMQ would, re-running after each delay; returns the delays asked for. */
  const drive = async (id: string, wait = false) => {
    const delays: number[] = [];
    for (let i = 0; i < 100; i++) {
      try {
        await submit.run(id, control);
        return delays;
      } catch (err) {
        if (!(err instanceof Delayed)) throw err;
        delays.push(err.until);
        if (wait) await untilWallClock(err.until);
      }
    }
    throw new Error('job never finished');
  };
  return { store, jobs, notifier, submit, service, accept, drive, handle };
}

/** Fails instead of hanging when `work` never settles; the bound is only a safety net. */
async function settles<T>(work: Promise<T>, what: string, boundMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never finished`)), boundMs);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

const badFault = (url?: string) =>
  new IpsFault(
    'cdnCacheInvalidation',
    'ipsApi',
    30001,
    url ? `Invalid URL '${url}'` : 'Invalid parameter',
    500,
  );

describe('SubmitProcessor', () => {
  it('sends 2,500 URLs as 1000, 1000, 500 in order, then clears with dueAt and a confirm job', async () => {
    const ips = new FakeIps(async (_u, n) => ({ invalidationHandle: `cdni|6|${n}`, estimatedSeconds: 5 }));
    const t = setup({ ips });
    const urls = jjUrls(2500);
    const id = await t.accept(urls);
    expect(await t.drive(id)).toEqual([]);
    expect(ips.calls.map((c) => c.urls.length)).toEqual([1000, 1000, 500]);
    expect(ips.calls.flatMap((c) => c.urls)).toEqual(urls);
    const p = (await t.store.load(id))!;
    expect(p.record.status).toBe('clearing');
    const latest = Math.max(...p.record.batches.map((b) => b.submittedAt!));
    expect(p.record.dueAt).toBe(latest + 5000 + 100);
    expect(t.jobs.confirms).toEqual([{ id, runAt: p.record.dueAt }]);
    const statuses = t.notifier.of('progress').map((n) => n.purge.status);
    expect(statuses).toEqual(['submitting', 'clearing']);
    expect(t.notifier.of('progress')[1]?.purge.handles).toEqual(['cdni|6|1', 'cdni|6|2', 'cdni|6|3']);
  });

  it('isolates a bad URL by bisection when the fault does not name it (≤ 1 + 2·log2(1000) calls)', async () => {
    const urls = jjUrls(1000, 'bis');
    const bad = urls[617]!;
    const ips = new FakeIps(async (u) => {
      if (u.includes(bad)) throw badFault();
      return { invalidationHandle: 'ok', estimatedSeconds: 1 };
    });
    const t = setup({ ips });
    const id = await t.accept(urls);
    await t.drive(id);
    expect(ips.calls.length).toBeLessThanOrEqual(21);
    const p = (await t.store.load(id))!;
    expect(p.record.rejected).toEqual([
      { url: bad, code: 30001, codeName: 'INVALID_PARAMETER', reason: 'Invalid parameter' },
    ]);
    const sent = new Set(ips.calls.filter((c) => !c.urls.includes(bad)).flatMap((c) => c.urls));
    expect(sent.size).toBe(999);
    expect(p.record.status).toBe('clearing');
    // URL order is kept: the successful calls, concatenated, are the list without the bad URL.
    expect(ips.calls.filter((c) => !c.urls.includes(bad)).flatMap((c) => c.urls)).toEqual(
      urls.filter((u) => u !== bad),
    );
  });

  it('isolates a bad URL in 4 calls when the fault names it, and handles two bad URLs', async () => {
    const urls = jjUrls(1000, 'hint');
    const bad = new Set([urls[100]!, urls[800]!]);
    const ips = new FakeIps(async (u) => {
      const b = u.find((x) => bad.has(x));
      if (b) throw badFault(b);
      return { invalidationHandle: 'ok', estimatedSeconds: 1 };
    });
    const t = setup({ ips });
    const id = await t.accept(urls);
    await t.drive(id);
    const p = (await t.store.load(id))!;
    expect(p.record.rejected.map((r) => r.url).sort()).toEqual([...bad].sort());
    expect(p.record.rejected[0]?.reason).toContain(urls[100]!);
    expect(ips.calls.length).toBeLessThanOrEqual(1 + 2 * 2 * 10);
    expect(
      new Set(ips.calls.filter((c) => c.urls.every((x) => !bad.has(x))).flatMap((c) => c.urls)).size,
    ).toBe(998);
  });

  it('retries a retryable transport error with doubling backoff, on the batch, then succeeds', async () => {
    const ips = new FakeIps(async (_u, n) => {
      if (n <= 2)
        throw new IpsTransportError('cdnCacheInvalidation', 'http-status', 'HTTP 503', {
          retryable: true,
          httpStatus: 503,
        });
      return { invalidationHandle: 'ok', estimatedSeconds: 0 };
    });
    const t = setup({ ips, backoffMs: 100 });
    const id = await t.accept(jjUrls(10, 'retry'));
    const before = Date.now();
    const delays = await t.drive(id, true);
    expect(delays).toHaveLength(2);
    // random() = 0.5 → exactly 100 then 200 ms after the failed call.
    expect(delays[0]! - before).toBeGreaterThanOrEqual(100);
    expect(delays[1]! - delays[0]!).toBeGreaterThanOrEqual(200);
    const p = (await t.store.load(id))!;
    expect(p.record.batches[0]).toMatchObject({ status: 'submitted', attempts: 3 });
    expect(p.record.batches[0]?.error).toBeUndefined();
    expect(p.record.nextAttemptAt).toBeUndefined();
    const waiting = t.notifier.of('progress').filter((n) => n.purge.nextAttemptAt !== undefined);
    expect(waiting.map((n) => n.purge.nextAttemptAt)).toEqual(delays);
  });

  it('fails the batch after `attempts` retryable errors', async () => {
    const ips = new FakeIps(async () => {
      throw new IpsTransportError('cdnCacheInvalidation', 'connection', 'ECONNRESET', {
        retryable: true,
        code: 'ECONNRESET',
      });
    });
    const t = setup({ ips, attempts: 3, backoffMs: 10 });
    const id = await t.accept(jjUrls(5, 'exhaust'));
    await t.drive(id, true);
    expect(ips.calls).toHaveLength(3);
    const p = (await t.store.load(id))!;
    expect(p.record.status).toBe('failed');
    expect(p.record.error).toMatchObject({ kind: 'transport', code: 'ECONNRESET' });
    expect(t.jobs.confirms.map((c) => c.id)).toEqual([id]);
  });

  it('an authentication fault fails this and every remaining batch with the same fault', async () => {
    const ips = new FakeIps(async (_u, n) => {
      if (n === 2)
        throw new IpsFault('cdnCacheInvalidation', 'authentication', 10001, 'Invalid username/password', 500);
      return { invalidationHandle: 'ok', estimatedSeconds: 0 };
    });
    const t = setup({ ips });
    const id = await t.accept(jjUrls(3000, 'auth'));
    await t.drive(id);
    expect(ips.calls).toHaveLength(2);
    const p = (await t.store.load(id))!;
    expect(p.record.batches.map((b) => b.status)).toEqual(['submitted', 'failed', 'failed']);
    expect(p.record.batches[2]?.error).toEqual({
      kind: 'authentication',
      code: 10001,
      codeName: 'INVALID_CREDENTIALS',
      reason: 'Invalid username/password',
    });
    expect(p.record.status).toBe('clearing');
  });

  it('when the bucket is empty, records nextAttemptAt, reports progress and re-delays without a call', async () => {
    const ips = new FakeIps();
    const t = setup({ ips, capacity: 2, windowMs: 60_000 });
    const first = await t.accept(jjUrls(2000, 'rl1'));
    await t.drive(first);
    const second = await t.accept(jjUrls(10, 'rl2'));
    await expect(t.submit.run(second, control)).rejects.toBeInstanceOf(Delayed);
    expect(ips.calls).toHaveLength(2);
    const p = (await t.store.load(second))!;
    expect(p.record.status).toBe('queued');
    expect(p.record.nextAttemptAt).toBeGreaterThan(Date.now() + 20_000);
    const note = t.notifier.of('progress', second).at(-1)!;
    expect(note.purge.status).toBe('queued');
    expect(note.purge.nextAttemptAt).toBe(p.record.nextAttemptAt);
  });

  it('is safe to run again: a finished job sends nothing more', async () => {
    const ips = new FakeIps();
    const t = setup({ ips });
    const id = await t.accept(jjUrls(1500, 'twice'));
    await t.drive(id);
    await t.drive(id);
    expect(ips.calls).toHaveLength(2);
    expect(t.jobs.confirms.map((c) => c.id)).toEqual([id, id]);
  });

  it('a second run after a crash mid-call sends only what is not recorded, and the late answer changes nothing', async () => {
    let release: (() => void) | undefined;
    const ips = new FakeIps(async (_u, n) => {
      if (n === 2) {
        // The first worker "dies" here: its call never comes back until after the second worker is done.
        await new Promise<void>((r) => {
          release = r;
        });
      }
      return { invalidationHandle: `h${n}`, estimatedSeconds: 0 };
    });
    const t = setup({ ips });
    const id = await t.accept(jjUrls(3000, 'crash'));
    const zombie = t.drive(id);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (release) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    await t.drive(id);
    expect(ips.calls.map((c) => c.urls[0])).toEqual([
      ips.calls[0]?.urls[0],
      ips.calls[1]?.urls[0],
      ips.calls[1]?.urls[0],
      ips.calls[3]?.urls[0],
    ]);
    release?.();
    await zombie;
    const p = (await t.store.load(id))!;
    expect(p.record.batches.map((b) => b.handle)).toEqual(['h1', 'h3', 'h4']);
    expect(ips.calls).toHaveLength(4);
  });

  it('a progress note that never returns holds up neither the IPS calls nor recording their handles', async () => {
    const ips = new FakeIps(async (_u, n) => {
      if (n === 2)
        throw new IpsTransportError('cdnCacheInvalidation', 'http-status', 'HTTP 503', {
          retryable: true,
          httpStatus: 503,
        });
      return { invalidationHandle: `h${n}`, estimatedSeconds: 0 };
    });
    const notifier = new StuckProgressNotifier();
    const t = setup({ ips, notifier, backoffMs: 10, capacity: 1, windowMs: 50 });
    // Spend the only token so the purge is rate limited first (another progress note on the way).
    await new TokenBucket(redis, { capacity: 1, windowMs: 50 }).take(keys.bucket(t.handle));
    const id = await t.accept(jjUrls(2500, 'stuck'));
    await settles(t.drive(id, true), 'the submit job');
    expect(ips.calls.map((c) => c.urls.length)).toEqual([1000, 1000, 1000, 500]);
    const p = (await t.store.load(id))!;
    expect(p.record.status).toBe('clearing');
    expect(p.record.batches.map((b) => b.handle)).toEqual(['h1', 'h3', 'h4']);
    expect(t.jobs.confirms).toEqual([{ id, runAt: p.record.dueAt }]);
    // The first note (queued if the spent token had not refilled yet, else submitting) went out and
    // never came back; later states wait behind it instead of piling up.
    const notes = notifier.of('progress', id).map((n) => n.purge.status);
    expect(notes).toHaveLength(1);
    expect(['queued', 'submitting']).toContain(notes[0]);
    const confirm = new ConfirmProcessor({
      store: t.store,
      notifier,
      logger: silentLogger(),
      claimLeaseMs: 5000,
    });
    await untilWallClock(p.record.dueAt!);
    await settles(confirm.run(id, control), 'the confirm job');
    expect(notifier.of('confirmed', id)).toHaveLength(1);
  });

  it('caps the calls spent splitting a batch whose every URL IPS refuses, then fails the rest', async () => {
    const urls = jjUrls(1000, 'allbad');
    const ips = new FakeIps(async () => {
      throw badFault();
    });
    const t = setup({ ips });
    const id = await t.accept(urls);
    await t.drive(id);
    // 1 call for the batch, at most 2·⌈log2 1000⌉ + 10 = 30 more for its parts.
    expect(ips.calls.length).toBeLessThanOrEqual(31);
    expect(ips.calls.length).toBeGreaterThan(20);
    const p = (await t.store.load(id))!;
    expect(p.record.status).toBe('failed');
    expect(p.record.error).toMatchObject({ kind: 'ipsApi', code: 30001 });
    expect(p.record.batches.every((b) => b.status === 'failed' && b.error?.code === 30001)).toBe(true);
    // Every URL is accounted for exactly once: rejected one by one, or in a failed batch.
    const failedUrls = p.record.batches.reduce((n, b) => n + (b.to - b.from), 0);
    expect(failedUrls + p.record.rejected.length).toBe(1000);
    expect(t.jobs.confirms.map((c) => c.id)).toEqual([id]);
    const confirm = new ConfirmProcessor({
      store: t.store,
      notifier: t.notifier,
      logger: silentLogger(),
      claimLeaseMs: 5000,
    });
    await confirm.run(id, control);
    await confirm.run(id, control);
    expect(t.notifier.of('failed', id)).toHaveLength(1);
    expect(t.notifier.of('failed', id)[0]!.purge.error?.code).toBe(30001);
    expect(t.notifier.of('confirmed', id)).toHaveLength(0);
  });

  it('caps the calls too when every fault names its URL; other batches keep their own budget', async () => {
    const urls = jjUrls(2000, 'named');
    const good = new Set(urls.slice(1000));
    const ips = new FakeIps(async (u) => {
      const bad = u.find((x) => !good.has(x));
      if (bad) throw badFault(bad);
      return { invalidationHandle: 'ok', estimatedSeconds: 0 };
    });
    const t = setup({ ips });
    const id = await t.accept(urls);
    await t.drive(id);
    expect(ips.calls.length).toBeLessThanOrEqual(31 + 1);
    const p = (await t.store.load(id))!;
    expect(p.record.status).toBe('clearing');
    const sent = p.record.batches.filter((b) => b.status === 'submitted');
    expect(sent.flatMap((b) => urls.slice(b.from, b.to))).toEqual(urls.slice(1000));
    // Each isolation by name costs 2 calls: 15 of the 30 allowed.
    expect(p.record.rejected).toHaveLength(15);
    const failed = p.record.batches.filter((b) => b.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((b) => b.error?.code === 30001)).toBe(true);
  });

  it('a single bad URL in a full batch is still isolated within the cap', async () => {
    const urls = jjUrls(1000, 'capok');
    const bad = urls[999]!;
    const ips = new FakeIps(async (u) => {
      if (u.includes(bad)) throw badFault();
      return { invalidationHandle: 'ok', estimatedSeconds: 0 };
    });
    const t = setup({ ips });
    const id = await t.accept(urls);
    await t.drive(id);
    const p = (await t.store.load(id))!;
    expect(p.record.rejected.map((r) => r.url)).toEqual([bad]);
    expect(p.record.batches.every((b) => b.status === 'submitted')).toBe(true);
  });
});

describe('ConfirmProcessor', () => {
  it('never confirms before dueAt, then confirms once and marks the purge done', async () => {
    const ips = new FakeIps(async () => ({ invalidationHandle: 'h', estimatedSeconds: 2 }));
    const t = setup({ ips });
    const id = await t.accept(jjUrls(5, 'confirm'));
    await t.drive(id);
    const confirm = new ConfirmProcessor({
      store: t.store,
      notifier: t.notifier,
      logger: silentLogger(),
      claimLeaseMs: 5000,
    });
    const due = (await t.store.load(id))!.record.dueAt!;
    const early = await confirm.run(id, control).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(Delayed);
    expect((early as Delayed).until).toBe(due);
    expect(t.notifier.of('confirmed')).toHaveLength(0);
    await untilWallClock(due);
    await confirm.run(id, control);
    await confirm.run(id, control);
    const confirmed = t.notifier.of('confirmed', id);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.at).toBeGreaterThanOrEqual(due);
    expect(confirmed[0]!.purge.status).toBe('done');
    expect(confirmed[0]!.purge.finishedAt).toBeGreaterThanOrEqual(due);
  });

  it('a notifier that throws releases the claim so the retry can send', async () => {
    const t = setup({ ips: new FakeIps() });
    const id = await t.accept(jjUrls(3, 'throw'));
    await t.drive(id);
    const confirm = new ConfirmProcessor({
      store: t.store,
      notifier: t.notifier,
      logger: silentLogger(),
      claimLeaseMs: 60_000,
    });
    const due = (await t.store.load(id))!.record.dueAt!;
    await untilWallClock(due);
    t.notifier.failNext(1);
    await expect(confirm.run(id, control)).rejects.toThrow(/notifier down/);
    await confirm.run(id, control);
    expect(t.notifier.of('confirmed', id)).toHaveLength(1);
  });

  it('sends failed (not confirmed) for a purge that failed, once', async () => {
    const ips = new FakeIps(async () => {
      throw new IpsFault('cdnCacheInvalidation', 'authorization', 20003, 'No permission', 500);
    });
    const t = setup({ ips });
    const id = await t.accept(jjUrls(3, 'authz'));
    await t.drive(id);
    const confirm = new ConfirmProcessor({
      store: t.store,
      notifier: t.notifier,
      logger: silentLogger(),
      claimLeaseMs: 5000,
    });
    await confirm.run(id, control);
    await confirm.run(id, control);
    expect(t.notifier.of('confirmed', id)).toHaveLength(0);
    const failed = t.notifier.of('failed', id);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.purge.error).toMatchObject({
      kind: 'authorization',
      code: 20003,
      codeName: 'NO_OPERATION_PERMISSION',
    });
  });
});
