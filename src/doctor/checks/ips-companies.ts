import type { CompanyConfig, Env, PurgeConfig } from '../../config/types.js';
import { IpsFault } from '../../ips/errors.js';
import type { CompanyInfo, CompanyMembership, IpsGateway } from '../../ips/types.js';
import { describeMs, withTimeout } from '../timeout.js';
import { type CheckResult, fail, ok, warn } from '../types.js';
import { isAdminMembership } from './ips-credentials.js';
import { describeFault, ipsFailure } from './ips-errors.js';
import { checkTemplates } from './templates.js';

/** Enough parallelism for an account with dozens of companies, little enough to be polite to IPS. */
const CONCURRENCY = 4;

interface Target {
  name: string;
  /** Undefined for companies discovered from the membership list. */
  config: CompanyConfig | undefined;
}

function membershipFor(
  memberships: readonly CompanyMembership[],
  info: CompanyInfo,
): CompanyMembership | undefined {
  return (
    memberships.find((m) => m.company.companyHandle === info.companyHandle) ??
    memberships.find((m) => m.company.name.toLowerCase() === info.name.toLowerCase())
  );
}

function roleProblem(
  env: Env,
  target: Target,
  membership: CompanyMembership | undefined,
  globalAdmin: boolean,
): CheckResult | undefined {
  if (globalAdmin || (membership && isAdminMembership(membership))) return undefined;
  const what =
    membership === undefined || membership.role === ''
      ? `${env.ipsUser} has no role in ${target.name}`
      : `${env.ipsUser} is ${membership.role}${membership.active ? '' : ' (inactive)'} of ${target.name}`;
  const orRemove = target.config ? `, or remove ${target.name} from the config file` : '';
  return fail(
    `company ${target.name}`,
    `${what}: cdnCacheInvalidation needs IpsCompanyAdmin`,
    `ask an IpsAdmin to make ${env.ipsUser} an active IpsCompanyAdmin of ${target.name}${orRemove}`,
  );
}

function infoFailure(target: Target, err: unknown, env: Env): CheckResult {
  const name = `company ${target.name}`;
  if (err instanceof IpsFault && err.code === 20000) {
    return fail(
      name,
      `IPS knows no company named ${target.name} (${describeFault(err)})`,
      'write the company name exactly as Dynamic Media shows it (Setup → Company Settings)',
    );
  }
  if (err instanceof IpsFault && err.kind === 'authorization') {
    return fail(
      name,
      `${env.ipsUser} may not read ${target.name} (${describeFault(err)}): cdnCacheInvalidation needs IpsCompanyAdmin`,
      `ask an IpsAdmin to make ${env.ipsUser} an IpsCompanyAdmin of ${target.name}`,
    );
  }
  return ipsFailure(name, err, env);
}

async function checkOne(
  ips: IpsGateway,
  env: Env,
  target: Target,
  memberships: readonly CompanyMembership[],
  globalAdmin: boolean,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  let info: CompanyInfo;
  try {
    info = await ips.getCompanyInfo(target.name, { signal });
  } catch (err) {
    return [infoFailure(target, err, env)];
  }
  const membership = membershipFor(memberships, info);
  const problem = roleProblem(env, target, membership, globalAdmin);
  if (problem) return [problem];
  const role = membership && isAdminMembership(membership) ? membership.role : 'IpsAdmin';
  const templates = target.config?.templates.length ?? 0;
  const tail = templates > 0 ? `; ${templates} template${templates === 1 ? '' : 's'} checked` : '';
  return [
    ok(
      `company ${target.name}`,
      `handle ${info.companyHandle}, root ID ${info.rootId}, ${env.ipsUser} is ${role}${tail}`,
    ),
    ...(target.config ? checkTemplates(target.config, info.rootId) : []),
  ];
}

/** Runs `jobs` with at most `limit` at a time, keeping their order in the result. */
async function inOrder<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/**
 * Every company the app would serve: the configured ones, or, without a `companies` key, those the
 * account administers. Each is resolved with getCompanyInfo (handle, root ID) and its role checked.
 */
export async function checkCompanies(
  ips: IpsGateway,
  env: Env,
  config: PurgeConfig,
  memberships: readonly CompanyMembership[],
  timeoutMs: number,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let targets: Target[];
  if (config.companies) {
    targets = config.companies.map((c) => ({ name: c.name, config: c }));
  } else {
    targets = memberships.filter(isAdminMembership).map((m) => ({ name: m.company.name, config: undefined }));
    const others = memberships.filter((m) => !isAdminMembership(m));
    if (targets.length === 0) {
      return [
        fail(
          'companies',
          `${env.ipsUser} administers no company, so dm-purge would serve none`,
          `ask an IpsAdmin to make ${env.ipsUser} an IpsCompanyAdmin of the companies to serve, or list them in the config file`,
        ),
      ];
    }
    if (others.length > 0) {
      const list = others.map(
        (m) => `${m.company.name} (${m.role || 'no role'}${m.active ? '' : ', inactive'})`,
      );
      results.push(
        warn(
          'companies',
          `not served, as cdnCacheInvalidation needs IpsCompanyAdmin: ${list.join(', ')}`,
          `ask an IpsAdmin to make ${env.ipsUser} an IpsCompanyAdmin of those to serve`,
        ),
      );
    }
  }
  const globalAdmin = memberships.some((m) => m.active && m.role === 'IpsAdmin');
  const jobs = targets.map(
    (target) => () =>
      withTimeout(
        timeoutMs,
        (signal) => checkOne(ips, env, target, memberships, globalAdmin, signal),
        () => [
          fail(
            `company ${target.name}`,
            `IPS gave no answer within ${describeMs(timeoutMs)}`,
            'check that IPS answers (status.adobe.com) and that nothing between here and it holds requests',
          ),
        ],
      ),
  );
  for (const lines of await inOrder(jobs, CONCURRENCY)) results.push(...lines);
  return results;
}
