import type { Queue } from 'bullmq';
import type { Logger } from '../log.js';
import { confirmJobId, submitJobId } from './ids.js';
import type { JobScheduler, PurgeJobData } from './jobs.js';
import type { PurgeStore } from './store.js';

export interface RecoveryDeps {
  store: PurgeStore;
  jobs: JobScheduler;
  submitQueue: Queue<PurgeJobData>;
  confirmQueue: Queue<PurgeJobData>;
  logger: Logger;
  /** Purges younger than this are left alone (their accept() may still be adding the job). */
  minAgeMs: number;
  /** Purges looked at per run. */
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
    const { store, logger } = this.deps;
    const ids = await store.activeIds(Date.now() - this.deps.minAgeMs, this.deps.batchSize);
    let readded = 0;
    for (const id of ids) {
      const p = await store.load(id);
      if (!p || p.notifiedAt !== undefined) {
        await store.removeActive(id);
        continue;
      }
      const status = p.record.status;
      const submitting = status === 'queued' || status === 'submitting';
      const queue = submitting ? this.deps.submitQueue : this.deps.confirmQueue;
      const jobId = submitting ? submitJobId(id) : confirmJobId(id);
      const state = await queue.getJobState(jobId);
      if (LIVE_STATES.has(state)) continue;
      if (state !== 'unknown') await queue.remove(jobId);
      if (submitting) await this.deps.jobs.enqueueSubmit(id, p.record.company.handle);
      else await this.deps.jobs.enqueueConfirm(id, p.record.dueAt ?? Date.now());
      readded++;
      logger.warn({ purgeId: id, status, jobState: state }, 'recovery sweep re-added a job');
    }
    return readded;
  }
}
