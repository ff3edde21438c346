import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const HERO = 'https://s7d7.scene7.com/is/image/JJEsquire/a?$p$&wid=1';
const MANUAL = 'https://images.jjesquire.com/is/content/JJEsquire/manual.pdf';
const PAGE = 'https://www.jjesquire.com/products/11008047';
const MAIL = 'mailto:web-ops@jjesquire.com';

/** A message as Slack sends it to a shortcut: escaped mrkdwn `text` plus the same links in rich_text. */
function messageWithLinks(ts: string, threadTs?: string): Record<string, unknown> {
  return {
    user: USERS.lead.id,
    ts,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    text: `New hero <${HERO.replace('&', '&amp;')}|label>, mail <${MAIL}|web-ops> and see <${PAGE}>`,
    blocks: [
      {
        type: 'rich_text',
        block_id: 'rt1',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'New hero ' },
              { type: 'link', url: HERO, text: 'label' },
              { type: 'text', text: ', mail ' },
              { type: 'link', url: MAIL, text: 'web-ops' },
              { type: 'text', text: ' and see ' },
              { type: 'link', url: PAGE },
              { type: 'text', text: '\nand the manual ' },
              { type: 'link', url: MANUAL },
            ],
          },
        ],
      },
    ],
  };
}

function contextTexts(view: Record<string, unknown>): string[] {
  const blocks = (view.blocks ?? []) as { type: string; elements?: { text?: string }[] }[];
  return blocks
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''));
}

async function purgeFromShortcut(message: Record<string, unknown>, channel: string) {
  const res = await h.shortcut(USERS.lead.id, channel, message);
  expect(res.status).toBe(200);
  const modal = await h.modalFor(res.triggerId);
  return modal;
}

describe('message shortcut end to end', () => {
  it('prefills unescaped Dynamic Media links, lists ignored ones, sends `&` to IPS and answers in the thread of the message', async () => {
    const channel = 'C0SHORT1';
    const ts = '1700000000.000100';
    const modal = await purgeFromShortcut(messageWithLinks(ts), channel);

    // The user sees exactly the purgeable URLs, unescaped, each once (text and blocks carry the same links).
    expect(modal.initialUrls?.split('\n')).toEqual([HERO, MANUAL]);
    expect(modal.initialUrls).not.toContain('&amp;');
    const notes = contextTexts(modal.view).join('\n');
    expect(notes).toContain(MAIL);
    expect(notes).toContain(PAGE);
    expect(modal.companies).toEqual(['JJEsquire']);

    const res = await h.submit(USERS.lead.id, modal, { company: 'JJEsquire', urls: modal.initialUrls });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const call = await until(() => h.ips.calls.find((c) => c.operation === 'cdnCacheInvalidation'));
    expect(call.urls).toEqual([HERO, MANUAL]);
    expect(call.urls?.join('\n')).not.toContain('&amp;');

    // First message and outcome reply both live in the thread of the message the shortcut was used on.
    const reply = await until(() =>
      h.slack.messages(channel).find((m) => m.thread_ts === ts && /Done/.test(m.text ?? '')),
    );
    const mine = h.slack.messages(channel);
    expect(mine).toHaveLength(2);
    expect(mine.every((m) => m.thread_ts === ts)).toBe(true);
    expect(JSON.stringify(mine[0]?.blocks)).toContain('JJEsquire');
    expect(reply.text).toContain(`<@${USERS.lead.id}>`);
    expect(JSON.stringify(reply.blocks)).toContain(call.response!.invalidationHandle);
  });

  it('on a reply inside a thread, answers in that thread (thread_ts), not under the reply', async () => {
    const channel = 'C0SHORT2';
    const parent = '1700000000.000001';
    const ts = '1700000000.000300';
    const before = h.ips.calls.length;
    const modal = await purgeFromShortcut(messageWithLinks(ts, parent), channel);
    expect(modal.initialUrls?.split('\n')).toEqual([HERO, MANUAL]);

    // A different URL set from the first test, so it is not skipped as recently purged.
    const url = 'https://s7d7.scene7.com/is/image/JJEsquire/thread-only?$product$&wid=300';
    const res = await h.submit(USERS.lead.id, modal, { company: 'JJEsquire', urls: url });
    expect(res.status).toBe(200);

    const call = await until(() =>
      h.ips.calls.slice(before).find((c) => c.operation === 'cdnCacheInvalidation'),
    );
    expect(call.urls).toEqual([url]);
    await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    const mine = h.slack.messages(channel);
    expect(mine).toHaveLength(2);
    expect(mine.map((m) => m.thread_ts)).toEqual([parent, parent]);
  });

  it('a message whose only links are not Dynamic Media lists them and says none can be purged', async () => {
    const res = await h.shortcut(USERS.lead.id, 'C0SHORT4', {
      user: USERS.lead.id,
      ts: '1700000000.000500',
      text: `see <${PAGE}> or write to <${MAIL}|web-ops>`,
    });
    const modal = await h.modalFor(res.triggerId);
    expect(modal.initialUrls).toBeUndefined();
    const notes = contextTexts(modal.view).join('\n');
    expect(notes).toContain('Ignored 2 links from the message');
    expect(notes).toMatch(/None of the links in that message can be purged/);
  });

  it('a message without links opens the form with a note saying so', async () => {
    const res = await h.shortcut(USERS.lead.id, 'C0SHORT3', {
      user: USERS.lead.id,
      ts: '1700000000.000400',
      text: 'the hero image on the home page is stale',
    });
    const modal = await h.modalFor(res.triggerId);
    expect(modal.initialUrls).toBeUndefined();
    expect(contextTexts(modal.view).join('\n')).toMatch(/No links found/);
  });
});
