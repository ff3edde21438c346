import { describe, it } from 'vitest';
import { ADMIN, purgeUrl, spawnApp, startWorld } from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import {
  acceptedIds,
  invalidationsOf,
  once,
  outcomeReplies,
  purgeIdsIn,
  settledReplies,
} from './outcomes.js';
import { purge } from './slack-driver.js';

/**
 * SIGKILL while the outcome reply is being sent (the notice claim is held). The next replica may
 * only send once the claim's lease ends, and `src/app.ts` fixes that lease at 300 s with no knob,
 * so this takes about six minutes: it runs only with DMPURGE_SLOW_FAULTS=1.
 */

const SLOW = process.env.DMPURGE_SLOW_FAULTS === '1';

describe('SIGKILL while the outcome reply is being sent', () => {
  it.runIf(SLOW)(
    'the restarted replica answers once, after the dead one’s claim lapses',
    async ({ expect, onTestFinished }) => {
      const w = await startWorld({ estimatedSeconds: 1 });
      onTestFinished(() => w.close());
      const app = await spawnApp(w);
      const url = purgeUrl('kill-sending');
      const channel = 'C0KILLSEND';
      await purge(w.slack, { open: app, userId: ADMIN.id, channel, urls: [url] });
      await waitFor(() => purgeIdsIn(w.slack.calls, channel)[0], 'the purge message');
      // The reply is the next post; a rate limit holds it in the notifier's client while we kill.
      w.slack.failNext('chat.postMessage', 1, { kind: 'ratelimit', retryAfter: 10 });
      await w.slack.waitFor(
        (c) => c.method === 'chat.postMessage' && c.status === 429 && c.args.thread_ts !== undefined,
        30_000,
      );
      await app.sigkill();
      expect(outcomeReplies(w.slack.calls).size).toBe(0);
      const ids = await acceptedIds(w, ADMIN.id);

      await app.restart();
      const { counts, wrongThread } = await settledReplies(w, 1, 480_000);
      expect(Object.fromEntries(counts)).toEqual(once(ids));
      expect(wrongThread).toEqual([]);
      expect(invalidationsOf(w, url)).toHaveLength(1);
    },
    600_000,
  );
});
