import { describe, it } from 'vitest';
import { ADMIN, purgeUrl, spawnApp, startWorld } from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import { acceptedIds, expectEachDoneOnce, invalidationsOf, outcomeReplies, purgeIdsIn } from './outcomes.js';
import { purge } from './slack-driver.js';

/**
 * SIGKILL while the outcome reply is being sent (the notice claim is held). The next replica may
 * only send once the dead one's claim lapses, so the world runs with a short lease; a live sender
 * renews its claim, which the slow rate-limited send below would otherwise outlast.
 */

const LEASE_MS = 3000;

describe('SIGKILL while the outcome reply is being sent', () => {
  it('the restarted replica answers once, after the dead one’s claim lapses', async ({
    expect,
    onTestFinished,
  }) => {
    // Short locks too, so the restarted replica takes over the dead one's job quickly.
    const engine = { claimLeaseMs: LEASE_MS, lockDurationMs: 5000, stalledIntervalMs: 1000 };
    const w = await startWorld({ estimatedSeconds: 1, config: { engine } });
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
    expect(await expectEachDoneOnce(w, ADMIN.id, 1)).toEqual(ids);
    expect(invalidationsOf(w, url)).toHaveLength(1);
  }, 240_000);
});
