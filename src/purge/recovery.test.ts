import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRecord } from '../../test/support/engine-fixtures.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { silentLogger } from '../log.js';
import { confirmJobId, newPurgeId, submitJobId } from './ids.js';
import { BullJobScheduler, CONFIRM_QUEUE, type PurgeJobData, SUBMIT_QUEUE } from './jobs.js';
import { purgeKeys } from './keys.js';
import type { PurgeStatus } from './model.js';
import { RecoverySweep } from './recovery.js';
import { PurgeStore } from './store.js';

const prefix = testPrefix('recovery');
const keys = purgeKeys(prefix);
let redis: Redis;
let submitQueue: Queue<PurgeJobData>;
let confirmQueue: Queue<PurgeJobData>;
let store: PurgeStore;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  submitQueue = new Queue<PurgeJobData>(SUBMIT_QUEUE, { connection: redis, prefix: keys.tag });
  confirmQueue = new Queue<PurgeJobData>(CONFIRM_QUEUE, { connection: redis, prefix: keys.tag });
  store = new PurgeStore(redis, keys, { retentionSeconds: 600, indexLimit: 5, recentWindowMs: 0 });
});

afterAll(async () => {
  await submitQueue.close();
  await confirmQueue.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

async function stuckPurge(createdAt: number, status: PurgeStatus): Promise<string> {
  const id = newPurgeId();
  const record = testRecord({
    id,
    status,
    createdAt,
    ...(status === 'clearing' ? { dueAt: createdAt } : {}),
  });
  const created = await store.create({ record, urls: ['u'], skipped: [], dedupeHash: id, dedupeMs: 0 });
  if (created.kind !== 'created') throw new Error(`not created: ${created.kind}`);
  return id;
}

describe('RecoverySweep', () => {
  it('pages through every stuck purge, however many pages, ties included', async () => {
    const base = Date.now() - 60_000;
    const submitting: string[] = [];
    const clearing: string[] = [];
    const gone: string[] = [];
    const notified: string[] = [];
    // 13 purges, created in groups of 4 sharing one millisecond, so ties straddle page boundaries.
    for (let i = 0; i < 13; i++) {
      const at = base + Math.floor(i / 4);
      const id = await stuckPurge(at, i % 3 === 0 ? 'clearing' : 'queued');
      if (i === 4 || i === 9) {
        // Expired meanwhile: only its outbox entry is left.
        await redis.del(keys.purge(id));
        gone.push(id);
      } else if (i === 6) {
        // Notified, but the process died before leaving the outbox.
        await redis.hset(keys.purge(id), 'n', String(at));
        notified.push(id);
      } else if (i % 3 === 0) clearing.push(id);
      else submitting.push(id);
    }
    const young = await stuckPurge(Date.now() + 60_000, 'queued');
    const sweep = new RecoverySweep({
      store,
      jobs: new BullJobScheduler(submitQueue, confirmQueue),
      submitQueue,
      confirmQueue,
      logger: silentLogger(),
      minAgeMs: 0,
      batchSize: 3,
    });

    expect(await sweep.runOnce()).toBe(submitting.length + clearing.length);
    for (const id of submitting) expect(await submitQueue.getJobState(submitJobId(id))).toBe('waiting');
    for (const id of clearing) expect(await confirmQueue.getJobState(confirmJobId(id))).toBe('waiting');
    expect(await submitQueue.getJobState(submitJobId(young))).toBe('unknown');
    const left = await redis.zrange(keys.active(), 0, -1);
    expect(new Set(left)).toEqual(new Set([...submitting, ...clearing, young]));
    // Every job is there now: a second pass has nothing to do.
    expect(await sweep.runOnce()).toBe(0);
  });
});
