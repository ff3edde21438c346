import { describe, expect, it, vi } from 'vitest';
import type { CompanyMember } from '../ips/types.js';
import type { Company } from './company-directory.js';
import { AccessPolicy } from './policy.js';
import type { UserProfile } from './types.js';

const jj: Company = {
  name: 'JJEsquire',
  handle: 'c|6',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com'],
  templates: [],
  admins: ['U0ADMIN', 'Web-Ops@JJEsquire.com'],
  channel: undefined,
};
const other: Company = { ...jj, name: 'OtherCo', handle: 'c|42', rootId: 'OtherCo', admins: [] };

const users: Record<string, UserProfile> = {
  U0ADMIN: { id: 'U0ADMIN', email: 'admin@jjesquire.com', isBot: false, deleted: false, guest: false },
  U0MAIL: { id: 'U0MAIL', email: 'web-ops@jjesquire.com', isBot: false, deleted: false, guest: false },
  U0GLOBAL: { id: 'U0GLOBAL', email: 'boss@example.com', isBot: false, deleted: false, guest: false },
  U0NOBODY: { id: 'U0NOBODY', email: 'nobody@example.com', isBot: false, deleted: false, guest: false },
  U0GUEST: { id: 'U0GUEST', email: 'web-ops@jjesquire.com', isBot: false, deleted: false, guest: true },
  U0BOT: { id: 'U0BOT', email: undefined, isBot: true, deleted: false, guest: false },
  U0GONE: { id: 'U0GONE', email: 'admin@jjesquire.com', isBot: false, deleted: true, guest: false },
  U0IPS: { id: 'U0IPS', email: 'IPS-Admin@jjesquire.com', isBot: false, deleted: false, guest: false },
  U0IPSOFF: { id: 'U0IPSOFF', email: 'inactive@jjesquire.com', isBot: false, deleted: false, guest: false },
  U0VIEW: { id: 'U0VIEW', email: 'viewer@jjesquire.com', isBot: false, deleted: false, guest: false },
};

const members: CompanyMember[] = [
  { email: 'ips-admin@jjesquire.com', role: 'IpsCompanyAdmin', active: true, valid: true },
  { email: 'inactive@jjesquire.com', role: 'IpsCompanyAdmin', active: false, valid: true },
  { email: 'viewer@jjesquire.com', role: 'IpsUser', active: true, valid: true },
];

function policy(verifyWithIps: boolean) {
  const membersOf = vi.fn(async (handle: string) => (handle === 'c|6' ? members : []));
  const p = new AccessPolicy({
    access: { globalAdmins: ['U0GLOBAL'], verifyWithIps },
    lookupUser: async (id) => users[id],
    membersOf,
  });
  return { p, membersOf };
}

describe('AccessPolicy', () => {
  it.each([
    ['U0ADMIN', 'company-admin'],
    ['U0MAIL', 'company-admin'],
    ['U0GLOBAL', 'global-admin'],
  ])('admits %s via %s', async (id, via) => {
    expect(await policy(false).p.decide(id, jj)).toEqual({ allowed: true, via });
  });

  it.each([
    ['U0GUEST', 'guest'],
    ['U0BOT', 'bot'],
    ['U0GONE', 'deleted'],
    ['U0UNKNOWN', 'unknown-user'],
    ['U0NOBODY', 'not-admin'],
  ])('refuses %s (%s) even when a list names them', async (id, reason) => {
    const d = await policy(true).p.decide(id, jj);
    expect(d.allowed).toBe(false);
    if (!d.allowed) {
      expect(d.reason).toBe(reason);
      expect(d.message.length).toBeGreaterThan(10);
    }
  });

  it('refuses a company the user does not administer', async () => {
    const d = await policy(false).p.decide('U0ADMIN', other);
    expect(d).toMatchObject({ allowed: false, reason: 'not-admin' });
  });

  it('refuses an unknown company', async () => {
    expect(await policy(false).p.decide('U0GLOBAL', undefined)).toMatchObject({ reason: 'unknown-company' });
  });

  it('admits an active IpsCompanyAdmin by e-mail only when verifyWithIps is on', async () => {
    expect(await policy(false).p.decide('U0IPS', jj)).toMatchObject({ allowed: false });
    expect(await policy(true).p.decide('U0IPS', jj)).toEqual({ allowed: true, via: 'ips-role' });
  });

  it('does not admit inactive IPS admins or plain IPS users', async () => {
    expect(await policy(true).p.decide('U0IPSOFF', jj)).toMatchObject({ allowed: false });
    expect(await policy(true).p.decide('U0VIEW', jj)).toMatchObject({ allowed: false });
  });

  it('never asks IPS about guests', async () => {
    const { p, membersOf } = policy(true);
    await p.decide('U0GUEST', jj);
    expect(membersOf).not.toHaveBeenCalled();
  });

  it('lists only the companies a user may purge', async () => {
    const { p } = policy(false);
    expect((await p.allowedCompanies('U0ADMIN', [jj, other])).allowed.map((c) => c.name)).toEqual([
      'JJEsquire',
    ]);
    expect((await p.allowedCompanies('U0GLOBAL', [jj, other])).allowed).toHaveLength(2);
    const none = await p.allowedCompanies('U0NOBODY', [jj, other]);
    expect(none.allowed).toEqual([]);
    expect(none.denial).toMatchObject({ allowed: false, reason: 'not-admin' });
  });

  it('still lists the companies a user is listed for when IPS fails for another company', async () => {
    const p = new AccessPolicy({
      access: { globalAdmins: [], verifyWithIps: true },
      lookupUser: async (id) => users[id],
      membersOf: async () => {
        throw new Error('IPS timeout');
      },
    });
    expect((await p.allowedCompanies('U0ADMIN', [jj, other])).allowed.map((c) => c.name)).toEqual([
      'JJEsquire',
    ]);
    await expect(p.allowedCompanies('U0NOBODY', [jj, other])).rejects.toThrow('IPS timeout');
  });
});
