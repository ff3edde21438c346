import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE, type Harness, JJ, startHarness, USERS, until } from '../support/app-harness.js';

/** A company with `channel` set: every purge of it is announced there too, and the copy follows it. */

const AUDIT = 'C0JJAUDIT';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0, companies: [{ ...JJ, channel: AUDIT }, EXAMPLE] });
});
afterAll(async () => {
  await h?.close();
});

describe("a company's announcement channel", () => {
  it('gets a copy of every purge of that company, updated to the outcome; other companies stay out', async () => {
    for (const [company, url] of [
      ['JJEsquire', 'https://s7d7.scene7.com/is/image/JJEsquire/announce?$product$'],
      ['Example.com', 'https://s7d9.scene7.com/is/image/Example.com/announce?$product$'],
    ] as const) {
      const modal = await h.openModal(USERS.admin.id, '', 'C0ASKED');
      const res = await h.submit(USERS.admin.id, modal, { company, urls: url });
      expect(res.body).toBe('');
    }
    await until(() => {
      const done = h.slack.messages('C0ASKED').filter((m) => /Done/.test(m.text ?? ''));
      return done.length === 2 ? done : undefined;
    });
    const copy = await until(() => {
      const [only] = h.slack.messages(AUDIT);
      return only && /Done/.test(`${only.text} ${JSON.stringify(only.blocks)}`) ? only : undefined;
    });
    expect(h.slack.messages(AUDIT)).toHaveLength(1);
    expect(`${copy.text} ${JSON.stringify(copy.blocks)}`).toContain('JJEsquire');
    expect(`${copy.text} ${JSON.stringify(copy.blocks)}`).not.toContain('Example.com');
  });
});
