import type { Queue } from 'bullmq';
import type { Logger } from '../log.js';
import { confirmJobId, submitJobId } from './ids.js';
import type { JobScheduler, PurgeJobData } from './jobs.js';
import type { ActiveCursor, PurgeStore } from './store.js';

export interface RecoveryDeps {
  store: PurgeStore;
  jobs: JobScheduler;
  submitQueue: Queue<PurgeJobData>;
  confirmQueue: Queue<PurgeJobData>;
  logger: Logger;
  /** Purges younger than this are left alone (their accept() may still be adding the job). */
  minAgeMs: number;
  /** Purges read per page; a run pages through the whole outbox. */
  batchSize: number;
}

/** BullMQ states in which the job will still run by itself. */
const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused']);

/**
 * The outbox sweep: every purge in `active` (accepted, final notice not yet sent) must have the
 * job that moves it on. A purge recorded whose job is missing (crash between the write and
 * `queue.add`), whose job failed for good, or was removed, gets it again. Adding a job id that
 * exists is a no-op, so replicas may sweep at the same time.
 */
export class RecoverySweep {
  private running: Promise<number> | undefined;

  constructor(private readonly deps: RecoveryDeps) {}

  /** One pass; concurrent calls share the pass in progress. Returns how many jobs were re-added. */
  runOnce(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Resolves when no pass is running (for shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => 0);
  }

  private async pass(): Promise<number> {
    const beforeMs = Date.now() - this.deps.minAgeMs;
    let readded = 0;
    let after: ActiveCursor | undefined;
    do {
      const page = await this.deps.store.activePage(beforeMs, this.deps.batchSize, after);
      for (const id of page.ids) {
        if (await this.check(id)) readded++;
      }
      after = page.next;
    } while (after);
    return readded;
  }

  /** Makes sure one purge of the outbox has its job; true when the job had to be added again. */
  private async check(id: string): Promise<boolean> {
    const { store, logger } = this.deps;
    // The record is all the sweep needs: its URL lists are not read.
    const p = await store.loadRecord(id);
    if (!p || p.notifiedAt !== undefined) {
      await store.removeActive(id);
      return false;
    }
    const status = p.record.status;
    const submitting = status === 'queued' || status === 'submitting';
    const queue = submitting ? this.deps.submitQueue : this.deps.confirmQueue;
    const jobId = submitting ? submitJobId(id) : confirmJobId(id);
    const state = await queue.getJobState(jobId);
    if (LIVE_STATES.has(state)) return false;
    if (state !== 'unknown') await queue.remove(jobId);
    if (submitting) await this.deps.jobs.enqueueSubmit(id, p.record.company.handle);
    else await this.deps.jobs.enqueueConfirm(id, p.record.dueAt ?? Date.now());
    logger.warn({ purgeId: id, status, jobState: state }, 'recovery sweep re-added a job');
    return true;
  }
}
