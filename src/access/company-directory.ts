import type { CompanyConfig } from '../config/types.js';
import { IpsFault } from '../ips/errors.js';
import { IPS_ADMIN_ROLES, type IpsGateway } from '../ips/types.js';
import type { Logger } from '../log.js';

/** A company dm-purge serves: its config joined with what IPS says (handle, root ID). */
export interface Company {
  name: string;
  handle: string;
  rootId: string;
  hosts: string[];
  templates: string[];
  admins: string[];
  channel: string | undefined;
}

export interface DirectoryStatus {
  ready: boolean;
  resolved: string[];
  /** Companies not resolved yet, with the last error in words. */
  missing: { name: string; error: string }[];
}

export interface CompanyDirectoryOptions {
  /** Undefined: serve every company the IPS account administers (getCompanyMembership). */
  companies: CompanyConfig[] | undefined;
  ips: IpsGateway;
  logger: Logger;
  /** First retry delay; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Hosts allowed when companies come from IPS rather than the config file (design.md). */
export const DEFAULT_DISCOVERED_HOSTS = ['*.scene7.com'];

/**
 * Resolves company names to IPS handles and root IDs at start-up, retrying with backoff until every
 * company is known. The app keeps serving meanwhile; readiness reports what is missing.
 */
export class CompanyDirectory {
  private readonly byKey = new Map<string, Company>();
  private readonly errors = new Map<string, string>();
  private readonly opts: CompanyDirectoryOptions;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private discoveryDone = false;

  constructor(opts: CompanyDirectoryOptions) {
    this.opts = opts;
  }

  /** Resolves what it can now; keeps retrying the rest in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt(this.opts.retryMs ?? 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  list(): Company[] {
    return [...this.byKey.values()];
  }

  get(name: string): Company | undefined {
    return this.byKey.get(name.toLowerCase());
  }

  status(): DirectoryStatus {
    const wanted = this.opts.companies?.map((c) => c.name);
    const resolved = this.list().map((c) => c.name);
    const missing = wanted
      ? wanted.filter((n) => !this.byKey.has(n.toLowerCase()))
      : this.discoveryDone
        ? []
        : ['(companies administered by the IPS account)'];
    return {
      ready: missing.length === 0,
      resolved,
      missing: missing.map((name) => ({ name, error: this.errors.get(name) ?? 'not resolved yet' })),
    };
  }

  private async attempt(delayMs: number): Promise<void> {
    if (this.stopped) return;
    await (this.opts.companies ? this.resolveConfigured(this.opts.companies) : this.discover());
    if (this.status().ready || this.stopped) return;
    const next = Math.min(delayMs * 2, this.opts.maxRetryMs ?? 60_000);
    this.timer = setTimeout(() => void this.attempt(next), delayMs);
    this.timer.unref();
  }

  private async resolveConfigured(companies: CompanyConfig[]): Promise<void> {
    await Promise.all(
      companies
        .filter((c) => !this.byKey.has(c.name.toLowerCase()))
        .map(async (c) => {
          try {
            const info = await this.opts.ips.getCompanyInfo(c.name);
            this.byKey.set(c.name.toLowerCase(), {
              name: c.name,
              handle: info.companyHandle,
              rootId: info.rootId,
              hosts: c.hosts,
              templates: c.templates,
              admins: c.admins,
              channel: c.channel,
            });
            this.errors.delete(c.name);
            this.opts.logger.info({ company: c.name, rootId: info.rootId }, 'company resolved');
          } catch (err) {
            const message = describe(err);
            this.errors.set(c.name, message);
            this.opts.logger.warn({ company: c.name, err: message }, 'company not resolved; will retry');
          }
        }),
    );
  }

  private async discover(): Promise<void> {
    const key = '(companies administered by the IPS account)';
    try {
      const memberships = await this.opts.ips.getCompanyMembership();
      for (const m of memberships) {
        if (!m.active || !IPS_ADMIN_ROLES.has(m.role)) continue;
        this.byKey.set(m.company.name.toLowerCase(), {
          name: m.company.name,
          handle: m.company.companyHandle,
          rootId: m.company.rootId,
          hosts: DEFAULT_DISCOVERED_HOSTS,
          templates: [],
          admins: [],
          channel: undefined,
        });
      }
      this.discoveryDone = true;
      this.errors.delete(key);
      this.opts.logger.info({ companies: this.list().map((c) => c.name) }, 'companies discovered from IPS');
    } catch (err) {
      this.errors.set(key, describe(err));
      this.opts.logger.warn({ err: describe(err) }, 'company discovery failed; will retry');
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof IpsFault) return `${err.kind} fault ${err.code} ${err.codeName}: ${err.reason}`;
  return err instanceof Error ? err.message : String(err);
}
