import { webApi } from '@slack/bolt';
import { CompanyDirectory } from './access/company-directory.js';
import { cachedMembersOf } from './access/ips-members-cache.js';
import { AccessPolicy } from './access/policy.js';
import type { Env, PurgeConfig } from './config/types.js';
import { createMetrics, metricsRoutes } from './http/metrics.js';
import { type ReadinessCheck, readinessRoutes } from './http/readiness.js';
import { guardRoutes, healthRoutes, type Route } from './http/routes.js';
import { instrumentedFetch, instrumentIps, instrumentNotifier, instrumentPolicy } from './instrument.js';
import { IpsClient } from './ips/client.js';
import type { Logger } from './log.js';
import { withoutLogFields } from './log-context.js';
import { createPurgeEngine, type EngineDeps, type PurgeEngine } from './purge/engine.js';
import { purgeKeys } from './purge/keys.js';
import { createRedisClient } from './redis.js';
import { createSlackApp, interactiveClientOptions } from './slack/app.js';
import { boltLogger } from './slack/bolt-logger.js';
import type { SlackDeps } from './slack/deps.js';
import { ModalContextCodec } from './slack/modal-context.js';
import { SlackNotifier } from './slack/notifier.js';
import { PrefillStore } from './slack/prefill-store.js';
import { slackUserLookup } from './slack/user-lookup.js';
import { within } from './slack/within.js';
import { APP_NAME, APP_VERSION } from './version.js';

export interface AppOptions {
  logger: Logger;
  /** Test hooks: shorter engine timings. */
  engine?: Pick<EngineDeps, 'worker' | 'tuning'>;
  /** Time a modal submission may work before Slack is answered with a "checking" view. */
  ackBudgetMs?: number;
  /** Retry delay while companies are not resolved yet. */
  companyRetryMs?: number;
}

export interface RunningApp {
  /** The HTTP port actually bound (differs from env.port when that is 0). */
  port: number;
  mode: 'http' | 'socket';
  isShuttingDown(): boolean;
  engine: PurgeEngine;
  directory: CompanyDirectory;
  /** Idempotent. Flips readiness first, then tears down in reverse order of start. */
  stop(): Promise<void>;
}

/**
 * Composition root: config → Redis → IPS company resolution → workers → Slack receiver. Company
 * resolution retries in the background; `/readyz` says what is missing meanwhile.
 */
export async function start(env: Env, config: PurgeConfig, options: AppOptions): Promise<RunningApp> {
  const { logger } = options;
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const keys = purgeKeys(env.redisPrefix);
  const keyPrefix = `${keys.tag}:`;

  const redis = createRedisClient(
    { url: env.redisUrl, cluster: env.redisCluster },
    { maxRetriesPerRequest: 1, connectionName: `${env.redisPrefix}-app` },
  );
  redis.on('error', (err) => logger.error({ err: err.message }, 'redis error'));

  let engine: PurgeEngine | undefined;
  const metrics = createMetrics({ queueCounts: async () => (engine ? engine.queueCounts() : {}) });
  const ipsClient = new IpsClient({
    url: env.ipsApiUrl,
    user: env.ipsUser,
    password: env.ipsPassword,
    apiVersion: env.ipsApiVersion,
    appName: APP_NAME,
    appVersion: APP_VERSION,
    tuning: config.ips,
  });
  const ips = instrumentIps(ipsClient, metrics);
  const directory = new CompanyDirectory({
    companies: config.companies,
    ips,
    logger,
    ...(options.companyRetryMs ? { retryMs: options.companyRetryMs } : {}),
  });

  // Lookups for interactive paths fail fast; notifications wait out rate limits (Retry-After).
  const fetch = instrumentedFetch(metrics);
  // Both clients are shared by requests and workers: see boltLogger's contextFree.
  const webLogger = boltLogger(logger, { contextFree: true });
  const lookupClient = new webApi.WebClient(env.slackBotToken, {
    ...interactiveClientOptions(env.slackApiUrl),
    fetch,
    logger: webLogger,
  });
  const notifyClient = new webApi.WebClient(env.slackBotToken, {
    slackApiUrl: env.slackApiUrl,
    fetch,
    logger: webLogger,
    // Bounded: a confirmation held up by Slack is retried by its job rather than waited on for ever.
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 20_000, randomize: true },
    timeout: 15_000,
  });
  notifyClient.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) =>
    withoutLogFields(() => logger.warn({ retryAfterSeconds: seconds }, 'Slack rate limit')),
  );

  const slackNotifier = new SlackNotifier({
    client: notifyClient,
    redis,
    keyPrefix,
    load: async (id) => engine?.service.get(id),
    companyChannel: (name) => directory.get(name)?.channel,
    logger,
    retentionSeconds: Math.round(config.engine.retentionDays * 86_400),
  });
  const policy = instrumentPolicy(
    new AccessPolicy({
      access: config.access,
      lookupUser: slackUserLookup(lookupClient),
      ...(config.access.verifyWithIps ? { membersOf: cachedMembersOf(ips, redis, keyPrefix) } : {}),
    }),
    metrics,
  );
  engine = createPurgeEngine({
    redisUrl: env.redisUrl,
    redisCluster: env.redisCluster,
    prefix: env.redisPrefix,
    ips,
    notifier: instrumentNotifier(slackNotifier, metrics),
    authorizer: {
      mayPurge: async (user, companyName) => {
        const d = await policy.decide(user, directory.get(companyName));
        return d.allowed ? { allowed: true } : { allowed: false, reason: d.reason, message: d.message };
      },
    },
    config,
    logger,
    worker: {
      lockDurationMs: config.engine.lockDurationMs,
      stalledIntervalMs: config.engine.stalledIntervalMs,
      ...options.engine?.worker,
    },
    tuning: {
      claimLeaseMs: config.engine.claimLeaseMs,
      sweepIntervalMs: config.engine.recoverySweepMs,
      ...options.engine?.tuning,
    },
  });

  const deps: SlackDeps = {
    companies: directory,
    policy,
    purges: engine.service,
    notifier: slackNotifier,
    limits: config.limits,
    contexts: new ModalContextCodec(env.slackSigningSecret ?? env.slackBotToken),
    prefills: new PrefillStore(redis, keyPrefix),
    botToken: env.slackBotToken,
    logger,
    ackBudgetMs: options.ackBudgetMs ?? 2200,
  };

  let slackAuth: { ok: boolean; detail?: string } = { ok: false, detail: 'not checked yet' };
  const checks: ReadinessCheck[] = [
    {
      name: 'redis',
      check: async () => ({ ok: (await redis.ping()) === 'PONG' }),
    },
    {
      name: 'ips companies',
      check: async () => {
        const s = directory.status();
        return s.ready
          ? { ok: true, detail: `${s.resolved.length} resolved` }
          : { ok: false, detail: s.missing.map((m) => `${m.name}: ${m.error}`).join('; ') };
      },
    },
    { name: 'slack auth', check: async () => slackAuth },
  ];
  const routes: Route[] = guardRoutes(
    [
      ...healthRoutes({ isShuttingDown }),
      ...readinessRoutes({ isShuttingDown, checks }),
      ...metricsRoutes(metrics.registry),
    ],
    (err, path) => logger.error({ err, path }, 'HTTP route failed'),
  );

  void directory.start().catch((err: unknown) => logger.error({ err }, 'company resolution failed'));
  await engine.startWorkers();
  const slack = createSlackApp({ env, routes, logger, fetch }, deps);
  const port = await slack.start();
  // Slack may be unreachable at start-up; keep asking so /readyz turns green when it answers.
  let authTimer: NodeJS.Timeout | undefined;
  const checkSlackAuth = async (delayMs: number): Promise<void> => {
    try {
      const res = await lookupClient.auth.test();
      slackAuth = { ok: true, detail: `${res.team ?? ''} as ${res.user ?? ''}`.trim() };
    } catch (err) {
      slackAuth = { ok: false, detail: (err as { data?: { error?: string } }).data?.error ?? String(err) };
      logger.error({ err: slackAuth.detail }, 'Slack auth.test failed; will retry');
      if (shuttingDown) return;
      authTimer = setTimeout(() => void checkSlackAuth(Math.min(delayMs * 2, 60_000)), delayMs);
      authTimer.unref();
    }
  };
  void checkSlackAuth(1000);

  let stopping: Promise<void> | undefined;
  return {
    port,
    mode: slack.mode,
    isShuttingDown,
    engine,
    directory,
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        await slack
          .stop()
          .catch((err: unknown) => logger.warn({ err }, 'Slack receiver did not stop cleanly'));
        directory.stop();
        await engine.close(config.engine.shutdownDeadlineMs);
        // A call the forced engine close left running would hold the pool open until its timeout.
        await within(ipsClient.close(), 2000);
        await redis.quit().catch(() => redis.disconnect());
      })();
      return stopping;
    },
  };
}
