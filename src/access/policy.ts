import type { AccessConfig } from '../config/types.js';
import { IPS_ADMIN_ROLES } from '../ips/types.js';
import type { Company } from './company-directory.js';
import type { MembersOf } from './ips-members-cache.js';
import type { AccessDecision, UserLookup, UserProfile } from './types.js';

export interface AccessPolicyOptions {
  access: AccessConfig;
  lookupUser: UserLookup;
  /** Present when `access.verifyWithIps` is on. */
  membersOf?: MembersOf;
}

/**
 * Decides who may purge which company (design.md "Who may purge"). Every call decides afresh from
 * the user's current Slack profile: nothing a client submits is trusted.
 */
export class AccessPolicy {
  private readonly globalAdmins: Set<string>;

  constructor(private readonly opts: AccessPolicyOptions) {
    this.globalAdmins = new Set(opts.access.globalAdmins.map(normalize));
  }

  async decide(userId: string, company: Company | undefined): Promise<AccessDecision> {
    const user = await this.opts.lookupUser(userId);
    const refused = refuseUser(user);
    if (refused) return refused;
    if (!company) {
      return {
        allowed: false,
        reason: 'unknown-company',
        message: 'That company is not served by dm-purge.',
      };
    }
    return this.decideFor(user!, company);
  }

  /** The companies among `companies` this user may purge, and the user-level denial if any. */
  async allowedCompanies(
    userId: string,
    companies: readonly Company[],
  ): Promise<{ allowed: Company[]; denial: AccessDecision | undefined }> {
    const user = await this.opts.lookupUser(userId);
    const refused = refuseUser(user);
    if (refused) return { allowed: [], denial: refused };
    // One company's IPS lookup failing must not hide the companies the user is listed for.
    const decisions = await Promise.allSettled(companies.map((c) => this.decideFor(user!, c)));
    const allowed = companies.filter((_, i) => {
      const d = decisions[i];
      return d?.status === 'fulfilled' && d.value.allowed;
    });
    const failed = decisions.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (allowed.length === 0 && failed) throw failed.reason;
    return {
      allowed,
      denial: allowed.length > 0 ? undefined : notAdmin(companies.map((c) => c.name)),
    };
  }

  private async decideFor(user: UserProfile, company: Company): Promise<AccessDecision> {
    const ids = [user.id, ...(user.email ? [user.email] : [])].map(normalize);
    if (ids.some((id) => this.globalAdmins.has(id))) return { allowed: true, via: 'global-admin' };
    const admins = new Set(company.admins.map(normalize));
    if (ids.some((id) => admins.has(id))) return { allowed: true, via: 'company-admin' };
    if (this.opts.access.verifyWithIps && this.opts.membersOf && user.email) {
      const email = normalize(user.email);
      const members = await this.opts.membersOf(company.handle);
      const ok = members.some(
        (m) => normalize(m.email) === email && m.active && m.valid && IPS_ADMIN_ROLES.has(m.role),
      );
      if (ok) return { allowed: true, via: 'ips-role' };
    }
    return notAdmin([company.name]);
  }
}

function normalize(id: string): string {
  // Slack ids are upper-case already; e-mail addresses compare case-insensitively in practice.
  return id.includes('@') ? id.trim().toLowerCase() : id.trim();
}

function refuseUser(user: UserProfile | undefined): AccessDecision | undefined {
  if (!user) {
    return { allowed: false, reason: 'unknown-user', message: 'Slack could not tell dm-purge who you are.' };
  }
  if (user.deleted)
    return { allowed: false, reason: 'deleted', message: 'Deactivated accounts cannot purge.' };
  if (user.isBot) return { allowed: false, reason: 'bot', message: 'Bots and apps cannot purge.' };
  if (user.guest) {
    return {
      allowed: false,
      reason: 'guest',
      message:
        'Guest accounts cannot purge, even when a list names them. Ask a full member who is a company admin.',
    };
  }
  return undefined;
}

function notAdmin(companies: string[]): AccessDecision {
  const list = companies.join(', ');
  return {
    allowed: false,
    reason: 'not-admin',
    message: `Only company admins may purge ${list || 'any company'}. Ask your dm-purge operator to add your Slack ID or e-mail to the company's \`admins\` in purge.config.yml, or to give you the IpsCompanyAdmin role in Dynamic Media.`,
  };
}
