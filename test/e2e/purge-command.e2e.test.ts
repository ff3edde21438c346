import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 1 });
});
afterAll(async () => {
  await h?.close();
});

const url1 = 'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$&wid=200';
const url2 = 'https://images.jjesquire.com/is/content/JJEsquire/manual.pdf';

describe('/purge end to end', () => {
  it('modal → submit → IPS gets exactly the typed URLs → root message → threaded confirmation after estimatedSeconds', async () => {
    const modal = await h.openModal(USERS.admin.id);
    expect(modal.companies).toEqual(['JJEsquire', 'Example.com']);

    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: `${url1}\n${url2}\n` });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const call = await until(() => h.ips.calls.find((c) => c.operation === 'cdnCacheInvalidation'));
    expect(call.urls).toEqual([url1, url2]);
    expect(call.companyHandle).toBe('c|6');

    const root = await until(() =>
      h.slack.messages('C0PURGE').find((m) => !m.thread_ts || m.thread_ts === m.ts),
    );
    expect(root.text).toContain('JJEsquire');

    const reply = await until(() =>
      h.slack.messages('C0PURGE').find((m) => m.thread_ts === root.ts && m.ts !== root.ts),
    );
    const replyCall = h.slack.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === root.ts,
    )!;
    expect(JSON.stringify(replyCall.args.blocks)).toContain(`<@${USERS.admin.id}>`);
    expect(JSON.stringify(replyCall.args.blocks)).toContain(call.response!.invalidationHandle);
    // Not before IPS's estimate: the reply comes at submittedAt + estimatedSeconds or later.
    expect(replyCall.at).toBeGreaterThanOrEqual(call.at + call.response!.estimatedSeconds * 1000);
    expect(reply.text).toMatch(/Done/);
  });

  it('answers /purge help ephemerally, and unknown subcommands with help', async () => {
    const help = await h.command('help', USERS.nobody.id);
    expect(JSON.stringify(help.json)).toContain('/purge status');
    const unknown = await h.command('frobnicate', USERS.nobody.id);
    expect(JSON.stringify(unknown.json)).toContain('frobnicate');
  });

  it('a Slack rate limit on views.open is answered at once, not waited out', async () => {
    // Retry-After far beyond the 10 s the response is waited for: only a fast failure can pass.
    h.slack.failNext('views.open', 1, { kind: 'ratelimit', retryAfter: 120 });
    const res = await h.command('', USERS.admin.id);
    expect(res.status).toBe(200);
    const [answer] = await h.responsesTo(res.responseUrl);
    expect(String(answer?.text)).toMatch(/Something went wrong on our side and nothing was purged/);
    expect(h.slack.callsTo('views.open').filter((c) => c.status === 429)).toHaveLength(1);
  });
});
