import { Redis } from 'ioredis';
import type { EngineConfig, IpsTuning, Limits } from '../../src/config/types.js';
import { IpsClient } from '../../src/ips/client.js';
import type { IpsGateway } from '../../src/ips/types.js';
import { silentLogger } from '../../src/log.js';
import { createPurgeEngine, type EngineTuning, type PurgeEngine } from '../../src/purge/engine.js';
import type { Notifier } from '../../src/purge/ports.js';
import { allowEveryone, testConfig } from './engine-fixtures.js';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './ips-simulator.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from './redis.js';

export const TEST_IPS_TUNING: IpsTuning = {
  connectTimeoutMs: 2000,
  headersTimeoutMs: 5000,
  bodyTimeoutMs: 5000,
  connections: 8,
  authHeaderNamespace: 'versioned',
  faultHttpStatusCode: undefined,
  locale: 'en-US',
};

export function simClient(sim: IpsSimulator, password = SIM_DEFAULTS.password): IpsClient {
  return new IpsClient({
    url: sim.url,
    user: SIM_DEFAULTS.user,
    password,
    apiVersion: '2014-04-03',
    appName: 'dm-purge',
    appVersion: 'test',
    tuning: TEST_IPS_TUNING,
  });
}

/** Short BullMQ timings so crash recovery happens within a second or two. */
export const FAST_WORKER = { lockDurationMs: 2000, stalledIntervalMs: 1000 };

export const FAST_TUNING: EngineTuning = {
  sweepIntervalMs: 500,
  sweepMinAgeMs: 0,
  claimLeaseMs: 2000,
  jobRetry: { retryBackoffMs: 50 },
};

export interface EngineOptions {
  prefix?: string;
  redisUrl?: string;
  limits?: Partial<Limits>;
  engine?: Partial<EngineConfig>;
  tuning?: EngineTuning;
  concurrency?: number;
  ips: IpsGateway;
  notifier: Notifier;
}

export function testEngine(o: EngineOptions): { engine: PurgeEngine; prefix: string } {
  const prefix = o.prefix ?? testPrefix('engine');
  const engine = createPurgeEngine({
    redisUrl: o.redisUrl ?? TEST_REDIS_URL,
    prefix,
    ips: o.ips,
    authorizer: allowEveryone,
    notifier: o.notifier,
    config: testConfig(o.limits, o.engine),
    logger: silentLogger(),
    worker: { ...FAST_WORKER, ...(o.concurrency ? { concurrency: o.concurrency } : {}) },
    tuning: { ...FAST_TUNING, ...o.tuning },
  });
  return { engine, prefix };
}

/** Starts a simulator with quick CDN estimates. */
export async function quickSim(estimatedSeconds = 0): Promise<IpsSimulator> {
  return startIpsSimulator({ estimatedSeconds });
}

export async function dropPrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const r = new Redis(url);
  try {
    await deleteKeysWithPrefix(r, prefix);
  } finally {
    r.disconnect();
  }
}

/** True once no job of the engine is waiting, delayed or running. */
export async function engineIdle(engine: PurgeEngine): Promise<boolean> {
  const c = await engine.queueCounts();
  return ['submit', 'confirm'].every(
    (q) =>
      (c[`${q}.waiting`] ?? 0) +
        (c[`${q}.active`] ?? 0) +
        (c[`${q}.delayed`] ?? 0) +
        (c[`${q}.prioritized`] ?? 0) ===
      0,
  );
}
