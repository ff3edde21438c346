import { describe, it } from 'vitest';
import {
  ADMIN,
  type FaultConfig,
  purgeUrl,
  spawnApp,
  startWorld,
  type World,
} from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import {
  acceptedIds,
  expectEachDoneOnce,
  invalidationsOf,
  keyExists,
  outcomeReplies,
  purgeIdsIn,
  settledReplies,
} from './outcomes.js';
import { openModal, purge, submitModal } from './slack-driver.js';

/**
 * The app process SIGKILLed at each stage of a purge, then started again with the same environment:
 * every accepted purge is answered exactly once. A job the dead process held is recovered by BullMQ's
 * stalled-job check, whose timings (30 s) have no knob in the app, so some of these wait ~30–90 s;
 * the stages run concurrently, each in its own world.
 */

const RECOVERY_MS = 180_000;
const TEST_MS = 300_000;

/** Short BullMQ locks: a restarted replica takes over the dead one's active job within seconds. */
const SHORT_LOCKS = { lockDurationMs: 5000, stalledIntervalMs: 1000 };

async function world(
  onFinished: (fn: () => Promise<void>) => void,
  estimatedSeconds = 1,
  engine: FaultConfig['engine'] = {},
): Promise<World> {
  const w = await startWorld({ estimatedSeconds, config: { engine } });
  onFinished(() => w.close());
  return w;
}

describe.concurrent('SIGKILL and restart: every purge answered exactly once', () => {
  it(
    'killed right after the submission was acked, before IPS took anything',
    async ({ expect, onTestFinished }) => {
      const w = await world(onTestFinished, 1, SHORT_LOCKS);
      const app = await spawnApp(w);
      const url = purgeUrl('kill-acked');
      const modal = await openModal(app, w.slack, { userId: ADMIN.id, channel: 'C0KILLACK' });
      // The worker may reach IPS in the moment between the ack and the kill: IPS turns that first
      // call away (a retryable 503, retried only after a backoff), so nothing is purged before the kill.
      w.ips.failNext(1, { kind: 'http', status: 503 }, 'cdnCacheInvalidation');
      const res = await submitModal(app, { userId: ADMIN.id, modal, urls: [url] });
      await app.sigkill();
      expect(res).toMatchObject({ status: 200, body: '' });
      expect(invalidationsOf(w, url).filter((c) => c.httpStatus === 200)).toHaveLength(0);
      const ids = await acceptedIds(w, ADMIN.id);
      expect(ids).toHaveLength(1);

      await app.restart();
      expect(await expectEachDoneOnce(w, ADMIN.id, 1, RECOVERY_MS)).toEqual(ids);
      expect(invalidationsOf(w, url).filter((c) => c.httpStatus === 200)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'killed while its IPS call is in flight: the call is sent again and answered once',
    async ({ expect, onTestFinished }) => {
      const w = await world(onTestFinished);
      const app = await spawnApp(w);
      const url = purgeUrl('kill-inflight');
      w.ips.setLatency(5000);
      await purge(w.slack, { open: app, userId: ADMIN.id, channel: 'C0KILLIPS', urls: [url] });
      await waitFor(() => invalidationsOf(w, url).length === 1, 'the IPS call');
      await app.sigkill();
      w.ips.setLatency(0);
      const ids = await acceptedIds(w, ADMIN.id);
      expect(ids).toHaveLength(1);

      await app.restart();
      expect(await expectEachDoneOnce(w, ADMIN.id, 1, RECOVERY_MS)).toEqual(ids);
      // The first answer died with the process, so the batch went out once more (at least once).
      expect(invalidationsOf(w, url)).toHaveLength(2);
    },
    TEST_MS,
  );

  it(
    'killed while the confirmation is pending, restarted after it fell due: answered once, IPS not called again',
    async ({ expect, onTestFinished }) => {
      const est = 3;
      const w = await world(onTestFinished, est);
      const app = await spawnApp(w);
      const url = purgeUrl('kill-due');
      const channel = 'C0KILLDUE';
      await purge(w.slack, { open: app, userId: ADMIN.id, channel, urls: [url] });
      const id = await waitFor(() => purgeIdsIn(w.slack.calls, channel)[0], 'the purge message');
      // The confirm job exists only once the batch's outcome is written (same connection, in order).
      await waitFor(() => keyExists(w, `confirm:confirm-${id}`), 'the confirm job');
      await app.sigkill();
      expect(outcomeReplies(w.slack.calls).size).toBe(0);
      const call = invalidationsOf(w, url)[0]!;
      expect(call.response?.estimatedSeconds).toBe(est);
      // Let the confirmation fall due while no replica runs.
      await waitFor(() => Date.now() > call.at + est * 1000 + 1000, 'the due time', 30_000);
      expect(outcomeReplies(w.slack.calls).size).toBe(0);

      await app.restart();
      const { counts, wrongThread } = await settledReplies(w, 1, RECOVERY_MS);
      expect(Object.fromEntries(counts)).toEqual({ [id]: 1 });
      expect(wrongThread).toEqual([]);
      expect(invalidationsOf(w, url)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'killed amid a stream of purges in every stage: each is answered once',
    async ({ expect, onTestFinished }) => {
      const w = await world(onTestFinished);
      const app = await spawnApp(w);
      w.ips.setLatency(300);
      const urls = Array.from({ length: 8 }, (_, i) => purgeUrl(`kill-stream-${i}`));
      await Promise.all(
        urls.map((url, i) =>
          purge(w.slack, { open: app, userId: ADMIN.id, channel: `C0STREAM${i}`, urls: [url] }),
        ),
      );
      await waitFor(
        () => w.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation').length >= 3,
        'three IPS calls',
      );
      await app.sigkill();
      w.ips.setLatency(0);
      const ids = await acceptedIds(w, ADMIN.id);
      expect(ids).toHaveLength(8);

      await app.restart();
      expect(await expectEachDoneOnce(w, ADMIN.id, 8, RECOVERY_MS)).toEqual(ids);
      for (const url of urls) expect(invalidationsOf(w, url).some((c) => c.httpStatus === 200)).toBe(true);
    },
    TEST_MS,
  );
});
