import { describe, it } from 'vitest';
import { ADMIN, type AppProcess, purgeUrl, spawnApp, startWorld } from '../support/app-process.js';
import { expectEachDoneOnce, invalidationsOf } from './outcomes.js';
import { purge } from './slack-driver.js';

/**
 * Several app processes behind one Redis, as operators scale it: each purge's modal is opened on
 * one replica and submitted to the next, and whichever replica's workers pick the jobs send them.
 */

const PURGES = 100;
const IN_FLIGHT = 10;

async function inBatches(count: number, size: number, fn: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => fn(start + k)));
  }
}

describe('replicas behind one Redis', () => {
  it.for([2, 3])(
    '%i replicas: 100 purges submitted across them get 100 outcome replies, none twice',
    { timeout: 240_000 },
    async (replicas, { expect, onTestFinished }) => {
      const w = await startWorld({ estimatedSeconds: 1 });
      onTestFinished(() => w.close());
      const apps: AppProcess[] = await Promise.all(Array.from({ length: replicas }, () => spawnApp(w)));
      const urls = Array.from({ length: PURGES }, (_, i) => purgeUrl(`replica${replicas}-${i}`));

      await inBatches(PURGES, IN_FLIGHT, (i) =>
        purge(w.slack, {
          open: apps[i % replicas]!,
          submit: apps[(i + 1) % replicas]!,
          userId: ADMIN.id,
          channel: `C0REPLICA${i % 10}`,
          urls: [urls[i]!],
        }),
      );

      await expectEachDoneOnce(w, ADMIN.id, PURGES);
      for (const url of urls) expect(invalidationsOf(w, url).some((c) => c.httpStatus === 200)).toBe(true);
      // Every replica took submissions, and every replica's workers sent outcomes.
      for (const app of apps) {
        expect(app.logs().filter((l) => l.audit === 'purge.accepted').length).toBeGreaterThan(0);
        expect(app.logs().filter((l) => l.msg === 'purge notified').length).toBeGreaterThan(0);
      }
    },
  );
});
