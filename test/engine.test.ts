import { afterEach, describe, expect, it } from 'vitest';
import type { IpsClient } from '../src/ips/client.js';
import { silentLogger } from '../src/log.js';
import type { PurgeEngine } from '../src/purge/engine.js';
import { purgeKeys } from '../src/purge/keys.js';
import { PurgeService } from '../src/purge/service.js';
import { PurgeStore } from '../src/purge/store.js';
import {
  allowEveryone,
  JJ_COMPANY,
  jjUrls,
  RecordingNotifier,
  StuckProgressNotifier,
  testLimits,
  waitFor,
} from './support/engine-fixtures.js';
import { dropPrefix, engineIdle, quickSim, simClient, testEngine } from './support/engine-harness.js';
import type { IpsSimulator } from './support/ips-simulator.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Running {
  engine: PurgeEngine;
  prefix: string;
  sim: IpsSimulator;
  client: IpsClient;
  notifier: RecordingNotifier;
}

async function start(
  opts: {
    estimatedSeconds?: number;
    limits?: Parameters<typeof testEngine>[0]['limits'];
    rateWindowMs?: number;
    notifier?: RecordingNotifier;
  } = {},
): Promise<Running> {
  const sim = await quickSim(opts.estimatedSeconds ?? 0);
  const client = simClient(sim);
  const notifier = opts.notifier ?? new RecordingNotifier();
  const { engine, prefix } = testEngine({
    ips: client,
    notifier,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.rateWindowMs ? { tuning: { rateWindowMs: opts.rateWindowMs } } : {}),
  });
  cleanups.push(async () => {
    await engine.close(2000);
    await client.close();
    await sim.close();
    await dropPrefix(prefix);
  });
  await engine.startWorkers();
  return { engine, prefix, sim, client, notifier };
}

const request = (urls: string[], requester = 'U1') => ({
  company: { ...JJ_COMPANY },
  requester,
  origin: { kind: 'command' as const, channel: 'C1' },
  urls,
});

async function acceptOne(r: Running, urls: string[], requester = 'U1') {
  const res = await r.engine.service.accept(request(urls, requester));
  if (res.kind !== 'accepted') throw new Error(`expected accepted, got ${res.kind}`);
  return res.purge.id;
}

const cdnCalls = (sim: IpsSimulator) => sim.calls.filter((c) => c.operation === 'cdnCacheInvalidation');

describe('purge engine with the IPS simulator', () => {
  it('sends a 2,500-URL purge as 3 calls and confirms once, not before dueAt', async () => {
    const r = await start({ estimatedSeconds: 1 });
    const urls = jjUrls(2500, 'big');
    const id = await acceptOne(r, urls);
    const [confirmed] = await waitFor(
      () => r.notifier.of('confirmed', id).length > 0 && r.notifier.of('confirmed', id),
      'confirmation',
    );
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(r.notifier.of('confirmed', id)).toHaveLength(1);
    const calls = cdnCalls(r.sim);
    expect(calls.map((c) => c.urls?.length)).toEqual([1000, 1000, 500]);
    expect(calls.flatMap((c) => c.urls)).toEqual(urls);
    expect(calls.every((c) => c.companyHandle === 'c|6')).toBe(true);
    const purge = confirmed!.purge;
    expect(purge.status).toBe('done');
    expect(purge.handles).toEqual(calls.map((c) => c.response?.invalidationHandle));
    expect(purge.dueAt).toBeDefined();
    expect(confirmed!.at).toBeGreaterThanOrEqual(purge.dueAt!);
    // dueAt = last IPS answer + estimatedSeconds + grace.
    expect(purge.dueAt!).toBeGreaterThanOrEqual(Math.max(...purge.batches.map((b) => b.submittedAt!)) + 1000);
    const progress = r.notifier.of('progress', id).map((n) => n.purge.status);
    expect(progress[0]).toBe('submitting');
    expect(progress).toContain('clearing');
    expect((await r.engine.service.get(id))?.status).toBe('done');
    expect(r.notifier.of('failed')).toHaveLength(0);
  });

  it('isolates a URL IPS rejects (30001) and purges the other 999: partial, with IPS reason', async () => {
    const r = await start();
    const urls = jjUrls(1000, 'one-bad');
    const bad = urls[321]!;
    r.sim.failUrl(bad);
    const id = await acceptOne(r, urls);
    const [note] = await waitFor(
      () => r.notifier.of('confirmed', id).length > 0 && r.notifier.of('confirmed', id),
      'confirmation',
    );
    const purge = note!.purge;
    expect(purge.status).toBe('partial');
    expect(purge.rejected).toHaveLength(1);
    expect(purge.rejected[0]).toMatchObject({ url: bad, code: 30001, codeName: 'INVALID_PARAMETER' });
    expect(purge.rejected[0]?.reason).toContain(bad);
    expect(purge.counts.submitted).toBe(999);
    const calls = cdnCalls(r.sim);
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * 10);
    const accepted = calls.filter((c) => c.response).flatMap((c) => c.urls ?? []);
    expect(new Set(accepted).size).toBe(999);
    expect(accepted).not.toContain(bad);
  });

  it('retries two 503s and confirms once', async () => {
    const r = await start();
    r.sim.failNext(2, { kind: 'http', status: 503 }, 'cdnCacheInvalidation');
    const id = await acceptOne(r, jjUrls(10, 'flaky'));
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation');
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(r.notifier.of('confirmed', id)).toHaveLength(1);
    const calls = cdnCalls(r.sim);
    expect(calls.map((c) => c.httpStatus)).toEqual([503, 503, 200]);
    const purge = r.notifier.of('confirmed', id)[0]!.purge;
    expect(purge.status).toBe('done');
    expect(purge.batches[0]?.attempts).toBe(3);
    // Each retry was announced with the time of the next try.
    const waits = r.notifier.of('progress', id).filter((n) => n.purge.nextAttemptAt !== undefined);
    expect(waits).toHaveLength(2);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(waits[0]!.purge.nextAttemptAt! - 5);
  });

  it('holds the third call of a company limited to 2 calls per window until a token is there', async () => {
    const r = await start({ limits: { callsPerMinutePerCompany: 2 }, rateWindowMs: 1000 });
    const id = await acceptOne(r, jjUrls(2500, 'limited'));
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation');
    const calls = cdnCalls(r.sim);
    expect(calls).toHaveLength(3);
    const limited = r.notifier.of('progress', id).filter((n) => n.purge.nextAttemptAt !== undefined);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    const first = limited[0]!;
    // The wait was announced after the second call and before the third, with the third's earliest time.
    expect(first.at).toBeGreaterThanOrEqual(calls[1]!.at);
    expect(first.at).toBeLessThanOrEqual(calls[2]!.at);
    expect(first.purge.counts.submitted).toBe(2000);
    expect(calls[2]!.at).toBeGreaterThanOrEqual(first.purge.nextAttemptAt! - 5);
    expect(first.purge.nextAttemptAt!).toBeGreaterThan(calls[1]!.at);
  });

  it('turns a duplicate submission into one purge', async () => {
    const r = await start();
    const urls = jjUrls(20, 'dup');
    const [a, b] = await Promise.all([
      r.engine.service.accept(request(urls)),
      r.engine.service.accept(request(urls)),
    ]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['accepted', 'duplicate']);
    const idOf = (r: typeof a) => (r.kind === 'accepted' || r.kind === 'duplicate' ? r.purge.id : '');
    const id = idOf(a);
    expect(idOf(b)).toBe(id);
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation');
    const again = await r.engine.service.accept(request([...urls].reverse()));
    expect(again.kind).toBe('duplicate');
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(cdnCalls(r.sim)).toHaveLength(1);
    expect(r.notifier.of('confirmed')).toHaveLength(1);
  });

  it('answers all-recent without calling IPS when every URL was just purged', async () => {
    const r = await start();
    const urls = jjUrls(30, 'recent');
    const id = await acceptOne(r, urls, 'U1');
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation');
    const res = await r.engine.service.accept(request(urls.slice(0, 10), 'U2'));
    expect(res).toEqual({ kind: 'all-recent', skippedRecent: urls.slice(0, 10) });
    const mixed = await r.engine.service.accept(request([...urls.slice(0, 2), ...jjUrls(3, 'fresh')], 'U2'));
    expect(mixed.kind).toBe('accepted');
    if (mixed.kind === 'accepted') {
      expect(mixed.skippedRecent).toEqual(urls.slice(0, 2));
      await waitFor(() => r.notifier.of('confirmed', mixed.purge.id).length > 0, 'second confirmation');
    }
    const calls = cdnCalls(r.sim);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.urls).toEqual(jjUrls(3, 'fresh'));
  });

  it('fails a purge on an authentication fault once, with the code, and sends nothing more', async () => {
    const r = await start();
    r.sim.failNext(
      1,
      { kind: 'fault', fault: 'authentication', code: 10001, reason: 'Invalid username/password' },
      'cdnCacheInvalidation',
    );
    const id = await acceptOne(r, jjUrls(2500, 'auth'));
    const [note] = await waitFor(
      () => r.notifier.of('failed', id).length > 0 && r.notifier.of('failed', id),
      'failure notice',
    );
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(r.notifier.of('failed', id)).toHaveLength(1);
    expect(r.notifier.of('confirmed', id)).toHaveLength(0);
    expect(cdnCalls(r.sim)).toHaveLength(1);
    const purge = note!.purge;
    expect(purge.status).toBe('failed');
    expect(purge.error).toEqual({
      kind: 'authentication',
      code: 10001,
      codeName: 'INVALID_CREDENTIALS',
      reason: 'Invalid username/password',
    });
    expect(purge.batches.every((b) => b.status === 'failed' && b.error?.code === 10001)).toBe(true);
  });

  it('a final notifier that throws is retried until it succeeds, and still confirms once', async () => {
    const r = await start();
    r.notifier.failNext(2);
    const id = await acceptOne(r, jjUrls(5, 'notify-retry'));
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation');
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(r.notifier.of('confirmed', id)).toHaveLength(1);
  });

  it('a chat service that never answers progress notes does not hold up the purge or its answer', async () => {
    const notifier = new StuckProgressNotifier();
    const r = await start({ notifier });
    const id = await acceptOne(r, jjUrls(2500, 'stuck-chat'));
    await waitFor(() => r.notifier.of('confirmed', id).length > 0, 'confirmation', 20_000);
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(cdnCalls(r.sim)).toHaveLength(3);
    expect(r.notifier.of('confirmed', id)).toHaveLength(1);
    expect(r.notifier.of('confirmed', id)[0]!.purge.handles).toHaveLength(3);
    expect(r.notifier.of('progress', id).length).toBeGreaterThan(0);
    // Shutdown gives the stuck notes the deadline, not forever.
    await r.engine.close(300);
  });

  it('a batch whose every URL IPS refuses costs a bounded number of calls and fails once', async () => {
    const r = await start();
    const urls = jjUrls(1000, 'all-bad');
    for (const u of urls) r.sim.failUrl(u);
    const id = await acceptOne(r, urls);
    const [note] = await waitFor(
      () => r.notifier.of('failed', id).length > 0 && r.notifier.of('failed', id),
      'failure notice',
    );
    await waitFor(() => engineIdle(r.engine), 'queues to drain');
    expect(cdnCalls(r.sim).length).toBeLessThanOrEqual(1 + 2 * 10 + 10);
    expect(r.notifier.of('failed', id)).toHaveLength(1);
    expect(r.notifier.of('confirmed', id)).toHaveLength(0);
    const purge = note!.purge;
    expect(purge.status).toBe('failed');
    expect(purge.error).toMatchObject({ kind: 'ipsApi', code: 30001 });
    expect(purge.counts.failed + purge.counts.rejected).toBe(1000);
    expect(purge.failures.every((f) => f.error.code === 30001)).toBe(true);
  });

  it('close(deadline) returns while a job is stuck in an IPS call, and another replica finishes it', async () => {
    const sim = await quickSim(0);
    const client = simClient(sim);
    const notifier = new RecordingNotifier();
    const { engine, prefix } = testEngine({ ips: client, notifier });
    const second = testEngine({ prefix, ips: client, notifier }).engine;
    cleanups.push(async () => {
      await second.close(2000);
      await client.close();
      await sim.close();
      await dropPrefix(prefix);
    });
    sim.failNext(1, { kind: 'hang' }, 'cdnCacheInvalidation');
    await engine.startWorkers();
    const res = await engine.service.accept(request(jjUrls(10, 'hang')));
    if (res.kind !== 'accepted') throw new Error('expected accepted');
    await waitFor(() => cdnCalls(sim).length === 1, 'the hanging call');
    await engine.close(200);
    // The call is still unanswered: close() did not wait for it.
    expect(cdnCalls(sim)[0]?.httpStatus).toBe(0);
    await second.startWorkers();
    await waitFor(() => notifier.of('confirmed', res.purge.id).length > 0, 'the other replica to confirm');
    expect(notifier.of('confirmed', res.purge.id)).toHaveLength(1);
  });

  it('recovers a purge recorded by a process that crashed before enqueueing its job', async () => {
    const sim = await quickSim(0);
    const client = simClient(sim);
    const notifier = new RecordingNotifier();
    const { engine, prefix } = testEngine({ ips: client, notifier });
    cleanups.push(async () => {
      await engine.close(2000);
      await client.close();
      await sim.close();
      await dropPrefix(prefix);
    });
    // The "crashed" process: it wrote the purge (record + outbox entry) and died before queue.add.
    const store = new PurgeStore(engine.redis, purgeKeys(prefix), {
      retentionSeconds: 3600,
      indexLimit: 10,
      recentWindowMs: 60_000,
    });
    const crashed = new PurgeService({
      authorizer: allowEveryone,
      store,
      jobs: {
        enqueueSubmit: async () => {
          throw new Error('process killed');
        },
        enqueueConfirm: async () => {},
      },
      limits: testLimits(),
      logger: silentLogger(),
    });
    const res = await crashed.accept(request(jjUrls(40, 'orphan')));
    if (res.kind !== 'accepted') throw new Error('expected accepted');
    const id = res.purge.id;
    expect(await engine.queueCounts()).toMatchObject({ 'submit.waiting': 0, 'submit.delayed': 0 });
    // A fresh replica starts: its recovery sweep finds the orphan and submits it.
    await engine.startWorkers();
    await waitFor(() => notifier.of('confirmed', id).length > 0, 'confirmation of the orphan');
    await waitFor(() => engineIdle(engine), 'queues to drain');
    expect(notifier.of('confirmed', id)).toHaveLength(1);
    expect(cdnCalls(sim)).toHaveLength(1);
    expect(await engine.redis.zscore(`{${prefix}}:active`, id)).toBeNull();
  });
});
