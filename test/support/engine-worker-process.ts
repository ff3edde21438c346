/**
 * A purge-engine replica in its own process, for crash and scale tests. Run with
 * `node --import tsx test/support/engine-worker-process.ts '<json options>'`. Its notifier
 * appends `<kind>|<purgeId>|<pid>` to a Redis list so the parent can count notices across
 * processes. Prints `ready` once its workers run; SIGTERM closes it gracefully.
 */
import { Redis } from 'ioredis';
import { IpsClient } from '../../src/ips/client.js';
import { silentLogger } from '../../src/log.js';
import { createPurgeEngine } from '../../src/purge/engine.js';
import type { PurgeView } from '../../src/purge/model.js';
import type { Notifier } from '../../src/purge/ports.js';
import { allowEveryone, testConfig } from './engine-fixtures.js';
import { FAST_TUNING, FAST_WORKER, TEST_IPS_TUNING } from './engine-harness.js';
import { SIM_DEFAULTS } from './ips-sim-fixtures.js';

export interface WorkerProcessOptions {
  redisUrl: string;
  prefix: string;
  simUrl: string;
  noticeList: string;
  concurrency?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessOptions;
const recorder = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
const record = async (kind: string, p: PurgeView) => {
  await recorder.rpush(options.noticeList, `${kind}|${p.id}|${process.pid}`);
};
const notifier: Notifier = {
  progress: async () => {},
  confirmed: (p) => record('confirmed', p),
  failed: (p) => record('failed', p),
};
const ips = new IpsClient({
  url: options.simUrl,
  user: SIM_DEFAULTS.user,
  password: SIM_DEFAULTS.password,
  apiVersion: '2014-04-03',
  appName: 'dm-purge',
  appVersion: 'test',
  tuning: TEST_IPS_TUNING,
});
const engine = createPurgeEngine({
  redisUrl: options.redisUrl,
  prefix: options.prefix,
  ips,
  authorizer: allowEveryone,
  notifier,
  config: testConfig(),
  logger: silentLogger(),
  worker: { ...FAST_WORKER, concurrency: options.concurrency ?? 8 },
  tuning: FAST_TUNING,
});

process.on('SIGTERM', () => {
  void (async () => {
    await engine.close(2000);
    await ips.close();
    recorder.disconnect();
    process.exit(0);
  })();
});

await engine.startWorkers();
process.stdout.write('ready\n');
