import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { checkRedis } from '../../src/doctor/checks/redis.js';
import { ADMIN, purgeUrl, spawnApp, startWorld } from '../support/app-process.js';
import { testPrefix } from '../support/redis.js';
import { type OwnRedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import { expectEachDoneOnce, invalidationsOf } from './outcomes.js';
import { purge } from './slack-driver.js';

/**
 * REDIS_CLUSTER=true against a three-master Redis Cluster, seeded with a node that does not hold the
 * app's slot: every key and queue must reach the right master through the cluster client.
 */

let cluster: OwnRedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
});

describe('Redis Cluster', () => {
  it('purges are accepted, sent and answered once, with the seed node not owning the keys', {
    timeout: 120_000,
  }, async ({ expect, onTestFinished }) => {
    const prefix = testPrefix('cluster');
    const owner = await cluster.ownerOf(`{${prefix}}`);
    const seed = cluster.ports.find((p) => p !== owner) as number;

    // Without cluster mode, the seed would turn the app's keys away.
    const plain = new Redis(cluster.url(seed), { maxRetriesPerRequest: 0, retryStrategy: () => null });
    plain.on('error', () => undefined);
    await expect(plain.set(`{${prefix}}:probe`, '1')).rejects.toThrow(/MOVED/);
    plain.disconnect();

    const w = await startWorld({
      estimatedSeconds: 1,
      redisUrl: cluster.url(seed),
      redisCluster: true,
      prefix,
    });
    onTestFinished(() => w.close());
    const app = await spawnApp(w);
    expect((await app.readyz()).status).toBe(200);

    const urls = Array.from({ length: 5 }, (_, i) => purgeUrl(`cluster-${i}`));
    for (const [i, url] of urls.entries()) {
      await purge(w.slack, { open: app, userId: ADMIN.id, channel: `C0CLUSTER${i}`, urls: [url] });
    }
    await expectEachDoneOnce(w, ADMIN.id, urls.length);
    for (const url of urls) expect(invalidationsOf(w, url)).toHaveLength(1);
  });

  it("doctor reads the server facts from the master of the app's slot, and spots a missing REDIS_CLUSTER", async ({
    expect,
  }) => {
    const prefix = testPrefix('cluster-doctor');
    const owner = await cluster.ownerOf(`{${prefix}}`);
    const seed = cluster.ports.find((p) => p !== owner) as number;
    const env = (clusterMode: string) =>
      loadEnv({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        IPS_USER: 'api@example.com',
        IPS_PASSWORD: 'pw',
        REDIS_URL: cluster.url(seed),
        REDIS_CLUSTER: clusterMode,
        REDIS_PREFIX: prefix,
      });
    const signal = new AbortController().signal;

    const good = await checkRedis(env('true'), 10_000, signal);
    expect(good.find((r) => r.name === 'redis')?.status).toBe('ok');
    expect(good.find((r) => r.name === 'redis cluster')).toBeUndefined();
    expect(good.map((r) => r.detail).join('\n')).toMatch(/\(cluster\)/);
    // The write probe went through to the owner: no MOVED failure among the results.
    expect(
      good
        .filter((r) => r.status === 'fail')
        .map((r) => r.detail)
        .join('\n'),
    ).not.toMatch(/MOVED/);

    const missing = await checkRedis(env('false'), 10_000, signal);
    expect(missing.find((r) => r.name === 'redis cluster')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('REDIS_CLUSTER=true'),
    });
  });
});
