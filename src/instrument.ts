import type { AccessPolicy } from './access/policy.js';
import type { Metrics } from './http/metrics.js';
import { IpsFault, IpsRequestError } from './ips/errors.js';
import type { IpsGateway } from './ips/types.js';
import type { PurgeView } from './purge/model.js';
import type { Notifier } from './purge/ports.js';

/**
 * Decorators that add metrics at the composition root, so the domain and the clients stay free
 * of instrumentation concerns.
 */
export function instrumentIps(ips: IpsGateway, m: Metrics): IpsGateway {
  const wrap =
    <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = m.ipsCallDuration.startTimer({ operation });
      try {
        const out = await fn(...args);
        m.ipsCalls.inc({ operation, outcome: 'ok' });
        return out;
      } catch (err) {
        const outcome =
          err instanceof IpsFault ? 'fault' : err instanceof IpsRequestError ? 'refused' : 'transport';
        m.ipsCalls.inc({ operation, outcome });
        throw err;
      } finally {
        stop();
      }
    };
  return {
    cdnCacheInvalidation: wrap('cdnCacheInvalidation', ips.cdnCacheInvalidation.bind(ips)),
    getCompanyInfo: wrap('getCompanyInfo', ips.getCompanyInfo.bind(ips)),
    getCompanyMembership: wrap('getCompanyMembership', ips.getCompanyMembership.bind(ips)),
    getCompanyMembers: wrap('getCompanyMembers', ips.getCompanyMembers.bind(ips)),
    getCdnCacheInvalidationStatus: wrap(
      'getCdnCacheInvalidationStatus',
      ips.getCdnCacheInvalidationStatus.bind(ips),
    ),
  };
}

export function instrumentNotifier(n: Notifier, m: Metrics, now: () => number = Date.now): Notifier {
  const outcome = (p: PurgeView) => {
    m.purges.inc({ company: p.company.name, outcome: p.status });
    if (p.counts.submitted > 0) m.urlsPurged.inc({ company: p.company.name }, p.counts.submitted);
  };
  return {
    progress: (p) => n.progress(p),
    async confirmed(p) {
      await n.confirmed(p);
      outcome(p);
      if (p.dueAt !== undefined) m.confirmationLag.observe(Math.max(0, now() - p.dueAt) / 1000);
    },
    async failed(p) {
      await n.failed(p);
      outcome(p);
    },
  };
}

type Fetch = typeof globalThis.fetch;

/** A fetch for the Slack WebClient that counts errors and rate limits per API method. */
export function instrumentedFetch(m: Metrics, base: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const res = await base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = url.slice(url.lastIndexOf('/') + 1).split('?')[0] || 'unknown';
    if (res.status === 429) {
      m.slackRateLimited.inc({ method });
    } else if (res.status >= 400) {
      m.slackApiErrors.inc({ method, error: `http_${res.status}` });
    } else if ((res.headers.get('content-type') ?? '').includes('json')) {
      const body = (await res
        .clone()
        .json()
        .catch(() => undefined)) as { ok?: boolean; error?: unknown } | undefined;
      if (body && body.ok === false) m.slackApiErrors.inc({ method, error: String(body.error ?? 'unknown') });
    }
    return res;
  };
}

/** Counts refusals by reason; the policy itself stays metric-free. */
export function instrumentPolicy(
  policy: AccessPolicy,
  m: Metrics,
): Pick<AccessPolicy, 'decide' | 'allowedCompanies'> {
  return {
    async decide(userId, company) {
      const d = await policy.decide(userId, company);
      if (!d.allowed) m.accessDenied.inc({ reason: d.reason });
      return d;
    },
    async allowedCompanies(userId, companies) {
      const r = await policy.allowedCompanies(userId, companies);
      if (r.denial && !r.denial.allowed) m.accessDenied.inc({ reason: r.denial.reason });
      return r;
    },
  };
}
