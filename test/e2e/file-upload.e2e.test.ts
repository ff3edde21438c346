import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

function urls(n: number, tag: string): string[] {
  return Array.from(
    { length: n },
    (_, i) => `https://s7d7.scene7.com/is/image/JJEsquire/${tag}-${i}?$product$&wid=${100 + (i % 7)}`,
  );
}

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

function errorsOf(res: { json: unknown }): Record<string, string> | undefined {
  const j = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return j?.response_action === 'errors' ? j.errors : undefined;
}

describe('uploaded URL lists', () => {
  it('a 2,500-line .txt goes to IPS as 1000 + 1000 + 500 and gets one outcome reply', async () => {
    const channel = 'C0FILE1';
    const list = urls(2500, 'txt');
    const file = h.slack.addFile({ name: 'stale-images.txt', content: `${list.join('\n')}\n` });
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', channel);
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      files: [{ id: file.id, name: file.name }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const root = await until(() => h.slack.messages(channel)[0]);
    const reply = await until(() =>
      h.slack.messages(channel).find((m) => m.thread_ts === root.ts && m.ts !== root.ts),
    );
    expect(reply.text).toMatch(/Done/);
    expect(reply.text).toContain('2,500 URLs');

    const calls = invalidations(before);
    expect(calls.map((c) => c.urls?.length)).toEqual([1000, 1000, 500]);
    expect(calls.flatMap((c) => c.urls ?? [])).toEqual(list);
    for (const c of calls) expect(JSON.stringify(reply.blocks)).toContain(c.response!.invalidationHandle);
    // Exactly one reply in the thread, and nothing else posted anywhere.
    expect(h.slack.messages(channel)).toHaveLength(2);
  });

  it('a CSV with a "url" header column purges that column only', async () => {
    const channel = 'C0FILE2';
    const list = urls(3, 'csv');
    const csv = ['sku,url,note', ...list.map((u, i) => `SKU-${i},${u},"re-shot, new colour"`)].join('\r\n');
    const file = h.slack.addFile({ name: 'export.csv', content: csv });
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', channel);
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      files: [{ id: file.id, name: file.name }],
    });
    expect(errorsOf(res)).toBeUndefined();
    const reply = await until(() => h.slack.messages(channel).find((m) => /Done/.test(m.text ?? '')));
    expect(reply.text).toContain('3 URLs');
    const calls = invalidations(before);
    expect(calls.map((c) => c.urls)).toEqual([list]);
  });

  it('a binary file is refused inline on the urls block, and nothing reaches IPS', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]);
    const file = h.slack.addFile({ name: 'hero.txt', content: png, filetype: 'text' });
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id);
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      files: [{ id: file.id, name: file.name }],
    });
    expect(res.status).toBe(200);
    expect(errorsOf(res)?.urls).toMatch(/hero\.txt is not a text file/);
    expect(invalidations(before)).toEqual([]);
  });

  it('a file over 1 MB is refused inline on the urls block, and nothing reaches IPS', async () => {
    const line = `${urls(1, 'big')[0]}\n`;
    const big = line.repeat(Math.ceil(1_100_000 / line.length));
    const file = h.slack.addFile({ name: 'everything.txt', content: big });
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id);
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: urls(1, 'typed')[0],
      files: [{ id: file.id, name: file.name }],
    });
    expect(res.status).toBe(200);
    expect(errorsOf(res)?.urls).toMatch(/everything\.txt is 1\.\d MB; the limit is 1 MB/);
    expect(invalidations(before)).toEqual([]);
    // The size came from Slack's file record (files.info), as the modal's file_input hands over only ids.
    expect(h.slack.calls.some((c) => c.method === 'files.info' && c.args.file === file.id)).toBe(true);
  });
});
