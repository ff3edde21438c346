import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0, limits: { dedupeSeconds: 60 } });
});
afterAll(async () => {
  await h?.close();
});

const url = (tag: string) => `https://s7d7.scene7.com/is/image/JJEsquire/${tag}?$product$`;
const U1 = url('dedupe-1');
const U2 = url('dedupe-2');
const U3 = url('dedupe-3');

function invalidations() {
  return h.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation');
}

function updatedText(res: { json: unknown }): string {
  const j = res.json as { response_action?: string; view?: { blocks?: { text?: { text?: string } }[] } };
  expect(j?.response_action).toBe('update');
  return (j.view?.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');
}

describe('duplicate and recently purged requests', () => {
  it('the same user submitting the same URLs twice gets one purge; the second answer says it is under way', async () => {
    const channel = 'C0DUP';
    const modal = await h.openModal(USERS.admin.id, '', channel);
    const first = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: `${U1}\n${U2}` });
    expect(first.body).toBe('');
    // Order and repeats do not make a different request.
    const again = await h.openModal(USERS.admin.id, '', channel);
    const second = await h.submit(USERS.admin.id, again, {
      company: 'JJEsquire',
      urls: `${U2}\n${U1}\n${U2}`,
    });
    const text = updatedText(second);
    const [purge] = await h.app.engine.service.latestForUser(USERS.admin.id, 5);
    expect(text).toMatch(/:repeat: You asked for the same 2 URLs of \*JJEsquire\*/);
    expect(text).toContain(`\`${purge!.id}\`, already under way`);

    await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    expect(invalidations()).toHaveLength(1);
    expect(invalidations()[0]?.urls).toEqual([U1, U2]);
    expect(await h.app.engine.service.latestForUser(USERS.admin.id, 5)).toHaveLength(1);
    // One root message and one reply: the duplicate posted nothing.
    expect(h.slack.messages(channel)).toHaveLength(2);
  });

  it('a double click (two submissions at once) still makes one purge', async () => {
    const channel = 'C0DOUBLE';
    const urls = [url('double-1'), url('double-2'), url('double-3')].join('\n');
    const modal = await h.openModal(USERS.lead.id, '', channel);
    const before = invalidations().length;
    const answers = await Promise.all([
      h.submit(USERS.lead.id, modal, { company: 'JJEsquire', urls }),
      h.submit(USERS.lead.id, modal, { company: 'JJEsquire', urls }),
    ]);
    const started = answers.filter((a) => a.body === '');
    const told = answers.filter((a) => a.body !== '');
    expect(started).toHaveLength(1);
    expect(told).toHaveLength(1);
    expect(updatedText(told[0]!)).toMatch(/already under way/);
    await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    expect(invalidations().slice(before)).toHaveLength(1);
    expect(h.slack.messages(channel)).toHaveLength(2);
  });

  it('when every URL was purged moments ago, nothing is sent and the user is told at once', async () => {
    const channel = 'C0RECENT';
    const modal = await h.openModal(USERS.global.id, '', channel);
    const before = invalidations().length;
    const res = await h.submit(USERS.global.id, modal, { company: 'JJEsquire', urls: `${U1}\n${U2}` });
    const text = updatedText(res);
    expect(text).toMatch(/Nothing to do: all 2 URLs were purged for \*JJEsquire\* in the last 60 seconds/);
    expect(invalidations()).toHaveLength(before);
    expect(await h.app.engine.service.latestForUser(USERS.global.id, 5)).toEqual([]);
    expect(h.slack.messages(channel)).toEqual([]);
  });

  it('when some URLs were purged moments ago, only the others are sent and the skipped ones are reported', async () => {
    const channel = 'C0MIXED';
    const modal = await h.openModal(USERS.lead.id, '', channel);
    const res = await h.submit(USERS.lead.id, modal, { company: 'JJEsquire', urls: `${U1}\n${U3}` });
    expect(res.body).toBe('');
    const reply = await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    expect(invalidations().at(-1)?.urls).toEqual([U3]);
    const blocks = JSON.stringify(reply.blocks);
    expect(blocks).toMatch(/Skipped.*purged for JJEsquire just before/);
    // The skipped URL itself is listed, not only counted.
    expect(blocks).toContain(U1.slice(-30));
  });
});
