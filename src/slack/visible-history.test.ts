import { describe, expect, it } from 'vitest';
import type { Company } from '../access/company-directory.js';
import { silentLogger } from '../log.js';
import type { PurgeSummary } from '../purge/model.js';
import { visibleHistory } from './visible-history.js';

function company(name: string): Company {
  return {
    name,
    handle: `c|${name}`,
    rootId: name,
    hosts: [],
    templates: [],
    admins: [],
    channel: undefined,
  };
}

function summary(id: string, requester: string, companyName: string, createdAt: number): PurgeSummary {
  return {
    id,
    company: { name: companyName, handle: `c|${companyName}`, rootId: companyName },
    requester,
    status: 'done',
    counts: { total: 1, submitted: 1, pending: 0, failed: 0, rejected: 0, skippedRecent: 0, batches: 1 },
    createdAt,
    updatedAt: createdAt,
  };
}

const byUser: Record<string, PurgeSummary[]> = {
  U1: [summary('p-OWN2', 'U1', 'B', 40), summary('p-OWN1', 'U1', 'A', 10)],
};
const byCompany: Record<string, PurgeSummary[]> = {
  A: [summary('p-COL2', 'U2', 'A', 50), summary('p-COL1', 'U3', 'A', 20), summary('p-OWN1', 'U1', 'A', 10)],
  B: [summary('p-OWN2', 'U1', 'B', 40), summary('p-OTH1', 'U4', 'B', 30)],
};

function deps(allowed: () => Promise<Company[]>) {
  return {
    purges: {
      latestForUser: async (u: string, n: number) => (byUser[u] ?? []).slice(0, n),
      latestForCompany: async (c: string, n: number) => (byCompany[c] ?? []).slice(0, n),
    },
    policy: {
      allowedCompanies: async () => ({ allowed: await allowed(), denial: undefined }),
    },
    companies: { list: () => [company('A'), company('B')] },
    logger: silentLogger(),
  };
}

describe('visibleHistory', () => {
  it("merges the user's own purges with those of the companies they administer, newest first, once each", async () => {
    const got = await visibleHistory(
      deps(async () => [company('A')]),
      'U1',
      10,
    );
    expect(got.map((p) => p.id)).toEqual(['p-COL2', 'p-OWN2', 'p-COL1', 'p-OWN1']);
  });

  it('keeps to the limit', async () => {
    const got = await visibleHistory(
      deps(async () => [company('A'), company('B')]),
      'U1',
      3,
    );
    expect(got.map((p) => p.id)).toEqual(['p-COL2', 'p-OWN2', 'p-OTH1']);
  });

  it('a failing read is the caller’s error to answer, even while the access check is slow', async () => {
    const d = deps(() => new Promise((r) => setTimeout(() => r([company('A')]), 50)));
    d.purges.latestForUser = async () => {
      throw new Error('redis gone');
    };
    await expect(visibleHistory(d, 'U1', 10)).rejects.toThrow('redis gone');
  });

  it('lists the own purges alone when the access check cannot be made', async () => {
    const got = await visibleHistory(
      deps(async () => {
        throw new Error('IPS roles unavailable');
      }),
      'U1',
      10,
    );
    expect(got.map((p) => p.id)).toEqual(['p-OWN2', 'p-OWN1']);
  });
});
