import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis server, or to a Redis Cluster (every key of the app is in one slot). */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** `redis://` or `rediss://`; with `cluster`, any node of the cluster (a seed). */
  url: string;
  cluster: boolean;
}

/**
 * Opens a connection as `target` says. In cluster mode the URL's credentials and TLS apply to every
 * node, and node addresses are used as the cluster announces them: managed services (ElastiCache
 * with TLS) need the names, not re-resolved IPs, for their certificates to match.
 */
export function createRedisClient(
  target: RedisTarget,
  options: RedisOptions,
  clusterOptions: Omit<ClusterOptions, 'redisOptions' | 'dnsLookup'> = {},
): RedisClient {
  if (!target.cluster) return new Redis(target.url, options);
  const url = new URL(target.url);
  const tls = url.protocol === 'rediss:';
  const redisOptions: RedisOptions = {
    ...options,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], {
    ...clusterOptions,
    redisOptions,
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  });
}

/**
 * The server that holds `key`: the connection itself, or in a cluster the master that owns the
 * key's slot (for commands that are about a server, not a key: INFO, CONFIG).
 */
export async function serverOf(redis: RedisClient, key: string): Promise<Redis> {
  if (!(redis instanceof Cluster)) return redis;
  const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
  const owner = redis.slots[slot]?.[0];
  const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) throw new Error(`no cluster node serves slot ${slot}`);
  return node;
}

/** Quits politely, or drops the connection when it is already broken. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
