import { describe, it } from 'vitest';
import { ADMIN, purgeUrl, spawnApp, startWorld } from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import { startOwnRedis } from '../support/redis.js';
import {
  acceptedIds,
  invalidationsOf,
  keyExists,
  once,
  outcomeReplies,
  purgeIdsIn,
  settledReplies,
} from './outcomes.js';
import { command, openModal, purge, submitModal } from './slack-driver.js';

/**
 * The app's Redis (a private redis-server with AOF) stopped for about ten seconds while purges are
 * under way: requests in the gap get a clear answer at once, `/readyz` names Redis, and the purges
 * accepted before the gap are answered, once each, after Redis is back.
 */

const OUTAGE_MS = 10_000;
const UNAVAILABLE = /temporarily unavailable/;

describe('Redis outage', () => {
  it('requests in the gap are answered, and purges accepted before it complete afterwards', {
    timeout: 240_000,
  }, async ({ expect, onTestFinished }) => {
    const own = await startOwnRedis();
    onTestFinished(() => own.dispose());
    const w = await startWorld({ estimatedSeconds: 2, redisUrl: own.url });
    onTestFinished(() => w.close());
    const app = await spawnApp(w);

    // Before the gap: one purge waiting for its confirmation, one whose IPS call is in flight.
    const clearing = purgeUrl('outage-clearing');
    await purge(w.slack, { open: app, userId: ADMIN.id, channel: 'C0BEFORE1', urls: [clearing] });
    const clearingId = await waitFor(
      () => purgeIdsIn(w.slack.calls, 'C0BEFORE1')[0],
      'the first purge message',
    );
    await waitFor(() => keyExists(w, `confirm:confirm-${clearingId}`), 'its confirm job');
    w.ips.setLatency(3000);
    const inFlight = purgeUrl('outage-inflight');
    await purge(w.slack, { open: app, userId: ADMIN.id, channel: 'C0BEFORE2', urls: [inFlight] });
    await waitFor(() => invalidationsOf(w, inFlight).length === 1, 'the second purge’s IPS call');
    const before = await acceptedIds(w, ADMIN.id);
    expect(before).toHaveLength(2);

    await own.stop();
    const stoppedAt = Date.now();

    const down = await app.readyz();
    expect(down.status).toBe(503);
    expect(down.body?.checks?.find((c) => c.name === 'redis')).toMatchObject({ ok: false });

    // A submission in the gap: HTTP 200 and a message in the modal (at once, or after "checking").
    const rejected = purgeUrl('outage-rejected');
    const modal = await openModal(app, w.slack, { userId: ADMIN.id, channel: 'C0DURING' });
    const res = await submitModal(app, { userId: ADMIN.id, modal, urls: [rejected] });
    expect(res.status).toBe(200);
    const ack = res.json as { response_action?: string; view?: unknown };
    expect(ack.response_action).toBe('update');
    const shown = UNAVAILABLE.test(JSON.stringify(ack.view))
      ? JSON.stringify(ack.view)
      : JSON.stringify(
          (
            await w.slack.waitFor(
              (c) => c.method === 'views.update' && c.args.view_id === modal.viewId,
              20_000,
            )
          ).args.view,
        );
    expect(shown).toMatch(UNAVAILABLE);

    // `/purge status` in the gap: acked, then an ephemeral answer saying why.
    const status = await command(app, w.slack, { userId: ADMIN.id, channel: 'C0DURING', text: 'status' });
    expect(status.status).toBe(200);
    const answer = await waitFor(
      () => w.slack.responses.find((r) => r.url === status.responseUrl),
      'the status answer',
      20_000,
    );
    expect(String(answer.body.text)).toMatch(UNAVAILABLE);

    await waitFor(() => Date.now() - stoppedAt >= OUTAGE_MS, 'the end of the outage', OUTAGE_MS + 5000);
    const stillDown = await app.readyz();
    expect(stillDown.status).toBe(503);
    expect(stillDown.body?.checks?.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
    expect(outcomeReplies(w.slack.calls).size).toBe(0);

    await own.start();
    w.ips.setLatency(0);
    await app.waitReady(60_000);

    const { counts, wrongThread } = await settledReplies(w, 2, 120_000);
    expect(Object.fromEntries(counts)).toEqual(once(before));
    expect(wrongThread).toEqual([]);
    for (const [, [reply]] of outcomeReplies(w.slack.calls)) expect(reply?.text).toMatch(/Done/);
    expect(invalidationsOf(w, clearing)).toHaveLength(1);
    // The user was told nothing was purged: it must not be purged behind their back either.
    expect(invalidationsOf(w, rejected)).toEqual([]);

    // And the app takes new purges again.
    await purge(w.slack, {
      open: app,
      userId: ADMIN.id,
      channel: 'C0AFTER',
      urls: [purgeUrl('outage-after')],
    });
    const { counts: after } = await settledReplies(w, 3, 60_000);
    expect(after.size).toBe(3);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
  });
});
