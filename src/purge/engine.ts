import { Queue, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import type { PurgeConfig } from '../config/types.js';
import type { IpsGateway } from '../ips/types.js';
import type { Logger } from '../log.js';
import { closeRedis, createRedisClient, type RedisClient } from '../redis.js';
import { ConfirmProcessor } from './confirm-worker.js';
import {
  BullJobScheduler,
  CONFIRM_QUEUE,
  DEFAULT_JOB_RETRY,
  type JobRetryOptions,
  type PurgeJobData,
  SUBMIT_QUEUE,
} from './jobs.js';
import { purgeKeys } from './keys.js';
import type { Notifier, PurgeAuthorizer } from './ports.js';
import { RecoverySweep } from './recovery.js';
import { PurgeService } from './service.js';
import { PurgeStore } from './store.js';
import { SubmitProcessor } from './submit-worker.js';
import { TokenBucket } from './token-bucket.js';
import { UrlCache } from './url-cache.js';

/** Knobs with production defaults; tests shorten the timings. */
export interface EngineTuning {
  /** Length of the rate-limit window for `callsPerMinutePerCompany` (default 60 000). */
  rateWindowMs?: number;
  /** Lease of the final-notice claim (default 60 000). */
  claimLeaseMs?: number;
  /** How often the recovery sweep runs (default 30 000). */
  sweepIntervalMs?: number;
  /** Purges younger than this are not swept (default 10 000). */
  sweepMinAgeMs?: number;
  /** Entries kept per user/company index (default 100). */
  indexLimit?: number;
  /** BullMQ attempts/backoff for unexpected errors and failing notifiers. */
  jobRetry?: Partial<JobRetryOptions>;
  /** Random source for backoff jitter. */
  random?: () => number;
}

export interface EngineDeps {
  redisUrl: string;
  /** `redisUrl` is a seed node of a Redis Cluster. */
  redisCluster?: boolean;
  prefix: string;
  ips: IpsGateway;
  notifier: Notifier;
  /** Asked for every purge the service accepts. */
  authorizer: PurgeAuthorizer;
  config: Pick<PurgeConfig, 'limits' | 'engine'>;
  logger: Logger;
  worker?: { lockDurationMs?: number; stalledIntervalMs?: number; concurrency?: number };
  tuning?: EngineTuning;
}

export interface PurgeEngine {
  service: PurgeService;
  startWorkers(): Promise<void>;
  close(deadlineMs?: number): Promise<void>;
  queueCounts(): Promise<Record<string, number>>;
  /** The non-blocking connection, for health checks. */
  redis: RedisClient;
}

const COUNTED_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

function attachErrorLog(
  emitter: { on(event: 'error', fn: (err: Error) => void): unknown },
  logger: Logger,
  what: string,
) {
  emitter.on('error', (err: Error) => logger.error({ err, what }, 'redis/queue error'));
}

/** True when `work` settled within `ms`. */
async function settledWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createPurgeEngine(deps: EngineDeps): PurgeEngine {
  const { config, logger } = deps;
  const tuning = deps.tuning ?? {};
  const keys = purgeKeys(deps.prefix);
  const jobRetry: JobRetryOptions = { ...DEFAULT_JOB_RETRY, ...tuning.jobRetry };
  const storeOptions = {
    retentionSeconds: Math.max(1, Math.round(config.engine.retentionDays * 86_400)),
    indexLimit: tuning.indexLimit ?? 100,
    recentWindowMs: Math.max(0, config.limits.dedupeSeconds * 1000),
  };
  const common: RedisOptions = { connectionName: `${deps.prefix}-engine` };

  // Producers fail fast: a request handler should answer "try again" rather than hang.
  const target = { url: deps.redisUrl, cluster: deps.redisCluster ?? false };
  const redis = createRedisClient(target, { ...common, maxRetriesPerRequest: 1 });
  attachErrorLog(redis, logger, 'redis');
  const openQueues = (connection: RedisClient, owner: string) => {
    const make = (name: string) => {
      const q = new Queue<PurgeJobData>(name, {
        connection,
        prefix: keys.tag,
        streams: { events: { maxLen: 1000 } },
      });
      attachErrorLog(q, logger, `${name} queue (${owner})`);
      return q;
    };
    return { submit: make(SUBMIT_QUEUE), confirm: make(CONFIRM_QUEUE) };
  };
  const { submit: submitQueue, confirm: confirmQueue } = openQueues(redis, 'producer');
  const urlCache = new UrlCache();
  const store = new PurgeStore(redis, keys, storeOptions, urlCache);
  const jobs = new BullJobScheduler(submitQueue, confirmQueue, jobRetry);
  const service = new PurgeService({
    store,
    jobs,
    authorizer: deps.authorizer,
    limits: config.limits,
    logger,
  });

  let running:
    | {
        workerRedis: RedisClient;
        workers: Worker<PurgeJobData>[];
        queues: Queue<PurgeJobData>[];
        timer: NodeJS.Timeout;
        sweep: RecoverySweep;
        submit: SubmitProcessor;
      }
    | undefined;
  let closed = false;

  async function startWorkers(): Promise<void> {
    if (running || closed) return;
    // Workers wait through Redis outages instead of failing jobs (BullMQ requires this).
    const workerRedis = createRedisClient(target, { ...common, maxRetriesPerRequest: null });
    attachErrorLog(workerRedis, logger, 'worker redis');
    const wStore = new PurgeStore(workerRedis, keys, storeOptions, urlCache);
    const { submit: wSubmitQueue, confirm: wConfirmQueue } = openQueues(workerRedis, 'worker');
    const wJobs = new BullJobScheduler(wSubmitQueue, wConfirmQueue, jobRetry);
    const bucket = new TokenBucket(workerRedis, {
      capacity: config.limits.callsPerMinutePerCompany,
      windowMs: tuning.rateWindowMs ?? 60_000,
    });
    const submit = new SubmitProcessor({
      store: wStore,
      keys,
      bucket,
      ips: deps.ips,
      notifier: deps.notifier,
      jobs: wJobs,
      limits: config.limits,
      engine: config.engine,
      logger,
      ...(tuning.random ? { random: tuning.random } : {}),
    });
    const confirm = new ConfirmProcessor({
      store: wStore,
      notifier: deps.notifier,
      logger,
      claimLeaseMs: tuning.claimLeaseMs ?? 30_000,
    });
    const workerOpts = {
      connection: workerRedis,
      prefix: keys.tag,
      lockDuration: deps.worker?.lockDurationMs ?? 30_000,
      stalledInterval: deps.worker?.stalledIntervalMs ?? 30_000,
      // A stalled job is recovered a few times; past that the recovery sweep takes over.
      maxStalledCount: 3,
      concurrency: deps.worker?.concurrency ?? 8,
    };
    const workers = [
      new Worker<PurgeJobData>(SUBMIT_QUEUE, submit.process, workerOpts),
      new Worker<PurgeJobData>(CONFIRM_QUEUE, confirm.process, {
        ...workerOpts,
        concurrency: Math.max(16, workerOpts.concurrency),
      }),
    ];
    for (const w of workers) {
      attachErrorLog(w, logger, `worker ${w.name}`);
      w.on('failed', (job, err) => {
        logger.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed');
      });
    }
    const sweep = new RecoverySweep({
      store: wStore,
      jobs: wJobs,
      submitQueue: wSubmitQueue,
      confirmQueue: wConfirmQueue,
      logger,
      minAgeMs: tuning.sweepMinAgeMs ?? 10_000,
      batchSize: 500,
    });
    const runSweep = () => {
      sweep.runOnce().catch((err: unknown) => logger.warn({ err }, 'recovery sweep failed'));
    };
    const timer = setInterval(runSweep, tuning.sweepIntervalMs ?? 30_000);
    timer.unref();
    running = { workerRedis, workers, queues: [wSubmitQueue, wConfirmQueue], timer, sweep, submit };
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    await sweep.runOnce().catch((err: unknown) => logger.warn({ err }, 'recovery sweep failed'));
  }

  async function close(deadlineMs = config.engine.shutdownDeadlineMs): Promise<void> {
    if (closed) return;
    closed = true;
    const end = Date.now() + deadlineMs;
    const r = running;
    running = undefined;
    if (r) {
      clearInterval(r.timer);
      // worker.close() waits for running jobs with no timeout of its own, and a later
      // close(true) only joins that wait. So: pause (stop fetching, wait for running jobs) under
      // a timer, then close, forcing it when the deadline passed. A forced close stops renewing
      // the locks, so another replica recovers those jobs as stalled.
      let timeout: NodeJS.Timeout | undefined;
      const drained = Promise.all(r.workers.map((w) => w.pause(false))).then(() => false);
      drained.catch(() => undefined);
      const timedOut = await Promise.race([
        drained,
        new Promise<boolean>((resolve) => {
          timeout = setTimeout(() => resolve(true), deadlineMs);
        }),
      ]).catch(() => true);
      clearTimeout(timeout);
      if (timedOut) {
        logger.warn(
          { deadlineMs },
          'jobs still running at the shutdown deadline; they will be recovered as stalled',
        );
      }
      await Promise.all(r.workers.map((w) => w.close(timedOut).catch(() => undefined)));
      // Progress notes still on their way get what is left of the deadline, not more.
      if (!(await settledWithin(r.submit.settled(), end - Date.now()))) {
        logger.warn({ deadlineMs }, 'progress notes still in flight at the shutdown deadline; dropped');
      }
      await r.sweep.idle();
      await Promise.all(r.queues.map((q) => q.close().catch(() => undefined)));
      await closeRedis(r.workerRedis);
    }
    await Promise.all([submitQueue.close(), confirmQueue.close()].map((p) => p.catch(() => undefined)));
    await closeRedis(redis);
  }

  async function queueCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const q of [submitQueue, confirmQueue]) {
      const counts = await q.getJobCounts(...COUNTED_STATES);
      for (const state of COUNTED_STATES) out[`${q.name}.${state}`] = counts[state] ?? 0;
    }
    return out;
  }

  return { service, startWorkers, close, queueCounts, redis };
}
