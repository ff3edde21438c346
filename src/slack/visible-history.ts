import type { PurgeSummary } from '../purge/model.js';
import type { SlackDeps } from './deps.js';

/**
 * The latest purges `userId` may see, newest first: their own, and those of every company they may
 * purge (an admin sees their colleagues' purges, as `/purge status <id>` shows them). When the
 * access check cannot be made (IPS roles unavailable) the user still gets their own.
 */
export async function visibleHistory(
  deps: {
    purges: Pick<SlackDeps['purges'], 'latestForUser' | 'latestForCompany'>;
    policy: Pick<SlackDeps['policy'], 'allowedCompanies'>;
    companies: Pick<SlackDeps['companies'], 'list'>;
    logger: SlackDeps['logger'];
  },
  userId: string,
  limit: number,
): Promise<PurgeSummary[]> {
  let companies: string[] = [];
  try {
    companies = (await deps.policy.allowedCompanies(userId, deps.companies.list())).allowed.map(
      (c) => c.name,
    );
  } catch (err) {
    deps.logger.warn({ err, user: userId }, 'history: company access unknown; listing own purges only');
  }
  // Started together only now: a read started before the access check could fail with no handler yet.
  const lists = await Promise.all([
    deps.purges.latestForUser(userId, limit),
    ...companies.map((name) => deps.purges.latestForCompany(name, limit)),
  ]);
  const byId = new Map<string, PurgeSummary>();
  for (const p of lists.flat()) byId.set(p.id, p);
  return [...byId.values()]
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .slice(0, limit);
}
