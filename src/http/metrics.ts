import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Route } from './routes.js';

/**
 * Every metric dm-purge exports. Label values are bounded: company names come from the config (or
 * the IPS account's companies), outcomes and operations from fixed lists; never URLs or user ids.
 */
export interface Metrics {
  registry: Registry;
  purges: Counter<'company' | 'outcome'>;
  urlsPurged: Counter<'company'>;
  ipsCalls: Counter<'operation' | 'outcome'>;
  ipsCallDuration: Histogram<'operation'>;
  confirmationLag: Histogram;
  queueJobs: Gauge<'queue' | 'state'>;
  slackApiErrors: Counter<'method' | 'error'>;
  slackRateLimited: Counter<'method'>;
  accessDenied: Counter<'reason'>;
}

export interface MetricsOptions {
  /** Called on each scrape to refresh the queue gauges. */
  queueCounts?: () => Promise<Record<string, number>>;
  defaultMetrics?: boolean;
}

export function createMetrics(o: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (o.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'dmpurge_' });
  const registers = [registry];
  const queueJobs = new Gauge({
    name: 'dmpurge_queue_jobs',
    help: 'Jobs per queue and state (waiting, delayed, active, failed, …)',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      if (!o.queueCounts) return;
      try {
        const counts = await o.queueCounts();
        for (const [key, value] of Object.entries(counts)) {
          const [queue = key, state = 'unknown'] = key.split('.');
          this.set({ queue, state }, value);
        }
      } catch {
        // Redis down: keep the last values; /readyz reports the outage.
      }
    },
  });
  return {
    registry,
    purges: new Counter({
      name: 'dmpurge_purges_total',
      help: 'Finished purges by company and outcome (done, partial, failed)',
      labelNames: ['company', 'outcome'] as const,
      registers,
    }),
    urlsPurged: new Counter({
      name: 'dmpurge_urls_purged_total',
      help: 'URLs accepted by IPS for invalidation',
      labelNames: ['company'] as const,
      registers,
    }),
    ipsCalls: new Counter({
      name: 'dmpurge_ips_calls_total',
      help: 'IPS SOAP calls by operation and outcome (ok, fault, transport, refused)',
      labelNames: ['operation', 'outcome'] as const,
      registers,
    }),
    ipsCallDuration: new Histogram({
      name: 'dmpurge_ips_call_duration_seconds',
      help: 'Duration of IPS SOAP calls',
      labelNames: ['operation'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    confirmationLag: new Histogram({
      name: 'dmpurge_confirmation_lag_seconds',
      help: 'Time from a purge’s due time (submittedAt + estimatedSeconds) to its threaded confirmation',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    queueJobs,
    slackApiErrors: new Counter({
      name: 'dmpurge_slack_api_errors_total',
      help: 'Slack Web API calls that failed, by method and error (ok:false error code or HTTP status)',
      labelNames: ['method', 'error'] as const,
      registers,
    }),
    slackRateLimited: new Counter({
      name: 'dmpurge_slack_rate_limited_total',
      help: 'Slack Web API 429 answers (each one is waited out and retried)',
      labelNames: ['method'] as const,
      registers,
    }),
    accessDenied: new Counter({
      name: 'dmpurge_access_denied_total',
      help: 'Purge attempts refused by the access policy, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}

export function metricsRoutes(registry: Registry): Route[] {
  return [
    {
      path: '/metrics',
      method: ['GET'],
      handler: async (_req, res) => {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
  ];
}
