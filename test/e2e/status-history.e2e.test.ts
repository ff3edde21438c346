import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;
let jjId: string;
let exampleId: string;
let jjHandle: string;

const JJ_URL = 'https://s7d7.scene7.com/is/image/JJEsquire/status?$product$';
const EXAMPLE_URL = 'https://s7d9.scene7.com/is/image/Example.com/status?$product$';

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
  for (const [company, url] of [
    ['JJEsquire', JJ_URL],
    ['Example.com', EXAMPLE_URL],
  ] as const) {
    const modal = await h.openModal(USERS.admin.id, '', 'C0STATUS');
    const res = await h.submit(USERS.admin.id, modal, { company, urls: url });
    if (res.body !== '') throw new Error(`submit refused: ${res.body}`);
  }
  await until(() => {
    const done = h.slack.messages('C0STATUS').filter((m) => /Done/.test(m.text ?? ''));
    return done.length === 2 ? done : undefined;
  });
  const calls = h.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation');
  jjHandle = calls.find((c) => c.companyHandle === 'c|6')!.response!.invalidationHandle;
  const mine = await h.app.engine.service.latestForUser(USERS.admin.id, 2);
  jjId = mine.find((p) => p.company.name === 'JJEsquire')!.id;
  exampleId = mine.find((p) => p.company.name === 'Example.com')!.id;
});
afterAll(async () => {
  await h?.close();
});

/** Runs `/purge <text>` and returns the one ephemeral answer sent to its response_url. */
async function ask(text: string, userId: string): Promise<{ json: Record<string, unknown>; shown: string }> {
  const res = await h.command(text, userId, 'C0STATUS');
  expect(res.status).toBe(200);
  // Acknowledged at once and empty; the answer comes through the response_url.
  expect(res.body).toBe('');
  const [json] = await h.responsesTo(res.responseUrl);
  expect(json?.response_type).toBe('ephemeral');
  return { json: json!, shown: `${String(json?.text)}\n${JSON.stringify(json?.blocks ?? [])}` };
}

describe('/purge status and history', () => {
  it('`/purge status` shows the requester their latest purge: id, state, handles', async () => {
    const { shown } = await ask('status', USERS.admin.id);
    expect(shown).toContain(exampleId);
    expect(shown).toContain('Example.com');
    expect(shown).toMatch(/Done: the CDN is clean/);
    expect(shown).toMatch(/Handles: /);
  });

  it('`/purge status <id>` shows that purge, whatever the case of the id', async () => {
    const { shown } = await ask(`status ${jjId.toUpperCase()}`, USERS.admin.id);
    expect(shown).toContain(jjId);
    expect(shown).toContain('JJEsquire');
    expect(shown).toContain(jjHandle);
    expect(shown).toMatch(/Done: the CDN is clean/);
    expect(shown).toContain('1 URL in 1 IPS call');
  });

  it("`/purge history` lists the requester's purges", async () => {
    const { shown } = await ask('history', USERS.admin.id);
    expect(shown).toContain('Your last 2 purges');
    expect(shown).toContain(exampleId);
    expect(shown).toContain(jjId);
  });

  it("`/purge history` of a company's admin lists their colleagues' purges of that company, and only those", async () => {
    const { shown } = await ask('history', USERS.lead.id);
    expect(shown).toContain("you can see (yours and your companies')");
    expect(shown).toContain(jjId);
    expect(shown).toContain(`by <@${USERS.admin.id}>`);
    expect(shown).not.toContain(exampleId);
  });

  it("another company's admin may see the purge of their company, not of one they do not administer", async () => {
    const own = await ask(`status ${jjId}`, USERS.lead.id);
    expect(own.shown).toContain(jjHandle);
    const other = await ask(`status ${exampleId}`, USERS.lead.id);
    expect(other.shown).toContain(`No purge ${exampleId} that you may see`);
    expect(other.shown).not.toContain('Example.com');
  });

  it('a user with no rights sees nothing of anyone, and a guest named in admins neither', async () => {
    for (const user of [USERS.nobody.id, USERS.guest.id]) {
      const byId = await ask(`status ${jjId}`, user);
      expect(byId.shown).toContain(`No purge ${jjId} that you may see`);
      expect(byId.shown).not.toContain(jjHandle);
      const latest = await ask('status', user);
      expect(latest.shown).toMatch(/You have not purged anything yet/);
      const history = await ask('history', user);
      expect(history.shown).toMatch(/You have not purged anything yet/);
      expect(history.shown).not.toContain(jjId);
    }
  });

  it('the global admin may see any purge', async () => {
    const { shown } = await ask(`status ${exampleId}`, USERS.global.id);
    expect(shown).toContain(exampleId);
    expect(shown).toMatch(/Done/);
  });

  it('"Details" on a purge message answers the clicker alone, and only if they may see the purge', async () => {
    const mine = await h.clickStatus(USERS.lead.id, jjId, 'C0STATUS');
    expect(mine.status).toBe(200);
    const [shown] = await h.responsesTo(mine.responseUrl);
    expect(shown).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(shown)).toContain(jjHandle);

    const theirs = await h.clickStatus(USERS.nobody.id, jjId, 'C0STATUS');
    const [refused] = await h.responsesTo(theirs.responseUrl);
    expect(refused).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(refused?.text)).toMatch(/Only the requester and the company’s admins/);
    expect(JSON.stringify(refused)).not.toContain(jjHandle);
  });

  it('an unknown id says so without leaking anything', async () => {
    const { shown } = await ask('status p-ZZZZZZZZ', USERS.admin.id);
    expect(shown).toContain('No purge p-ZZZZZZZZ that you may see');
  });
});
