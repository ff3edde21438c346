import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Delayed,
  delayingControl,
  RecordingNotifier,
  testRecord,
} from '../../test/support/engine-fixtures.js';
import { captureLogger } from '../../test/support/log-capture.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { silentLogger } from '../log.js';
import { ConfirmProcessor } from './confirm-worker.js';
import { newPurgeId } from './ids.js';
import { purgeKeys } from './keys.js';
import type { PurgeRecord, PurgeView } from './model.js';
import { PurgeStore } from './store.js';

const prefix = testPrefix('confirm');
const keys = purgeKeys(prefix);
let redis: Redis;
let store: PurgeStore;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  store = new PurgeStore(redis, keys, { retentionSeconds: 3600, indexLimit: 10, recentWindowMs: 0 });
});

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

const control = delayingControl;

/** Final notices that take `ms` each, like a send held up by Slack's rate limit. */
class SlowNotifier extends RecordingNotifier {
  constructor(private readonly ms: number) {
    super();
  }
  override async confirmed(purge: PurgeView): Promise<void> {
    await new Promise((r) => setTimeout(r, this.ms));
    await super.confirmed(purge);
  }
}

/** Stores a purge of `urlCount` URLs as `overrides` say; returns its id. */
async function storedPurge(overrides: Partial<PurgeRecord> = {}): Promise<string> {
  const id = newPurgeId();
  const now = Date.now();
  const urlCount = overrides.urlCount ?? 1;
  await store.create({
    record: testRecord({ status: 'done', createdAt: now, dueAt: now, finishedAt: now, ...overrides, id }),
    urls: Array.from({ length: urlCount }, (_, i) => `https://s7d7.scene7.com/is/image/JJEsquire/c${i}`),
    skipped: [],
    dedupeHash: `c-${id}`,
    dedupeMs: 0,
  });
  return id;
}

const finishedPurge = () => storedPurge();

/** A worker whose audit lines the test can read. */
function auditedWorker() {
  const notifier = new RecordingNotifier();
  const { logger, events } = captureLogger();
  const worker = new ConfirmProcessor({ store, notifier, logger, claimLeaseMs: 60_000 });
  const audits = (id: string) =>
    events().filter((e) => typeof e.audit === 'string' && e.audit.startsWith('purge.') && e.purgeId === id);
  return { notifier, worker, audits };
}

describe('ConfirmProcessor', () => {
  it('keeps its claim through a send that outlasts the lease: a second worker waits, one notice', async () => {
    // Renewed every third of the lease: only a stall of two thirds of it could let the claim lapse.
    const lease = 1000;
    const notifier = new SlowNotifier(3 * lease);
    const first = new ConfirmProcessor({ store, notifier, logger: silentLogger(), claimLeaseMs: lease });
    const second = new ConfirmProcessor({ store, notifier, logger: silentLogger(), claimLeaseMs: lease });
    const id = await finishedPurge();

    const sending = first.run(id, control);
    // Well past the lease the first worker started with, while its send is still going.
    await new Promise((r) => setTimeout(r, 2 * lease));
    const other = await second.run(id, control).catch((err: unknown) => err);
    expect(other).toBeInstanceOf(Delayed);
    await sending;

    expect(notifier.of('confirmed', id)).toHaveLength(1);
    expect((await store.load(id))?.notifiedAt).toBeTypeOf('number');
    // The claim is gone once the notice is marked sent, and a later run sends nothing.
    expect(await redis.exists(keys.claim(id))).toBe(0);
    await second.run(id, control);
    expect(notifier.of('confirmed', id)).toHaveLength(1);
  });

  it('audits the outcome once, when it settles, even while Slack cannot take the reply', async () => {
    const { notifier, worker, audits } = auditedWorker();
    const id = await storedPurge({
      status: 'clearing',
      urlCount: 3,
      batches: [{ index: 0, from: 0, to: 3, status: 'submitted', attempts: 1, handle: 'h' }],
      requester: 'U7',
    });
    notifier.failNext(2);
    await expect(worker.run(id, control)).rejects.toThrow(/notifier down/);
    expect(audits(id)).toEqual([
      expect.objectContaining({
        audit: 'purge.confirmed',
        user: 'U7',
        company: 'JJEsquire',
        urls: 3,
        status: 'done',
      }),
    ]);
    await expect(worker.run(id, control)).rejects.toThrow(/notifier down/);
    await worker.run(id, control);
    expect(notifier.of('confirmed', id)).toHaveLength(1);
    expect(audits(id)).toHaveLength(1);
  });

  it('audits a failed purge as purge.failed, with its code, once, though Slack keeps failing', async () => {
    const { notifier, worker, audits } = auditedWorker();
    const error = { kind: 'authentication' as const, code: 10001, reason: 'Invalid username/password' };
    const id = await storedPurge({
      status: 'failed',
      urlCount: 2,
      batches: [{ index: 0, from: 0, to: 2, status: 'failed', attempts: 1, error }],
      error,
    });
    notifier.failNext(2);
    await expect(worker.run(id, control)).rejects.toThrow(/notifier down/);
    await expect(worker.run(id, control)).rejects.toThrow(/notifier down/);
    await worker.run(id, control);
    expect(notifier.of('failed', id)).toHaveLength(1);
    expect(audits(id)).toEqual([
      expect.objectContaining({ audit: 'purge.failed', urls: 2, code: 10001, error: 'authentication' }),
    ]);
  });

  it('a failed send releases the claim at once, so the retry need not wait out the lease', async () => {
    const notifier = new RecordingNotifier();
    const worker = new ConfirmProcessor({ store, notifier, logger: silentLogger(), claimLeaseMs: 60_000 });
    const id = await finishedPurge();
    notifier.failNext(1);
    await expect(worker.run(id, control)).rejects.toThrow(/notifier down/);
    expect(await redis.exists(keys.claim(id))).toBe(0);
    await worker.run(id, control);
    expect(notifier.of('confirmed', id)).toHaveLength(1);
  });
});
