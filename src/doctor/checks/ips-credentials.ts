import { redactUrl } from '../../config/summary.js';
import type { Env } from '../../config/types.js';
import type { CompanyMembership, IpsGateway } from '../../ips/types.js';
import { IPS_ADMIN_ROLES } from '../../ips/types.js';
import { type CheckResult, ok } from '../types.js';
import { ipsFailure } from './ips-errors.js';

export { IPS_ADMIN_ROLES };

/** Roles that may call cdnCacheInvalidation, and only while the membership is active. */
export function isAdminMembership(m: CompanyMembership): boolean {
  return m.active && IPS_ADMIN_ROLES.has(m.role);
}

export interface IpsCredentialsCheck {
  results: CheckResult[];
  /** The account's memberships; undefined when the call failed (company checks are then skipped). */
  memberships: CompanyMembership[] | undefined;
}

const NAME = 'IPS credentials';

/** getCompanyMembership is the cheapest call that needs valid credentials and nothing else. */
export async function checkIpsCredentials(
  ips: IpsGateway,
  env: Env,
  signal: AbortSignal,
): Promise<IpsCredentialsCheck> {
  try {
    const memberships = await ips.getCompanyMembership({ signal });
    const admin = memberships.filter(isAdminMembership).length;
    const detail =
      `${env.ipsUser} accepted at ${redactUrl(env.ipsApiUrl)}; member of ${memberships.length} ` +
      `${memberships.length === 1 ? 'company' : 'companies'}, admin of ${admin}`;
    return { memberships, results: [ok(NAME, detail)] };
  } catch (err) {
    return { memberships: undefined, results: [ipsFailure(NAME, err, env)] };
  }
}
