import { describe, expect, it } from 'vitest';
import { IpsFault } from '../ips/errors.js';
import type { CompanyInfo, CompanyMembership, IpsGateway } from '../ips/types.js';
import { silentLogger } from '../log.js';
import { CompanyDirectory } from './company-directory.js';

function gateway(opts: { failFirst?: number; memberships?: CompanyMembership[] }): IpsGateway {
  let failures = opts.failFirst ?? 0;
  const known: Record<string, CompanyInfo> = {
    jjesquire: { companyHandle: 'c|6', name: 'JJEsquire', rootId: 'JJEsquire' },
    'example.com': { companyHandle: 'c|111', name: 'Example.com', rootId: 'Example.com' },
  };
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    getCompanyInfo: async (name) => {
      if (failures > 0) {
        failures--;
        throw new Error('connect ECONNREFUSED');
      }
      const info = known[name.toLowerCase()];
      if (!info) throw new IpsFault('getCompanyInfo', 'authorization', 20000, 'Invalid company', 500);
      return info;
    },
    getCompanyMembership: async () => opts.memberships ?? [],
    cdnCacheInvalidation: unused,
    getCompanyMembers: unused,
    getCdnCacheInvalidationStatus: unused,
  };
}

const cfg = (name: string) => ({
  name,
  hosts: ['s7d7.scene7.com'],
  templates: [],
  admins: [],
  channel: undefined,
});

async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('CompanyDirectory', () => {
  it('resolves configured companies to handle and root ID', async () => {
    const d = new CompanyDirectory({
      companies: [cfg('JJEsquire'), cfg('Example.com')],
      ips: gateway({}),
      logger: silentLogger(),
    });
    await d.start();
    expect(d.status()).toMatchObject({ ready: true, missing: [] });
    expect(d.get('example.com')).toMatchObject({
      handle: 'c|111',
      rootId: 'Example.com',
      hosts: ['s7d7.scene7.com'],
    });
    d.stop();
  });

  it('stays up, reports what is missing, and retries until IPS answers', async () => {
    const d = new CompanyDirectory({
      companies: [cfg('JJEsquire')],
      ips: gateway({ failFirst: 2 }),
      logger: silentLogger(),
      retryMs: 5,
    });
    await d.start();
    expect(d.status().ready).toBe(false);
    expect(d.status().missing[0]).toMatchObject({
      name: 'JJEsquire',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    await until(() => d.status().ready);
    expect(d.status().ready).toBe(true);
    d.stop();
  });

  it('names the IPS fault for an unknown company', async () => {
    const d = new CompanyDirectory({
      companies: [cfg('Nope')],
      ips: gateway({}),
      logger: silentLogger(),
      retryMs: 60_000,
    });
    await d.start();
    expect(d.status().missing[0]?.error).toContain('20000');
    d.stop();
  });

  it('discovers administered companies when none are configured', async () => {
    const company = (name: string, handle: string): CompanyInfo => ({
      name,
      companyHandle: handle,
      rootId: name,
    });
    const d = new CompanyDirectory({
      companies: undefined,
      ips: gateway({
        memberships: [
          { company: company('JJEsquire', 'c|6'), role: 'IpsCompanyAdmin', active: true },
          { company: company('Viewer', 'c|7'), role: 'IpsUser', active: true },
          { company: company('Old', 'c|8'), role: 'IpsCompanyAdmin', active: false },
        ],
      }),
      logger: silentLogger(),
    });
    await d.start();
    expect(d.list().map((c) => c.name)).toEqual(['JJEsquire']);
    expect(d.get('JJEsquire')?.hosts).toEqual(['*.scene7.com']);
    expect(d.status().ready).toBe(true);
    d.stop();
  });
});
