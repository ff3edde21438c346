import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';
import { slackEscape } from '../support/slack-payloads.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const url = (tag: string, i = 0) =>
  `https://s7d7.scene7.com/is/image/JJEsquire/${tag}-${i}?$product$&wid=${200 + i}&hei=300`;

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

describe('/purge <urls>', () => {
  it('prefills the modal with the URLs as typed (Slack escaping undone), and purges exactly those', async () => {
    const typed = [url('cmd', 1), url('cmd', 2)];
    // Slack delivers command text escaped: `&` arrives as `&amp;`.
    const modal = await h.openModal(USERS.admin.id, slackEscape(typed.join(' ')), 'C0CMD');
    expect(modal.initialUrls).toBe(typed.join('\n'));

    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: modal.initialUrls });
    expect(res.body).toBe('');
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual(typed);
  });

  it('asset IDs in the command are prefilled and expand through the templates on submit', async () => {
    const modal = await h.openModal(USERS.admin.id, '11008047', 'C0CMD');
    expect(modal.initialUrls).toBe('11008047');
    const before = h.ips.calls.length;
    await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: modal.initialUrls });
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual([
      'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$thumbnail$',
      'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$',
    ]);
  });

  it('more than 3000 characters: the modal says the URLs are attached, and submitting purges them all', async () => {
    const channel = 'C0LONG';
    const many = Array.from({ length: 60 }, (_, i) => url('long', i));
    const text = slackEscape(many.join(' '));
    expect(text.length).toBeGreaterThan(3000);

    const modal = await h.openModal(USERS.admin.id, text, channel);
    // The box stays empty (it holds at most 3000 characters) and a note explains where the URLs went.
    expect(modal.initialUrls).toBeUndefined();
    expect(modal.text).toMatch(/60 URLs from your command are attached/);

    const extra = url('typed-extra');
    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: extra });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual([...many, extra]);
    const reply = await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    expect(reply.text).toContain('61 URLs');
  });

  it('the attached list is not carried over by a forged or foreign form', async () => {
    const many = Array.from({ length: 60 }, (_, i) => url('stash', i));
    const modal = await h.openModal(USERS.admin.id, many.join(' '));
    const before = h.ips.calls.length;
    // The same form without its signed metadata cannot name the stash.
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: url('x'),
      privateMetadata: modal.privateMetadata.replace(/"s":"[^"]+"/, '"s":"guessed"'),
    });
    const json = res.json as { response_action?: string; errors?: Record<string, string> };
    expect(json.response_action).toBe('errors');
    expect(json.errors?.urls).toMatch(/expired or was changed/);
    expect(invalidations(before)).toEqual([]);
  });
});
