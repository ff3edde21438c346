/**
 * The purge domain model: what is stored (PurgeRecord), and the read-only view the outside sees
 * (PurgeView). URLs are kept apart from the record because they are large and immutable.
 */

export type PurgeStatus = 'queued' | 'submitting' | 'clearing' | 'done' | 'failed' | 'partial';

export const FINAL_STATUSES: ReadonlySet<PurgeStatus> = new Set(['done', 'failed', 'partial']);

export function isFinal(status: PurgeStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export interface CompanyRef {
  name: string;
  handle: string;
  rootId: string;
}

/** Where the request came from. Opaque to the engine; the Slack layer reads it to reply. */
export interface PurgeOrigin {
  kind: 'command' | 'shortcut';
  channel: string;
  threadTs?: string;
  messageTs?: string;
}

export type BatchStatus = 'pending' | 'submitted' | 'failed';

export type PurgeErrorKind =
  | 'authentication'
  | 'authorization'
  | 'ipsApi'
  | 'transport'
  | 'request'
  | 'internal';

export interface PurgeErrorInfo {
  kind: PurgeErrorKind;
  code?: number | string;
  codeName?: string;
  reason: string;
}

/** One IPS call's worth of URLs: the half-open range [from, to) of the purge's URL list. */
export interface Batch {
  /** Position in the purge's batch list (renumbered when a batch is split). */
  index: number;
  from: number;
  to: number;
  status: BatchStatus;
  /** IPS calls made for this batch so far. */
  attempts: number;
  /** Earliest time of the next try after a retryable error (epoch ms). */
  retryAt?: number;
  handle?: string;
  estimatedSeconds?: number;
  /** When IPS answered the call that submitted this batch (epoch ms). */
  submittedAt?: number;
  error?: PurgeErrorInfo;
  /** For a part split off after a 30001 fault: `from` of the batch as first planned. */
  root?: number;
}

export interface RejectedUrl {
  url: string;
  code: number;
  codeName: string;
  reason: string;
}

/** Everything about a purge except its URL lists. Stored as JSON; versioned for compare-and-set. */
export interface PurgeRecord {
  id: string;
  company: CompanyRef;
  requester: string;
  origin: PurgeOrigin;
  status: PurgeStatus;
  urlCount: number;
  skippedCount: number;
  batches: Batch[];
  rejected: RejectedUrl[];
  /** The error that made the purge fail (set with status `failed`). */
  error?: PurgeErrorInfo;
  createdAt: number;
  updatedAt: number;
  nextAttemptAt?: number;
  dueAt?: number;
  finishedAt?: number;
  /**
   * IPS calls still allowed for splitting each planned batch that IPS refused with 30001, keyed
   * by the planned batch's `from`; absent until a first split.
   */
  splitBudget?: Record<string, number>;
}

export interface BatchView {
  readonly index: number;
  readonly urls: readonly string[];
  readonly status: BatchStatus;
  readonly attempts: number;
  readonly handle?: string;
  readonly estimatedSeconds?: number;
  readonly submittedAt?: number;
  readonly error?: Readonly<PurgeErrorInfo>;
}

export interface PurgeCounts {
  /** URLs this purge sends to IPS (recently purged ones excluded). */
  readonly total: number;
  readonly submitted: number;
  readonly pending: number;
  /** URLs whose batch failed (not counting URLs IPS rejected one by one). */
  readonly failed: number;
  readonly rejected: number;
  readonly skippedRecent: number;
  readonly batches: number;
}

export interface FailedUrls {
  readonly urls: readonly string[];
  readonly error: Readonly<PurgeErrorInfo>;
}

/** What the Notifier and the service's callers receive. Never mutated by the engine after hand-off. */
export interface PurgeView {
  readonly id: string;
  readonly company: Readonly<CompanyRef>;
  readonly requester: string;
  readonly origin: Readonly<PurgeOrigin>;
  readonly status: PurgeStatus;
  readonly urls: readonly string[];
  readonly skippedRecent: readonly string[];
  readonly batches: readonly BatchView[];
  /** Invalidation handles of the submitted batches, in order. */
  readonly handles: readonly string[];
  readonly rejected: readonly Readonly<RejectedUrl>[];
  readonly failures: readonly FailedUrls[];
  readonly counts: PurgeCounts;
  readonly error?: Readonly<PurgeErrorInfo>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly nextAttemptAt?: number;
  readonly dueAt?: number;
  readonly finishedAt?: number;
}

/** A purge without its URL lists: enough for a line in a listing, and cheap to read. */
export type PurgeSummary = Pick<
  PurgeView,
  'id' | 'company' | 'requester' | 'status' | 'counts' | 'createdAt' | 'updatedAt'
> &
  Partial<Pick<PurgeView, 'nextAttemptAt' | 'dueAt' | 'finishedAt'>>;

export function toSummary(record: PurgeRecord): PurgeSummary {
  let submitted = 0;
  let pending = 0;
  let failed = 0;
  for (const b of record.batches) {
    const size = b.to - b.from;
    if (b.status === 'submitted') submitted += size;
    else if (b.status === 'pending') pending += size;
    else failed += size;
  }
  const summary: { -readonly [K in keyof PurgeSummary]: PurgeSummary[K] } = {
    id: record.id,
    company: { ...record.company },
    requester: record.requester,
    status: record.status,
    counts: {
      total: record.urlCount,
      submitted,
      pending,
      failed,
      rejected: record.rejected.length,
      skippedRecent: record.skippedCount,
      batches: record.batches.length,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.nextAttemptAt !== undefined) summary.nextAttemptAt = record.nextAttemptAt;
  if (record.dueAt !== undefined) summary.dueAt = record.dueAt;
  if (record.finishedAt !== undefined) summary.finishedAt = record.finishedAt;
  return summary;
}

function batchView(b: Batch, urls: readonly string[]): BatchView {
  const v: {
    -readonly [K in keyof BatchView]: BatchView[K];
  } = { index: b.index, urls: urls.slice(b.from, b.to), status: b.status, attempts: b.attempts };
  if (b.handle !== undefined) v.handle = b.handle;
  if (b.estimatedSeconds !== undefined) v.estimatedSeconds = b.estimatedSeconds;
  if (b.submittedAt !== undefined) v.submittedAt = b.submittedAt;
  if (b.error !== undefined) v.error = { ...b.error };
  return v;
}

export function toView(record: PurgeRecord, urls: readonly string[], skipped: readonly string[]): PurgeView {
  const batches = record.batches.map((b) => batchView(b, urls));
  const handles: string[] = [];
  const failures: FailedUrls[] = [];
  for (const b of batches) {
    if (b.status === 'submitted') {
      if (b.handle !== undefined) handles.push(b.handle);
    } else if (b.status === 'failed' && b.error) {
      failures.push({ urls: b.urls, error: b.error });
    }
  }
  const view: { -readonly [K in keyof PurgeView]: PurgeView[K] } = {
    ...toSummary(record),
    origin: { ...record.origin },
    urls,
    skippedRecent: skipped,
    batches,
    handles,
    rejected: record.rejected.map((r) => ({ ...r })),
    failures,
  };
  if (record.error !== undefined) view.error = { ...record.error };
  return view;
}
