import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redactUrl } from '../../config/summary.js';
import type { Env } from '../../config/types.js';
import { createRedisClient, type RedisClient, serverOf } from '../../redis.js';
import { type CheckResult, fail, ok } from '../types.js';
import { assessRedis, parseInfo, type Read, type RedisFacts } from './redis-assess.js';

const NAME = 'redis';

/** The hash tag every key and queue of the app starts with (design.md: cluster-safe prefix). */
export function redisTag(prefix: string): string {
  return `{${prefix}}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function read<T>(work: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: message(err) };
  }
}

/** `CONFIG GET name` → its value; throws when CONFIG is disabled or renamed. */
async function configGet(redis: Redis, name: string): Promise<string> {
  const reply = await redis.call('CONFIG', 'GET', name);
  if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  throw new Error(`unexpected CONFIG GET ${name} reply`);
}

/** Server facts come from the server that holds the app's keys (in a cluster, the slot's master). */
async function gatherFacts(redis: RedisClient, tag: string): Promise<RedisFacts> {
  const holder = await serverOf(redis, tag);
  const server = parseInfo(await holder.info('server'));
  const persistence = parseInfo(await holder.info('persistence'));
  const probe = `${tag}:doctor:${randomBytes(6).toString('hex')}`;
  return {
    version: server.get('redis_version'),
    mode: server.get('redis_mode'),
    maxmemoryPolicy: await read(() => configGet(holder, 'maxmemory-policy')),
    aofEnabled: persistence.get('aof_enabled') === '1',
    rdbSave: await read(() => configGet(holder, 'save')),
    write: await read(async () => {
      // Expires by itself should the DEL never arrive.
      await redis.set(probe, '1', 'PX', 60_000);
      await redis.del(probe);
      return true as const;
    }),
  };
}

function connectFix(error: string): string {
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(error)) {
    return 'put the right credentials in REDIS_URL: redis://:password@host:port, or redis://user:password@host:port with ACLs';
  }
  return 'start Redis or point REDIS_URL at it (redis://host:port, rediss:// for TLS) and check the network path';
}

/**
 * Connects once (no retry loop, short timeouts), then reads what the app depends on. The URL is
 * shown without its password.
 */
export async function checkRedis(env: Env, timeoutMs: number, signal: AbortSignal): Promise<CheckResult[]> {
  const shown = redactUrl(env.redisUrl);
  const tag = redisTag(env.redisPrefix);
  let lastError: string | undefined;
  const redis = createRedisClient(
    { url: env.redisUrl, cluster: env.redisCluster },
    {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      enableOfflineQueue: false,
      connectionName: 'dm-purge-doctor',
    },
    { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null },
  );
  // The connect() rejection only says "Connection is closed"; the reason arrives as an event.
  redis.on('error', (err: unknown) => {
    lastError = message(err);
  });
  const onAbort = () => redis.disconnect();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      await redis.connect();
    } catch (err) {
      const error = lastError ?? message(err);
      return [fail(NAME, `cannot connect to ${shown}: ${error}`, connectFix(error))];
    }
    let facts: RedisFacts;
    try {
      facts = await gatherFacts(redis, tag);
    } catch (err) {
      const error = message(err);
      return [fail(NAME, `${shown} connected but INFO failed: ${error}`, connectFix(error))];
    }
    const mismatch =
      facts.mode === 'cluster' && !env.redisCluster
        ? [
            fail(
              `${NAME} cluster`,
              `${shown} is a node of a Redis Cluster, but REDIS_CLUSTER is not set: the app would get MOVED errors`,
              'set REDIS_CLUSTER=true (REDIS_URL may stay any node of the cluster)',
            ),
          ]
        : [];
    return [ok(NAME, `${shown} answers`), ...mismatch, ...assessRedis(facts, tag)];
  } finally {
    signal.removeEventListener('abort', onAbort);
    redis.disconnect();
  }
}
