import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const GOOD1 = 'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$';
const GOOD2 = 'https://images.jjesquire.com/is/content/JJEsquire/manual.pdf';
const WRONG_HOST = 'https://s7d9.scene7.com/is/image/JJEsquire/11008047?$product$';
const WRONG_CASE = 'https://s7d7.scene7.com/is/image/jjesquire/11008047?$thumbnail$';
const FTP = 'ftp://s7d7.scene7.com/is/image/JJEsquire/x';

function errorsOf(res: { json: unknown }): Record<string, string> | undefined {
  const j = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return j?.response_action === 'errors' ? j.errors : undefined;
}

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

describe('bad input in the modal', () => {
  it('lists the rejected lines with reasons and totals on the urls block, sends nothing, then accepts the fixed list', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0BAD');
    const typed = [GOOD1, WRONG_HOST, '', WRONG_CASE, FTP, GOOD2].join('\n');
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: typed });
    expect(res.status).toBe(200);
    const errors = errorsOf(res);
    expect(Object.keys(errors ?? {})).toEqual(['urls']);
    const text = errors?.urls ?? '';
    expect(text).toMatch(/Line 2: .*s7d9\.scene7\.com.* — .*not a delivery host of JJEsquire/);
    expect(text).toMatch(/Line 4: .* — root ID jjesquire must be written JJEsquire/);
    expect(text).toMatch(/Line 5: .* — .*only http and https/);
    expect(text).toContain('3 of 5 lines cannot be purged');
    expect(text).not.toMatch(/Line [136]:/);
    // Slack refuses an `errors` text over its limit; the summary stays inside it.
    expect(text.length).toBeLessThanOrEqual(2000);

    // Nothing reached IPS and nothing was posted.
    expect(invalidations(before)).toEqual([]);
    expect(h.slack.messages('C0BAD')).toEqual([]);

    // The user fixes the lines in the same modal and submits again.
    const fixed = [
      GOOD1,
      WRONG_HOST.replace('s7d9', 's7d7'),
      WRONG_CASE.replace('jjesquire', 'JJEsquire'),
      GOOD2,
    ];
    const again = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: fixed.join('\n') });
    expect(again.status).toBe(200);
    expect(again.body).toBe('');
    const call = await until(() => invalidations(before)[0]);
    // The first two are the same URL once fixed; IPS gets each URL once, exactly as typed.
    expect(call.urls).toEqual([GOOD1, fixed[2], GOOD2]);
    await until(() => h.slack.messages('C0BAD').find((m) => /Done/.test(m.text ?? '')));
  });

  it('many bad lines: the first ones with reasons, then "…and N more" and the totals, within Slack limits', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id);
    const lines = Array.from({ length: 300 }, (_, i) => `https://example.com/is/image/JJEsquire/${i}`);
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: lines.join('\n') });
    const text = errorsOf(res)?.urls ?? '';
    expect(text).toMatch(/^Line 1: /);
    expect(text).toMatch(/…and \d+ more\./);
    expect(text).toContain('300 of 300 lines cannot be purged');
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(invalidations(before)).toEqual([]);
  });

  it('an empty form asks for URLs on the urls block; a missing company is refused on the company block', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id);
    const empty = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: '  \n ' });
    expect(errorsOf(empty)?.urls).toMatch(/Paste at least one URL/);
    const noCompany = await h.submit(USERS.admin.id, modal, { urls: GOOD1 });
    expect(Object.keys(errorsOf(noCompany) ?? {})).toEqual(['company']);
    expect(invalidations(before)).toEqual([]);
  });

  it('a form whose private_metadata was tampered with is refused', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id);
    const forged = modal.privateMetadata.replace('C0PURGE', 'C0ELSEWHERE');
    expect(forged).not.toBe(modal.privateMetadata);
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: GOOD1,
      privateMetadata: forged,
    });
    expect(errorsOf(res)?.urls).toMatch(/expired or was changed/);
    expect(invalidations(before)).toEqual([]);
  });
});
