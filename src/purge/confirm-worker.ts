import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Logger } from '../log.js';
import { auditOutcome } from './audit.js';
import type { PurgeJobData } from './jobs.js';
import { isFinal, type PurgeRecord, toView } from './model.js';
import type { Notifier } from './ports.js';
import type { PurgeStore } from './store.js';
import { bullJobControl, type JobControl } from './submit-worker.js';

export interface ConfirmDeps {
  store: PurgeStore;
  notifier: Notifier;
  logger: Logger;
  /**
   * How long a notice claim lasts unless renewed. A sending worker renews it every third of this, so
   * a slow send keeps it; a worker that dies mid-send blocks the others this long at most.
   */
  claimLeaseMs: number;
}

/** done when every URL went out, partial when IPS rejected or a batch failed. */
export function finalStatus(rec: PurgeRecord): 'done' | 'partial' {
  const clean = rec.rejected.length === 0 && rec.batches.every((b) => b.status === 'submitted');
  return clean ? 'done' : 'partial';
}

/**
 * At dueAt: settles the final status, writes the outcome's audit line, and sends `confirmed` (or
 * `failed`) exactly once. The claim
 * (SET NX PX) keeps two workers from sending at the same time; the permanent "sent" mark keeps
 * retries and later runs from sending again. A send that throws releases the claim and fails the
 * job, so BullMQ retries it with backoff.
 */
export class ConfirmProcessor {
  constructor(private readonly deps: ConfirmDeps) {}

  readonly process = async (job: Job<PurgeJobData>, token?: string): Promise<void> => {
    await this.run(job.data.purgeId, bullJobControl(job, token));
  };

  async run(purgeId: string, control: JobControl): Promise<void> {
    const { store, logger } = this.deps;
    let p = await store.load(purgeId);
    if (!p || p.notifiedAt !== undefined) return;
    if (p.record.status === 'clearing') {
      const due = p.record.dueAt ?? 0;
      if (Date.now() < due) await control.delayUntil(due);
      const settled = await store.mutate(
        purgeId,
        (cur) =>
          cur.record.status === 'clearing'
            ? { record: { ...cur.record, status: finalStatus(cur.record), finishedAt: Date.now() } }
            : undefined,
        p,
      );
      if (!settled) return;
      p = settled.purge;
    }
    if (!isFinal(p.record.status)) {
      // Submission is not finished; the submit job (or the recovery sweep) enqueues us again.
      logger.warn({ purgeId, status: p.record.status }, 'confirm job ran before the purge was resolved');
      return;
    }
    if (p.auditedAt === undefined) {
      // Before the send and whatever Slack does with it. At least once: a crash right after the
      // line repeats it on the retry, whereas marking first could lose it.
      auditOutcome(logger, p.record);
      await store.markAudited(purgeId, Date.now());
    }
    const claimToken = randomUUID();
    const claim = await store.claimNotice(purgeId, claimToken, this.deps.claimLeaseMs);
    if (claim.kind === 'sent') return;
    if (claim.kind === 'busy') {
      // Someone is sending (or died sending): look again when their lease ends.
      await control.delayUntil(Date.now() + claim.retryInMs + 25);
    }
    const view = toView(p.record, p.urls, p.skipped);
    const renewal = this.keepClaim(purgeId, claimToken);
    try {
      if (view.status === 'failed') await this.deps.notifier.failed(view);
      else await this.deps.notifier.confirmed(view);
    } catch (err) {
      clearInterval(renewal);
      await store.releaseNotice(purgeId, claimToken).catch((releaseErr: unknown) => {
        logger.warn(
          { purgeId, err: releaseErr },
          'could not release the notice claim; it expires on its own',
        );
      });
      logger.warn({ purgeId, err }, 'final notification failed; will retry');
      throw err instanceof Error ? err : new Error(String(err));
    }
    clearInterval(renewal);
    await store.markNoticeSent(purgeId, claimToken, Date.now());
    logger.info(
      { purgeId, status: view.status, lagMs: Date.now() - (view.dueAt ?? Date.now()) },
      'purge notified',
    );
  }

  /**
   * Renews the claim while Slack is being waited on (a rate limit can hold one send for minutes). If
   * the claim is no longer ours the lease had lapsed, which only the log can report: the send in
   * progress cannot be taken back.
   */
  private keepClaim(purgeId: string, token: string): NodeJS.Timeout {
    const { store, logger, claimLeaseMs } = this.deps;
    const timer = setInterval(
      () => {
        store.renewNotice(purgeId, token, claimLeaseMs).then(
          (ours) => {
            if (!ours) logger.warn({ purgeId }, 'the notice claim lapsed while sending');
          },
          (err: unknown) => logger.warn({ purgeId, err }, 'could not renew the notice claim'),
        );
      },
      Math.max(50, Math.floor(claimLeaseMs / 3)),
    );
    timer.unref();
    return timer;
  }
}
