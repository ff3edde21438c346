import { DelayedError, type Job } from 'bullmq';
import type { EngineConfig, Limits } from '../config/types.js';
import { IpsFault, IpsRequestError, IpsTransportError } from '../ips/errors.js';
import type { CdnInvalidation, IpsGateway } from '../ips/types.js';
import type { Logger } from '../log.js';
import { backoffDelay } from './backoff.js';
import { type Range, replaceBatch, splitCallBudget, splitRanges } from './batching.js';
import type { JobScheduler, PurgeJobData } from './jobs.js';
import type { PurgeKeys } from './keys.js';
import { type Batch, isFinal, type PurgeErrorInfo, type PurgeRecord } from './model.js';
import type { Notifier } from './ports.js';
import { ProgressNotes } from './progress-notes.js';
import type { Mutation, PurgeStore, StoredPurge } from './store.js';
import type { BucketDecision, TokenBucket } from './token-bucket.js';

/** IPS answers a cdnCacheInvalidation with this code when a URL of the batch is not acceptable. */
export const INVALID_PARAMETER = 30001;

/** A job that runs this much before a batch's retry time is put back to sleep. */
const EARLY_TOLERANCE_MS = 20;

/** How a processor asks its job to run again later without spending an attempt. */
export interface JobControl {
  delayUntil(timestamp: number): Promise<never>;
}

/** BullMQ's way: move the active job back to delayed, then tell the worker it was not a failure. */
export function bullJobControl(job: Job, token: string | undefined): JobControl {
  return {
    async delayUntil(timestamp: number): Promise<never> {
      await job.moveToDelayed(Math.max(timestamp, Date.now()), token);
      throw new DelayedError();
    },
  };
}

export interface SubmitDeps {
  store: PurgeStore;
  keys: PurgeKeys;
  bucket: TokenBucket;
  ips: IpsGateway;
  notifier: Notifier;
  jobs: JobScheduler;
  limits: Pick<Limits, 'urlsPerCall'>;
  engine: Pick<EngineConfig, 'attempts' | 'backoffMs' | 'confirmGraceMs'>;
  logger: Logger;
  random?: () => number;
}

type Outcome =
  | { kind: 'submitted'; result: CdnInvalidation; at: number }
  | { kind: 'fault'; fault: IpsFault }
  | { kind: 'retryable'; error: PurgeErrorInfo }
  | { kind: 'final'; error: PurgeErrorInfo };

function classify(err: unknown): Outcome {
  if (err instanceof IpsFault) return { kind: 'fault', fault: err };
  if (err instanceof IpsTransportError) {
    const error: PurgeErrorInfo = { kind: 'transport', code: err.code, reason: err.message };
    return err.retryable ? { kind: 'retryable', error } : { kind: 'final', error };
  }
  if (err instanceof IpsRequestError)
    return { kind: 'final', error: { kind: 'request', code: err.code, reason: err.message } };
  // Unknown errors (a bug, a dependency surprise) are retried like network errors, so a purge
  // still ends, failed, after the configured attempts instead of looping.
  const reason = err instanceof Error ? err.message : String(err);
  return { kind: 'retryable', error: { kind: 'internal', code: 'UNEXPECTED', reason } };
}

function faultInfo(f: IpsFault): PurgeErrorInfo {
  return { kind: f.kind, code: f.code, codeName: f.codeName, reason: f.reason };
}

function sameRange(b: Batch, r: Range): boolean {
  return b.from === r.from && b.to === r.to;
}

function withoutRetry(b: Batch): Batch {
  const { retryAt: _retryAt, ...rest } = b;
  return rest;
}

function withoutNextAttempt(r: PurgeRecord): PurgeRecord {
  const { nextAttemptAt: _next, ...rest } = r;
  return rest;
}

function failBatch(b: Batch, error: PurgeErrorInfo, attempts = b.attempts): Batch {
  return { ...withoutRetry(b), status: 'failed', attempts, error };
}

/**
 * Sends a purge's pending batches in order. Safe to run twice: every decision is taken from the
 * state in Redis, a submitted batch is never sent again, and every write is a compare-and-set.
 */
export class SubmitProcessor {
  private readonly random: () => number;
  private readonly notes: ProgressNotes;

  constructor(private readonly deps: SubmitDeps) {
    this.random = deps.random ?? Math.random;
    this.notes = new ProgressNotes(deps.notifier, deps.logger);
  }

  /** Resolves once no progress note is in flight (shutdown waits for this, within its deadline). */
  settled(): Promise<void> {
    return this.notes.settled();
  }

  /** The BullMQ processor function. */
  readonly process = async (job: Job<PurgeJobData>, token?: string): Promise<void> => {
    await this.run(job.data.purgeId, bullJobControl(job, token), job.data.companyHandle);
  };

  /**
   * `companyHandle`, when the job carries it, lets the first token be taken while the purge loads
   * (in the rare run that then has nothing to send, that token is simply not used).
   */
  async run(purgeId: string, control: JobControl, companyHandle?: string): Promise<void> {
    const { store, logger } = this.deps;
    let early: Promise<BucketDecision> | undefined;
    if (companyHandle !== undefined) {
      early = this.deps.bucket.take(this.deps.keys.bucket(companyHandle));
      // Observed here so a failed load cannot leave it unhandled.
      early.catch(() => undefined);
    }
    let p = await store.load(purgeId);
    if (!p) {
      logger.warn({ purgeId }, 'submit job for a purge that does not exist');
      return;
    }
    // True while `p` is what we last wrote ourselves; anything else is re-read before the next
    // call, so a batch another delivery of this job recorded is never sent again.
    let fresh = true;
    for (;;) {
      if (!fresh) {
        p = await store.load(purgeId);
        if (!p) return;
      }
      fresh = false;
      const rec: PurgeRecord = p.record;
      if (rec.status === 'clearing' || isFinal(rec.status)) {
        await this.afterResolved(p);
        return;
      }
      const batch = rec.batches.find((b) => b.status === 'pending');
      if (!batch) {
        const resolved = await store.mutate(purgeId, (cur) => this.resolve(cur), p);
        if (!resolved) return;
        await this.afterResolved(resolved.purge);
        return;
      }
      if (batch.retryAt !== undefined && batch.retryAt > Date.now() + EARLY_TOLERANCE_MS) {
        await control.delayUntil(batch.retryAt);
      }
      const decision =
        early && companyHandle === rec.company.handle
          ? await early
          : await this.deps.bucket.take(this.deps.keys.bucket(rec.company.handle));
      early = undefined;
      if (!decision.allowed) {
        const waiting = await store.mutate(
          purgeId,
          (cur) => ({ record: { ...cur.record, nextAttemptAt: decision.retryAt } }),
          p,
        );
        if (waiting) this.progress(waiting.purge);
        logger.debug({ purgeId, retryAt: decision.retryAt }, 'rate limited');
        await control.delayUntil(decision.retryAt);
      }
      if (rec.status === 'queued') {
        // Announced before the call; stored together with the call's outcome (one write less).
        this.progress({ ...p, record: { ...withoutNextAttempt(rec), status: 'submitting' } });
      }
      const range: Range = { from: batch.from, to: batch.to };
      const outcome = await this.send(rec.company.handle, p.urls.slice(range.from, range.to));
      // From here until the outcome is stored nothing else is awaited: a crash in between would
      // lose the invalidation handle and send the batch again.
      this.log(rec, range, outcome);
      const planned = this.applyAndResolve(p, range, outcome);
      const resolves = planned !== undefined && planned.record.status !== 'submitting';
      // The write is issued first and the confirm job right behind it on the same connection, so
      // Redis applies them in that order and the job never sees the purge unresolved (one round
      // trip less). Should the write lose a race, the confirm worker's own checks cover it.
      const writing = store.mutate(
        purgeId,
        (cur) => (cur === p ? planned : this.applyAndResolve(cur, range, outcome)),
        p,
      );
      const scheduling = resolves ? this.schedule(planned.record) : undefined;
      const [after] = await Promise.all([writing, scheduling]);
      if (!after) return;
      p = after.purge;
      fresh = after.written;
      if (fresh && resolves) {
        if (p.record.status === 'clearing') this.progress(p);
        return;
      }
      const retried = p.record.batches.find((b) => sameRange(b, range) && b.status === 'pending');
      if (outcome.kind === 'retryable' && retried?.retryAt !== undefined) {
        this.progress(p);
        await control.delayUntil(retried.retryAt);
      }
    }
  }

  /** The outcome, the move to `submitting`, and, after the last batch, the resolution: one write. */
  private applyAndResolve(cur: StoredPurge, range: Range, outcome: Outcome): Mutation | undefined {
    const m = this.apply(cur, range, outcome);
    if (!m) return undefined;
    const record: PurgeRecord =
      m.record.status === 'queued' ? { ...m.record, status: 'submitting' } : m.record;
    const resolved = this.resolve({ ...cur, record });
    return { ...m, record: resolved ? resolved.record : record };
  }

  private async send(handle: string, urls: string[]): Promise<Outcome> {
    try {
      const result = await this.deps.ips.cdnCacheInvalidation(handle, urls);
      return { kind: 'submitted', result, at: Date.now() };
    } catch (err) {
      return classify(err);
    }
  }

  /** The state change for one call's outcome, or undefined if the batch was resolved meanwhile. */
  private apply(cur: StoredPurge, range: Range, outcome: Outcome): Mutation | undefined {
    const rec = cur.record;
    const batch = rec.batches.find((b) => sameRange(b, range) && b.status === 'pending');
    if (!batch) return undefined;
    const attempts = batch.attempts + 1;
    const replace = (next: Batch): Batch[] => rec.batches.map((b) => (b === batch ? next : b));
    switch (outcome.kind) {
      case 'submitted': {
        const { error: _error, retryAt: _retryAt, ...clean } = batch;
        const submitted: Batch = {
          ...clean,
          status: 'submitted',
          attempts,
          handle: outcome.result.invalidationHandle,
          estimatedSeconds: outcome.result.estimatedSeconds,
          submittedAt: outcome.at,
        };
        return {
          record: { ...withoutNextAttempt(rec), batches: replace(submitted) },
          submittedRanges: [range],
        };
      }
      case 'fault': {
        const { fault } = outcome;
        const error = faultInfo(fault);
        if (fault.kind === 'authentication' || fault.kind === 'authorization') {
          // The same credentials would fail every remaining batch too: fail them now.
          const batches = rec.batches.map((b) =>
            b === batch ? failBatch(b, error, attempts) : b.status === 'pending' ? failBatch(b, error) : b,
          );
          return { record: { ...withoutNextAttempt(rec), batches } };
        }
        if (fault.kind === 'ipsApi' && fault.code === INVALID_PARAMETER) {
          if (batch.to - batch.from > 1) {
            // Every part costs a call, so the calls spent finding bad URLs in one planned batch
            // are capped; past the cap the rest of it fails with the fault, like any batch.
            const root = batch.root ?? batch.from;
            const left = rec.splitBudget?.[root] ?? splitCallBudget(batch.to - batch.from);
            const parts = splitRanges(range, cur.urls, fault.reason);
            if (parts.length > left) {
              return {
                record: { ...withoutNextAttempt(rec), batches: replace(failBatch(batch, error, attempts)) },
              };
            }
            return {
              record: {
                ...withoutNextAttempt(rec),
                batches: replaceBatch(rec.batches, range, parts, root),
                splitBudget: { ...rec.splitBudget, [root]: left - parts.length },
              },
            };
          }
          const url = cur.urls[batch.from] ?? '';
          return {
            record: {
              ...withoutNextAttempt(rec),
              batches: replaceBatch(rec.batches, range, []),
              rejected: [
                ...rec.rejected,
                { url, code: fault.code, codeName: fault.codeName, reason: fault.reason },
              ],
            },
          };
        }
        return {
          record: { ...withoutNextAttempt(rec), batches: replace(failBatch(batch, error, attempts)) },
        };
      }
      case 'retryable': {
        if (attempts >= this.deps.engine.attempts) {
          return {
            record: {
              ...withoutNextAttempt(rec),
              batches: replace(failBatch(batch, outcome.error, attempts)),
            },
          };
        }
        const retryAt = Date.now() + backoffDelay(attempts, this.deps.engine.backoffMs, this.random);
        const pending: Batch = { ...batch, attempts, retryAt, error: outcome.error };
        return { record: { ...rec, nextAttemptAt: retryAt, batches: replace(pending) } };
      }
      case 'final':
        return {
          record: { ...withoutNextAttempt(rec), batches: replace(failBatch(batch, outcome.error, attempts)) },
        };
    }
  }

  /** Every batch resolved: clearing until the CDN is done, or failed when nothing went out. */
  private resolve(cur: StoredPurge): Mutation | undefined {
    const rec = cur.record;
    if (rec.status === 'clearing' || isFinal(rec.status)) return undefined;
    if (rec.batches.some((b) => b.status === 'pending')) return undefined;
    const submitted = rec.batches.filter((b) => b.status === 'submitted');
    const base = withoutNextAttempt(rec);
    if (submitted.length > 0) {
      let due = 0;
      for (const b of submitted) {
        due = Math.max(due, (b.submittedAt ?? 0) + (b.estimatedSeconds ?? 0) * 1000);
      }
      return { record: { ...base, status: 'clearing', dueAt: due + this.deps.engine.confirmGraceMs } };
    }
    const firstRejected = rec.rejected[0];
    const error: PurgeErrorInfo | undefined =
      rec.batches.find((b) => b.error)?.error ??
      (firstRejected
        ? {
            kind: 'ipsApi',
            code: firstRejected.code,
            codeName: firstRejected.codeName,
            reason: firstRejected.reason,
          }
        : undefined);
    const failed: PurgeRecord = { ...base, status: 'failed', finishedAt: Date.now() };
    if (error) failed.error = error;
    return { record: failed };
  }

  private async afterResolved(p: StoredPurge): Promise<void> {
    const rec = p.record;
    if (rec.status === 'clearing') {
      // The note may land after the confirmation; the notifier shows the freshest state anyway.
      this.progress(p);
      await this.schedule(rec);
    } else if (isFinal(rec.status) && p.notifiedAt === undefined) {
      await this.schedule(rec);
    }
  }

  /** The confirm job: at dueAt for a purge clearing, at once for one that failed. */
  private async schedule(rec: PurgeRecord): Promise<void> {
    const runAt = rec.status === 'clearing' ? (rec.dueAt ?? Date.now()) : Date.now();
    await this.deps.jobs.enqueueConfirm(rec.id, runAt);
  }

  /** Never awaited: a slow or stalled chat service must not hold up the purge itself. */
  private progress(p: StoredPurge): void {
    this.notes.send(p);
  }

  private log(rec: PurgeRecord, range: Range, outcome: Outcome): void {
    const size = range.to - range.from;
    const { logger } = this.deps;
    const purgeId = rec.id;
    if (outcome.kind === 'submitted') {
      logger.info(
        {
          audit: 'purge.submitted',
          purgeId,
          user: rec.requester,
          company: rec.company.name,
          urls: size,
          handle: outcome.result.invalidationHandle,
          est: outcome.result.estimatedSeconds,
        },
        'batch submitted',
      );
    } else if (outcome.kind === 'fault') {
      logger.warn(
        { purgeId, urls: size, code: outcome.fault.code, kind: outcome.fault.kind },
        'batch refused by IPS',
      );
    } else {
      logger.warn(
        { purgeId, urls: size, code: outcome.error.code, retryable: outcome.kind === 'retryable' },
        'batch error',
      );
    }
  }
}
