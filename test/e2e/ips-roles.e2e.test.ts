import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0, verifyWithIps: true });
});
afterAll(async () => {
  await h?.close();
});

const URL = 'https://s7d7.scene7.com/is/image/JJEsquire/ips-role?$product$';

function errorsOf(res: { json: unknown }): Record<string, string> | undefined {
  const j = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return j?.response_action === 'errors' ? j.errors : undefined;
}

function invalidations(from = 0) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

describe('verifyWithIps: IPS roles grant access', () => {
  it('an active IpsCompanyAdmin of JJEsquire in IPS (not in any list) may purge JJEsquire, and only it', async () => {
    const modal = await h.openModal(USERS.ipsAdmin.id, '', 'C0ROLES');
    // web-ops@jjesquire.com is a member of JJEsquire only; Example.com has a different web-ops.
    expect(modal.companies).toEqual(['JJEsquire']);
    expect(h.ips.calls.some((c) => c.operation === 'getCompanyMembers' && c.companyHandle === 'c|6')).toBe(
      true,
    );

    const res = await h.submit(USERS.ipsAdmin.id, modal, { company: 'JJEsquire', urls: URL });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const call = await until(() => invalidations()[0]);
    expect(call.urls).toEqual([URL]);
    expect(call.companyHandle).toBe('c|6');
    const reply = await until(() => h.slack.messages('C0ROLES').find((m) => /Done/.test(m.text ?? '')));
    expect(reply.text).toContain(`<@${USERS.ipsAdmin.id}>`);
  });

  it('a plain IpsUser of JJEsquire may not purge: the modal says why, and a replayed submit is refused', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.ipsViewer.id);
    expect(modal.companies).toEqual([]);
    expect(modal.text).toMatch(/Only company admins may purge/);

    const form = await h.openModal(USERS.admin.id);
    const res = await h.submit(USERS.ipsViewer.id, form, { company: 'JJEsquire', urls: URL });
    expect(errorsOf(res)?.company).toMatch(/Only company admins may purge JJEsquire/);
    expect(invalidations(before)).toEqual([]);
  });

  it('inactive or invalid IPS admins are refused', async () => {
    h.slack.addUser({ id: 'U0INACT', email: 'gone@jjesquire.com', name: 'gone' });
    h.slack.addUser({ id: 'U0INVAL', email: 'invalid@jjesquire.com', name: 'invalid' });
    for (const id of ['U0INACT', 'U0INVAL']) {
      const modal = await h.openModal(id);
      expect(modal.companies).toEqual([]);
    }
  });

  it('an IpsAdmin member whose e-mail differs only in case may purge', async () => {
    h.slack.addUser({ id: 'U0OPSLEAD', email: 'ops.lead@jjesquire.com', name: 'opslead' });
    const modal = await h.openModal('U0OPSLEAD');
    expect(modal.companies).toEqual(['JJEsquire']);
  });
});
