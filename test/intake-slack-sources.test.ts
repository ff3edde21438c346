import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from './support/app-harness.js';
import { slackEscape } from './support/slack-payloads.js';

/**
 * Intake's sources through the real app: what Slack escaped (command text, message text) is
 * unescaped once, what it did not (the modal box, the attached list, uploaded files) is taken as
 * typed; ordinary words are not asset IDs; rejections say which input their line is in.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const JJ = 'https://s7d7.scene7.com/is/image/JJEsquire';
const WORD_HINT = /not a URL or asset ID; asset IDs without a digit must be written JJEsquire\/<id>/;

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

function errorsOf(res: { json: unknown }): string | undefined {
  const j = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return j?.response_action === 'errors' ? j.errors?.urls : undefined;
}

describe('Slack escaping is undone once, only where Slack escaped', () => {
  it('a literal &amp; typed into the modal box reaches IPS as typed', async () => {
    const typed = `${JJ}/shoe-box?$product$&amp;wid=200`;
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0SRC1');
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: typed });
    expect(errorsOf(res)).toBeUndefined();
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual([typed]);
  });

  it('/purge with a typed &amp; and &lt;: the box shows what was typed and IPS gets exactly that', async () => {
    const typed = [`${JJ}/shoe-cmd?$product$&amp;wid=200`, `${JJ}/shoe-cmd?x=&lt;b&wid=1`];
    // Slack escapes the command text: the typed `&amp;` arrives as `&amp;amp;`.
    const modal = await h.openModal(USERS.admin.id, slackEscape(typed.join(' ')), 'C0SRC2');
    expect(modal.initialUrls).toBe(typed.join('\n'));
    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: modal.initialUrls });
    expect(errorsOf(res)).toBeUndefined();
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual(typed);
  });

  it('the attached list (a command too long for the box) is read as typed too', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `${JJ}/stash-${i}?$product$&amp;wid=${200 + i}`);
    const modal = await h.openModal(USERS.admin.id, slackEscape(many.join(' ')), 'C0SRC3');
    expect(modal.initialUrls).toBeUndefined();
    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire' });
    expect(errorsOf(res)).toBeUndefined();
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual(many);
  });

  it('an uploaded file is read as typed', async () => {
    const typed = `${JJ}/shoe-file?$product$&amp;wid=200`;
    const file = h.slack.addFile({ name: 'urls.txt', content: `${typed}\n` });
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0SRC4');
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      files: [{ id: file.id, name: file.name }],
    });
    expect(errorsOf(res)).toBeUndefined();
    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual([typed]);
  });
});

describe('ordinary words are not asset IDs', () => {
  it('/purge please purge <url>: the words are refused with the hint, nothing is sent', async () => {
    const url = `${JJ}/words-1?$product$`;
    const modal = await h.openModal(USERS.admin.id, `please purge ${url}`, 'C0SRC5');
    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: modal.initialUrls });
    const text = errorsOf(res) ?? '';
    expect(text).toMatch(/Line 1: please — /);
    expect(text).toMatch(/Line 2: purge — /);
    expect(text).toMatch(WORD_HINT);
    expect(text).toMatch(/2 of 3 lines cannot be purged/);
    expect(invalidations(before)).toEqual([]);
  });

  it('a lone word after /purge gets help, an asset ID opens the form', async () => {
    const word = await h.command('please!', USERS.admin.id);
    expect(JSON.stringify(word.json)).toContain("I don't know `please!`");
    const id = await h.openModal(USERS.admin.id, 'shoe_01', 'C0SRC6');
    expect(id.initialUrls).toBe('shoe_01');
  });
});

describe('rejections name their input', () => {
  it('attached list, box and file each number from 1; the summary tells them apart', async () => {
    const good = Array.from({ length: 60 }, (_, i) => `${JJ}/mixed-${i}?$product$&wid=${i}`);
    const modal = await h.openModal(USERS.admin.id, slackEscape(['nope', ...good].join(' ')), 'C0SRC7');
    const file = h.slack.addFile({ name: 'urls.csv', content: `url\n${JJ}/ok-1\nhttp://example.com/x\n` });
    const before = h.ips.calls.length;
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: 'typo',
      files: [{ id: file.id, name: file.name }],
    });
    const lines = (errorsOf(res) ?? '').split('\n');
    expect(lines[0]).toMatch(/^attached list line 1: nope — not a URL or asset ID/);
    expect(lines[1]).toMatch(/^Line 1: typo — not a URL or asset ID/);
    expect(lines[2]).toMatch(/^file urls\.csv line 3: http:\/\/example\.com\/x — host example\.com/);
    expect(lines[3]).toBe('3 of 64 lines cannot be purged; fix or remove them and submit again.');
    expect(invalidations(before)).toEqual([]);
  });
});
