import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  type AppProcess,
  purgeUrl,
  spawnApp,
  startWorld,
  type World,
} from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import type { SlackFailure } from '../support/slack-simulator.js';
import { outcomeReplies, purgeIdsIn, purgeMessages, settledReplies } from './outcomes.js';
import { purge } from './slack-driver.js';

/**
 * Slack misbehaving while a real app process answers purges: 429 storms, 5xx and `ok:false` on
 * posts and updates. The purge's message and its outcome reply still arrive exactly once.
 */

describe('Slack faults', () => {
  let w: World;
  let app: AppProcess;

  beforeAll(async () => {
    w = await startWorld({ estimatedSeconds: 2 });
    app = await spawnApp(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  /**
   * One purge in its own channel. `onSubmit` failures are armed before the submission (they hit the
   * purge's message first); `onReply` ones once the message is out (the next post is the reply).
   */
  async function purgeWith(
    channel: string,
    faults: { onSubmit?: [string, number, SlackFailure][]; onReply?: [string, number, SlackFailure][] },
  ) {
    for (const [method, n, f] of faults.onSubmit ?? []) w.slack.failNext(method, n, f);
    const answered = outcomeReplies(w.slack.calls).size;
    await purge(w.slack, {
      open: app,
      userId: ADMIN.id,
      channel,
      urls: [purgeUrl(channel.toLowerCase())],
    });
    const id = await waitFor(() => purgeIdsIn(w.slack.calls, channel)[0], 'the purge message', 60_000);
    for (const [method, n, f] of faults.onReply ?? []) w.slack.failNext(method, n, f);
    const { counts, wrongThread } = await settledReplies(w, answered + 1, 120_000);
    expect(counts.get(id)).toBe(1);
    expect(wrongThread).toEqual([]);
    expect(purgeMessages(w.slack.calls).get(id)).toHaveLength(1);
    const root = purgeMessages(w.slack.calls).get(id)![0]!;
    const replyAttempts = w.slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' && c.args.channel === root.channel && c.args.thread_ts === root.ts,
    );
    return { id, reply: outcomeReplies(w.slack.calls).get(id)![0]!, replyAttempts };
  }

  it('a 429 storm on the outcome reply is waited out: one reply', async () => {
    const storm: SlackFailure = { kind: 'ratelimit', retryAfter: 1 };
    const { reply, replyAttempts } = await purgeWith('C0STORMREPLY', {
      onReply: [['chat.postMessage', 5, storm]],
    });
    expect(reply.text).toMatch(/Done/);
    expect(replyAttempts.map((c) => c.status)).toEqual([429, 429, 429, 429, 429, 200]);
  });

  it('a 429 storm from the first post on: one purge message, one reply', async () => {
    const storm: SlackFailure = { kind: 'ratelimit', retryAfter: 1 };
    const { reply } = await purgeWith('C0STORMALL', { onSubmit: [['chat.postMessage', 5, storm]] });
    expect(reply.text).toMatch(/Done/);
    const limited = w.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C0STORMALL' && c.status === 429,
    );
    expect(limited).toHaveLength(5);
  });

  it('5xx on the outcome reply is retried: one reply', async () => {
    const { reply, replyAttempts } = await purgeWith('C0SERVERERR', {
      onReply: [['chat.postMessage', 3, { kind: 'http', status: 503 }]],
    });
    expect(reply.text).toMatch(/Done/);
    expect(replyAttempts.map((c) => c.status)).toEqual([503, 503, 503, 200]);
  });

  it('ok:false on the outcome reply is retried: one reply', async () => {
    const { reply, replyAttempts } = await purgeWith('C0OKFALSE', {
      onReply: [['chat.postMessage', 2, { kind: 'error', error: 'internal_error' }]],
    });
    expect(reply.text).toMatch(/Done/);
    expect(replyAttempts.map((c) => c.response.error ?? 'ok')).toEqual([
      'internal_error',
      'internal_error',
      'ok',
    ]);
  });

  it('ok:false on every chat.update does not hold up or repeat the reply', async () => {
    const broken: SlackFailure = { kind: 'error', error: 'message_not_found' };
    const { reply } = await purgeWith('C0NOUPDATE', { onSubmit: [['chat.update', 50, broken]] });
    expect(reply.text).toMatch(/Done/);
    const updates = w.slack.calls.filter(
      (c) => c.method === 'chat.update' && c.args.channel === 'C0NOUPDATE',
    );
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((c) => c.response.error === 'message_not_found')).toBe(true);
    w.slack.reset();
  });
});
