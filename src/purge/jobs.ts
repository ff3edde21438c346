import type { JobsOptions, Queue } from 'bullmq';
import { confirmJobId, submitJobId } from './ids.js';

export const SUBMIT_QUEUE = 'submit';
export const CONFIRM_QUEUE = 'confirm';

/** The only thing a job carries: the purge lives in Redis, secrets never travel in job data. */
export interface PurgeJobData {
  purgeId: string;
  /** Lets the submit worker take its rate-limit token while it loads the purge (one round trip less). */
  companyHandle?: string;
}

/** Enqueueing the engine's two jobs. Adding an id that exists is a no-op (BullMQ custom jobId). */
export interface JobScheduler {
  enqueueSubmit(purgeId: string, companyHandle?: string): Promise<void>;
  /** A confirm job that runs at `runAt` (epoch ms; now or earlier means at once). */
  enqueueConfirm(purgeId: string, runAt: number): Promise<void>;
}

export interface JobRetryOptions {
  /** BullMQ attempts for unexpected errors in the submit job (IPS retries are counted per batch instead). */
  submitAttempts: number;
  /** BullMQ attempts for the confirm job (a notifier that throws is retried this often). */
  confirmAttempts: number;
  /** First BullMQ retry delay; doubles per attempt. */
  retryBackoffMs: number;
}

export const DEFAULT_JOB_RETRY: JobRetryOptions = {
  submitAttempts: 8,
  confirmAttempts: 10,
  retryBackoffMs: 1000,
};

function baseOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: true,
    // Failed jobs stay a while for inspection; the recovery sweep replaces them.
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  };
}

export class BullJobScheduler implements JobScheduler {
  constructor(
    private readonly submitQueue: Queue<PurgeJobData>,
    private readonly confirmQueue: Queue<PurgeJobData>,
    private readonly retry: JobRetryOptions = DEFAULT_JOB_RETRY,
  ) {}

  async enqueueSubmit(purgeId: string, companyHandle?: string): Promise<void> {
    await this.submitQueue.add(
      'submit',
      companyHandle === undefined ? { purgeId } : { purgeId, companyHandle },
      { ...baseOptions(this.retry.submitAttempts, this.retry.retryBackoffMs), jobId: submitJobId(purgeId) },
    );
  }

  async enqueueConfirm(purgeId: string, runAt: number): Promise<void> {
    const delay = Math.max(0, runAt - Date.now());
    await this.confirmQueue.add(
      'confirm',
      { purgeId },
      {
        ...baseOptions(this.retry.confirmAttempts, this.retry.retryBackoffMs),
        jobId: confirmJobId(purgeId),
        delay,
      },
    );
  }
}
