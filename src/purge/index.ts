/** The purge engine's public surface. */
export { createPurgeEngine, type EngineDeps, type EngineTuning, type PurgeEngine } from './engine.js';
export {
  PurgeDataError,
  PurgeIdExhaustedError,
  PurgeInputError,
  type PurgeInputErrorCode,
} from './errors.js';
export { isPurgeId } from './ids.js';
export type {
  BatchStatus,
  BatchView,
  CompanyRef,
  FailedUrls,
  PurgeCounts,
  PurgeErrorInfo,
  PurgeErrorKind,
  PurgeOrigin,
  PurgeStatus,
  PurgeView,
  RejectedUrl,
} from './model.js';
export type { Notifier } from './ports.js';
export type { AcceptRequest, AcceptResult, PurgeService } from './service.js';
