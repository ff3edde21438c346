import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

const url = (tag: string) => `https://s7d7.scene7.com/is/image/JJEsquire/${tag}?$product$&wid=400`;

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

async function purge(userId: string, channel: string, urls: string[]): Promise<void> {
  const modal = await h.openModal(userId, '', channel);
  const res = await h.submit(userId, modal, { company: 'JJEsquire', urls: urls.join('\n') });
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
}

describe('outcome replies', () => {
  it('an IPS fault is reported once in the thread with ❌, its code and reason, and never retried as is', async () => {
    const channel = 'C0FAULT';
    const before = h.ips.calls.length;
    h.ips.failNext(
      1,
      { kind: 'fault', fault: 'authorization', code: 20003, reason: 'User is not authorized for company' },
      'cdnCacheInvalidation',
    );
    await purge(USERS.admin.id, channel, [url('fault')]);

    const root = await until(() => h.slack.messages(channel)[0]);
    const reply = await until(() =>
      h.slack.messages(channel).find((m) => m.thread_ts === root.ts && m.ts !== root.ts),
    );
    expect(reply.text).toMatch(/^:x: /);
    expect(reply.text).toMatch(/failed: nothing was purged/);
    const shown = JSON.stringify(reply.blocks);
    expect(shown).toContain('20003');
    expect(shown).toContain('User is not authorized for company');
    expect(shown).toContain('What to do');

    const calls = invalidations(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.faultCode).toBe(20003);
    // The root message ends up showing the failure too.
    await until(() => /Failed/.test(JSON.stringify(h.slack.messages(channel)[0]?.blocks)));
    expect(h.slack.messages(channel)).toHaveLength(2);
  });

  it('a 429 on the outcome reply is waited out and retried: exactly one reply', async () => {
    const channel = 'C0LIMIT';
    const before = h.ips.calls.length;
    // The reply is due `estimatedSeconds` after IPS answered; the root message goes out right after
    // the submit, so the 429 armed when the root arrives can only hit the reply.
    h.ips.setEstimatedSeconds(2);
    await purge(USERS.admin.id, channel, [url('ratelimited')]);
    await h.slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === undefined,
    );
    h.slack.failNext('chat.postMessage', 1, { kind: 'ratelimit', retryAfter: 1 });
    h.ips.setEstimatedSeconds(1);
    const root = await until(() => h.slack.messages(channel)[0]);

    const reply = await until(() =>
      h.slack.messages(channel).find((m) => m.thread_ts === root.ts && m.ts !== root.ts),
    );
    expect(reply.text).toMatch(/Done/);
    const attempts = h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === root.ts,
    );
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    // Retry-After was honoured: the second attempt came about a second after the first, not at once
    // (a little slack for timer rounding; without the wait the retry follows within milliseconds).
    expect(attempts[1]!.at).toBeGreaterThanOrEqual(attempts[0]!.at + 900);
    const call = invalidations(before)[0]!;
    expect(attempts[0]!.at).toBeGreaterThanOrEqual(call.at + call.response!.estimatedSeconds * 1000);

    // Once the root message shows the outcome the notifier is through; a duplicate would be out by then.
    await until(() => /Done/.test(JSON.stringify(h.slack.messages(channel)[0]?.blocks)));
    expect(h.slack.messages(channel).filter((m) => m.thread_ts === root.ts && m.ts !== root.ts)).toHaveLength(
      1,
    );
  });

  it('in a private channel without the bot, the purge message and the outcome go to a DM that says why', async () => {
    const channel = 'G0PRIVATE';
    h.slack.setChannel(channel, { type: 'private', botMember: false });
    await purge(USERS.lead.id, channel, [url('private')]);

    const dm = await until(() => {
      const msgs = h.slack.messages(USERS.lead.id);
      return msgs.length >= 2 ? msgs : undefined;
    });
    const [first, reply] = dm;
    expect(JSON.stringify(first?.blocks)).toContain('not a member of that private channel');
    expect(JSON.stringify(first?.blocks)).toContain(`<#${channel}>`);
    expect(reply?.thread_ts).toBe(first?.ts);
    expect(reply?.text).toMatch(/Done/);
    expect(h.slack.messages(channel)).toEqual([]);
    const refused = h.slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === channel,
    );
    expect(refused.map((c) => c.response.error)).toEqual(['not_in_channel']);
  });
});
