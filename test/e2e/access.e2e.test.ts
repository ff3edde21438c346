import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type ModalState, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;
/** A form as an admin got it: a denied user can still replay its submission (the payload is theirs to forge). */
let adminForm: ModalState;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
  h.slack.addUser({ id: 'U0GONE', email: 'lead@jjesquire.com', name: 'gone', deleted: true });
  h.slack.addUser({ id: 'U0BOT', email: 'lead@jjesquire.com', name: 'robot', is_bot: true });
  adminForm = await h.openModal(USERS.admin.id);
});
afterAll(async () => {
  await h?.close();
});

const URL = 'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$';
const EXAMPLE_URL = 'https://s7d9.scene7.com/is/image/Example.com/shoe?$product$';

function errorsOf(res: { json: unknown }): Record<string, string> | undefined {
  const j = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return j?.response_action === 'errors' ? j.errors : undefined;
}

function invalidations() {
  return h.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation');
}

function hasInputs(modal: ModalState): boolean {
  const blocks = (modal.view.blocks ?? []) as { type: string }[];
  return blocks.some((b) => b.type === 'input') || modal.view.submit !== undefined;
}

describe('who may purge', () => {
  it('a user who administers nothing gets a modal that says why and how to get access, not an empty form', async () => {
    const modal = await h.openModal(USERS.nobody.id);
    expect(hasInputs(modal)).toBe(false);
    expect(modal.companies).toEqual([]);
    expect(modal.text).toContain('Only company admins may purge JJEsquire, Example.com');
    expect(modal.text).toMatch(/Ask your dm-purge operator to add your Slack ID or e-mail/);
    expect(modal.text).toMatch(/IpsCompanyAdmin/);
  });

  it('a guest is refused even though admins lists their e-mail, in the modal and on submit', async () => {
    const modal = await h.openModal(USERS.guest.id);
    expect(hasInputs(modal)).toBe(false);
    expect(modal.text).toMatch(/Guest accounts cannot purge/);

    const res = await h.submit(USERS.guest.id, adminForm, { company: 'JJEsquire', urls: URL });
    expect(res.status).toBe(200);
    expect(errorsOf(res)?.company).toMatch(/Guest accounts cannot purge/);
  });

  it('deactivated users and bots named by the admins list are refused', async () => {
    const gone = await h.submit('U0GONE', adminForm, { company: 'JJEsquire', urls: URL });
    expect(errorsOf(gone)?.company).toMatch(/Deactivated accounts cannot purge/);
    const bot = await h.submit('U0BOT', adminForm, { company: 'JJEsquire', urls: URL });
    expect(errorsOf(bot)?.company).toMatch(/Bots and apps cannot purge/);
  });

  it('a non-admin replaying a valid form is refused on submit', async () => {
    const res = await h.submit(USERS.nobody.id, adminForm, { company: 'JJEsquire', urls: URL });
    expect(errorsOf(res)?.company).toMatch(/Only company admins may purge JJEsquire/);
  });

  it('an admin of JJEsquire only (by e-mail, any case) sees JJEsquire alone and cannot forge another company', async () => {
    const modal = await h.openModal(USERS.lead.id);
    expect(modal.companies).toEqual(['JJEsquire']);

    const other = await h.submit(USERS.lead.id, modal, { company: 'OtherCo', urls: URL });
    expect(errorsOf(other)?.company).toMatch(/not served by dm-purge/);

    const notTheirs = await h.submit(USERS.lead.id, modal, { company: 'Example.com', urls: EXAMPLE_URL });
    expect(errorsOf(notTheirs)?.company).toMatch(/Only company admins may purge Example\.com/);
  });

  it('no denied submission reached IPS or posted anything', () => {
    expect(invalidations()).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('the global admin may purge a company that lists no one by that id', async () => {
    const modal = await h.openModal(USERS.global.id);
    expect(modal.companies).toEqual(['JJEsquire', 'Example.com']);
    const res = await h.submit(USERS.global.id, modal, { company: 'Example.com', urls: EXAMPLE_URL });
    expect(res.body).toBe('');
    const call = await until(() => invalidations()[0]);
    expect(call.companyHandle).toBe('c|111');
    expect(call.urls).toEqual([EXAMPLE_URL]);
  });
});
