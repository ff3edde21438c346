import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { JJ_COMPANY, jjUrls, RecordingNotifier, waitFor } from './support/engine-fixtures.js';
import { dropPrefix, engineIdle, quickSim, simClient, testEngine } from './support/engine-harness.js';
import { spawnEngineWorker, type WorkerProcess } from './support/engine-process.js';
import type { IpsSimulator } from './support/ips-simulator.js';
import { startOwnRedis, TEST_REDIS_URL, testPrefix } from './support/redis.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const request = (urls: string[]) => ({
  company: { ...JJ_COMPANY },
  requester: 'U1',
  origin: { kind: 'command' as const, channel: 'C1' },
  urls,
});

const cdnCalls = (sim: IpsSimulator) => sim.calls.filter((c) => c.operation === 'cdnCacheInvalidation');

async function simulator(estimatedSeconds = 0): Promise<IpsSimulator> {
  const sim = await quickSim(estimatedSeconds);
  cleanups.push(() => sim.close());
  return sim;
}

function track(p: WorkerProcess): WorkerProcess {
  cleanups.push(() => p.kill('SIGKILL'));
  return p;
}

describe('purge engine: crashes and replicas', () => {
  it('a replica killed in the middle of a purge is taken over by another that finishes it', async () => {
    const sim = await simulator();
    sim.setLatency(400);
    const prefix = testPrefix('crash-kill');
    cleanups.push(() => dropPrefix(prefix));
    const noticeList = `{${prefix}}:test:notices`;
    const doomed = track(
      await spawnEngineWorker({ redisUrl: TEST_REDIS_URL, prefix, simUrl: sim.url, noticeList }),
    );

    const notifier = new RecordingNotifier();
    const client = simClient(sim);
    const { engine } = testEngine({ prefix, ips: client, notifier });
    cleanups.push(async () => {
      await engine.close(2000);
      await client.close();
    });
    const urls = jjUrls(3000, 'kill');
    const res = await engine.service.accept(request(urls));
    if (res.kind !== 'accepted') throw new Error('expected accepted');
    const id = res.purge.id;

    // Kill the child while its second call is in flight.
    await waitFor(() => cdnCalls(sim).length >= 2, 'the child to send its second call');
    await doomed.kill('SIGKILL');
    const sentByChild = cdnCalls(sim).length;

    await engine.startWorkers();
    await waitFor(() => notifier.of('confirmed', id).length > 0, 'the survivor to confirm', 60_000);
    await waitFor(() => engineIdle(engine), 'queues to drain');
    expect(notifier.of('confirmed', id)).toHaveLength(1);
    const purge = notifier.of('confirmed', id)[0]!.purge;
    expect(purge.status).toBe('done');
    expect(purge.counts.submitted).toBe(3000);
    // Batch 1 went out once; batch 2 may be sent again (its answer was lost with the child); batch 3 once.
    const firsts = cdnCalls(sim).map((c) => c.urls?.[0]);
    expect(firsts.filter((u) => u === urls[0])).toHaveLength(1);
    expect(firsts.filter((u) => u === urls[2000])).toHaveLength(1);
    expect(cdnCalls(sim).length).toBeLessThanOrEqual(sentByChild + 2);
    const r = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => r.disconnect());
    expect(await r.lrange(noticeList, 0, -1)).toEqual([]);
  });

  it('two replicas in separate processes confirm each of 200 purges exactly once', async () => {
    const sim = await simulator();
    const prefix = testPrefix('crash-scale');
    cleanups.push(() => dropPrefix(prefix));
    const noticeList = `{${prefix}}:test:notices`;
    const replicas = await Promise.all(
      [0, 1].map(async () =>
        track(
          await spawnEngineWorker({
            redisUrl: TEST_REDIS_URL,
            prefix,
            simUrl: sim.url,
            noticeList,
            concurrency: 16,
          }),
        ),
      ),
    );
    const producer = testEngine({ prefix, ips: simClient(sim), notifier: new RecordingNotifier() }).engine;
    cleanups.push(() => producer.close(1000));

    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await producer.service.accept(request(jjUrls(5, `scale${i}-`)));
      if (res.kind !== 'accepted') throw new Error('expected accepted');
      ids.push(res.purge.id);
    }
    const r = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => r.disconnect());
    await waitFor(async () => (await r.llen(noticeList)) >= 200, '200 confirmations', 90_000);
    await waitFor(() => engineIdle(producer), 'queues to drain');
    // Give a straggling duplicate every chance to show up before counting.
    await waitFor(async () => (await r.zcard(`{${prefix}}:active`)) === 0, 'the outbox to empty');
    const notices = await r.lrange(noticeList, 0, -1);
    const confirmedIds = notices.filter((n) => n.startsWith('confirmed|')).map((n) => n.split('|')[1]);
    expect(notices).toHaveLength(200);
    expect(new Set(confirmedIds).size).toBe(200);
    expect(new Set(confirmedIds)).toEqual(new Set(ids));
    // Both replicas did work.
    const pids = new Set(notices.map((n) => n.split('|')[2]));
    expect(pids.size).toBe(2);
    // Delivery to IPS is at-least-once (a stalled job may resend); every purge went out.
    expect(new Set(cdnCalls(sim).map((c) => c.urls?.[0])).size).toBe(200);
    await Promise.all(replicas.map((p) => p.kill('SIGTERM')));
  });

  it('completes a purge after its Redis server restarts mid-purge (AOF keeps the state)', async () => {
    const own = await startOwnRedis();
    cleanups.push(() => own.dispose());
    const sim = await simulator();
    sim.setLatency(300);
    const notifier = new RecordingNotifier();
    const client = simClient(sim);
    const { engine } = testEngine({ redisUrl: own.url, ips: client, notifier });
    cleanups.push(async () => {
      await engine.close(2000);
      await client.close();
    });
    await engine.startWorkers();
    const res = await engine.service.accept(request(jjUrls(4000, 'restart')));
    if (res.kind !== 'accepted') throw new Error('expected accepted');
    const id = res.purge.id;
    await waitFor(() => cdnCalls(sim).length >= 2, 'two calls');
    await own.restart();
    await waitFor(() => notifier.of('confirmed', id).length > 0, 'confirmation after the restart', 90_000);
    await waitFor(() => engineIdle(engine), 'queues to drain');
    expect(notifier.of('confirmed', id)).toHaveLength(1);
    const purge = notifier.of('confirmed', id)[0]!.purge;
    expect(purge.status).toBe('done');
    expect(purge.counts.submitted).toBe(4000);
    expect(
      new Set(
        cdnCalls(sim)
          .filter((c) => c.httpStatus === 200)
          .flatMap((c) => c.urls),
      ).size,
    ).toBe(4000);
  });
});
