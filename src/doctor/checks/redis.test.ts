import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteKeysWithPrefix,
  freePort,
  type OwnRedis,
  startOwnRedis,
  TEST_REDIS_URL,
  testPrefix,
} from '../../../test/support/redis.js';
import { loadEnv } from '../../config/env.js';
import type { Env } from '../../config/types.js';
import { checkRedis, redisTag } from './redis.js';

const TIMEOUT_MS = 10_000;
const signal = new AbortController().signal;

function envFor(redisUrl: string, prefix: string): Env {
  return loadEnv({
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_APP_TOKEN: 'xapp-1',
    IPS_USER: 'api@example.com',
    IPS_PASSWORD: 'pw',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
  });
}

/** Redis ignores SIGTERM while it writes the first AOF after `appendonly yes`; wait for that to end. */
async function initialAofWritten(redis: Redis): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const info = await redis.info('persistence');
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the AOF rewrite did not finish');
}

function byName(results: { name: string; status: string }[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.name, r.status]));
}

describe('checkRedis', () => {
  const prefix = testPrefix('doctor-redis');
  let shared: Redis;
  let own: OwnRedis;

  beforeAll(async () => {
    shared = new Redis(TEST_REDIS_URL);
    own = await startOwnRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(shared, prefix);
    shared.disconnect();
    await own.dispose();
  });

  it('reads the shared test Redis and leaves no key behind', async () => {
    const results = await checkRedis(envFor(TEST_REDIS_URL, prefix), TIMEOUT_MS, signal);
    expect(results.map((r) => r.name)).toEqual([
      'redis',
      'redis version',
      'redis maxmemory-policy',
      'redis persistence',
      'redis keys',
    ]);
    const status = byName(results);
    expect(status.redis).toBe('ok');
    expect(status['redis keys']).toBe('ok');
    expect(results.find((r) => r.name === 'redis keys')?.detail).toContain(`${redisTag(prefix)}:`);
    expect(await deleteKeysWithPrefix(shared, prefix)).toBe(0);
  });

  it('passes every line on a Redis with AOF and noeviction', async () => {
    const results = await checkRedis(envFor(own.url, prefix), TIMEOUT_MS, signal);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    expect(results.find((r) => r.name === 'redis persistence')?.detail).toContain('AOF on');
  });

  it('fails an evicting Redis and warns about one without persistence', async () => {
    const admin = new Redis(own.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await admin.config('SET', 'appendonly', 'no');
      await admin.config('SET', 'save', '');
      const status = byName(await checkRedis(envFor(own.url, prefix), TIMEOUT_MS, signal));
      expect(status['redis maxmemory-policy']).toBe('fail');
      expect(status['redis persistence']).toBe('warn');
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'appendonly', 'yes');
      await initialAofWritten(admin);
      admin.disconnect();
    }
  });

  it('fails a read-only replica on the key line', async () => {
    const admin = new Redis(own.url);
    try {
      // A replica of an address nobody serves stays read-only and answers INFO and CONFIG.
      await admin.replicaof('127.0.0.1', await freePort());
      const results = await checkRedis(envFor(own.url, prefix), TIMEOUT_MS, signal);
      const keys = results.find((r) => r.name === 'redis keys');
      expect(keys?.status).toBe('fail');
      expect(keys?.detail).toContain('read-only replica');
    } finally {
      await admin.replicaof('NO', 'ONE');
      admin.disconnect();
    }
  });

  it('fails with the socket error and a fix when nothing listens, hiding the password', async () => {
    const port = await freePort();
    const results = await checkRedis(
      envFor(`redis://:REDISTESTPASSWORD@127.0.0.1:${port}`, prefix),
      TIMEOUT_MS,
      signal,
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toBe(
      `cannot connect to redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(results[0]?.fix).toContain('REDIS_URL');
    expect(JSON.stringify(results)).not.toContain('REDISTESTPASSWORD');
  });
});
