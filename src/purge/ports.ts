import type { PurgeView } from './model.js';

/** How the engine tells the outside (Slack, a CLI…) what happened to a purge. */
export interface Notifier {
  /** queued (with nextAttemptAt when waiting), submitting, clearing. At least once; must be idempotent. */
  progress(purge: PurgeView): Promise<void>;
  /** done or partial. Exactly once, never before dueAt. Throwing makes the engine retry later. */
  confirmed(purge: PurgeView): Promise<void>;
  /** failed. Exactly once. Throwing makes the engine retry later. */
  failed(purge: PurgeView): Promise<void>;
}

export type PurgeGrant = { allowed: true } | { allowed: false; reason: string; message: string };

/**
 * Who may purge which company. The service asks it for every purge it accepts, whatever a front end
 * checked before (a modal opened minutes ago proves nothing about now).
 */
export interface PurgeAuthorizer {
  mayPurge(requester: string, companyName: string): Promise<PurgeGrant>;
}
