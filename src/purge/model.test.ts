import { describe, expect, it } from 'vitest';
import { planBatches } from './batching.js';
import { type PurgeRecord, toView } from './model.js';

describe('toView', () => {
  it('derives counts, handles and failures from the batches', () => {
    const urls = Array.from({ length: 25 }, (_, i) => `u${i}`);
    const batches = planBatches(24, 10); // 0-10, 10-20, 20-24; URL 24 was rejected and its batch removed
    batches[0] = {
      ...batches[0]!,
      status: 'submitted',
      attempts: 1,
      handle: 'h1',
      estimatedSeconds: 5,
      submittedAt: 1,
    };
    batches[1] = {
      ...batches[1]!,
      status: 'failed',
      attempts: 6,
      error: { kind: 'transport', code: 'X', reason: 'down' },
    };
    const rec: PurgeRecord = {
      id: 'p-AAAAAA',
      company: { name: 'JJ', handle: 'c|6', rootId: 'JJ' },
      requester: 'U1',
      origin: { kind: 'shortcut', channel: 'C1', messageTs: '1.2' },
      status: 'submitting',
      urlCount: 25,
      skippedCount: 1,
      batches,
      rejected: [{ url: 'u24', code: 30001, codeName: 'INVALID_PARAMETER', reason: 'bad' }],
      createdAt: 1,
      updatedAt: 2,
      nextAttemptAt: 99,
    };
    const v = toView(rec, urls, ['old']);
    expect(v.counts).toEqual({
      total: 25,
      submitted: 10,
      pending: 4,
      failed: 10,
      rejected: 1,
      skippedRecent: 1,
      batches: 3,
    });
    expect(v.handles).toEqual(['h1']);
    expect(v.failures).toEqual([
      { urls: urls.slice(10, 20), error: { kind: 'transport', code: 'X', reason: 'down' } },
    ]);
    expect(v.batches[2]?.urls).toEqual(['u20', 'u21', 'u22', 'u23']);
    expect(v.nextAttemptAt).toBe(99);
    expect(v.dueAt).toBeUndefined();
    expect(v.origin).toEqual({ kind: 'shortcut', channel: 'C1', messageTs: '1.2' });
    expect(v.skippedRecent).toEqual(['old']);
  });
});
