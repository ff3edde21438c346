import { createHash } from 'node:crypto';
import type { Limits } from '../config/types.js';
import type { Logger } from '../log.js';
import { planBatches } from './batching.js';
import { PurgeIdExhaustedError, PurgeInputError } from './errors.js';
import { newPurgeId } from './ids.js';
import type { JobScheduler } from './jobs.js';
import type { CompanyRef, PurgeOrigin, PurgeRecord, PurgeSummary, PurgeView } from './model.js';
import { toSummary, toView } from './model.js';
import type { PurgeAuthorizer } from './ports.js';
import type { PurgeStore, StoredPurge } from './store.js';

export type AcceptResult =
  | { kind: 'accepted'; purge: PurgeView; skippedRecent: string[] }
  | { kind: 'denied'; reason: string; message: string }
  | { kind: 'duplicate'; purge: PurgeView }
  | { kind: 'all-recent'; skippedRecent: string[] };

export interface AcceptRequest {
  company: CompanyRef;
  requester: string;
  origin: PurgeOrigin;
  /** Already validated by the intake; sent to IPS exactly as given. */
  urls: readonly string[];
}

export interface PurgeServiceDeps {
  store: PurgeStore;
  jobs: JobScheduler;
  authorizer: PurgeAuthorizer;
  limits: Pick<Limits, 'maxUrlsPerPurge' | 'urlsPerCall' | 'dedupeSeconds'>;
  logger: Logger;
  newId?: () => string;
}

const MAX_ID_DRAWS = 8;

/** Idempotency key of a request: who, for which company, which set of URLs (order and repeats ignored). */
export function dedupeHash(requester: string, companyHandle: string, urls: readonly string[]): string {
  const sorted = [...new Set(urls)].sort();
  // Length-prefixed parts, so no choice of strings can make two different requests hash alike;
  // one string and one update, because per-URL updates cost more than the hashing itself.
  let text = `${requester.length}:${requester}${companyHandle.length}:${companyHandle}`;
  for (const url of sorted) text += `${url.length}:${url}`;
  const h = createHash('sha256').update(text);
  return h.digest('base64url').slice(0, 32);
}

function checkRequest(req: AcceptRequest, maxUrls: number): string[] {
  if (!req.company?.handle || !req.company.name) {
    throw new PurgeInputError('PURGE_BAD_REQUEST', 'company name and handle are required');
  }
  if (!req.requester) throw new PurgeInputError('PURGE_BAD_REQUEST', 'requester is required');
  const unique = [...new Set(req.urls)];
  if (unique.length === 0) throw new PurgeInputError('PURGE_NO_URLS', 'no URLs to purge');
  if (unique.length > maxUrls) {
    throw new PurgeInputError('PURGE_TOO_MANY_URLS', `${unique.length} URLs exceed the limit of ${maxUrls}`);
  }
  for (const url of unique) {
    // Stored newline-joined; the intake never lets such strings through anyway.
    if (url.length === 0 || url.includes('\n') || url.includes('\r')) {
      throw new PurgeInputError('PURGE_BAD_URL', 'a URL is empty or contains a line break');
    }
  }
  return unique;
}

/** The purge API the chat layer calls: accept requests, look purges up. */
export class PurgeService {
  private readonly newId: () => string;

  constructor(private readonly deps: PurgeServiceDeps) {
    this.newId = deps.newId ?? (() => newPurgeId());
  }

  async accept(req: AcceptRequest): Promise<AcceptResult> {
    const { store, limits, logger } = this.deps;
    const urls = checkRequest(req, limits.maxUrlsPerPurge);
    const grant = await this.deps.authorizer.mayPurge(req.requester, req.company.name);
    if (!grant.allowed) {
      logger.warn(
        { audit: 'purge.denied', user: req.requester, company: req.company.name, reason: grant.reason },
        'purge denied',
      );
      return { kind: 'denied', reason: grant.reason, message: grant.message };
    }
    const windowMs = Math.max(0, limits.dedupeSeconds * 1000);
    const hash = dedupeHash(req.requester, req.company.handle, urls);

    if (windowMs > 0) {
      const existing = await this.duplicateOf(hash);
      if (existing) return { kind: 'duplicate', purge: existing };
    }

    const now = Date.now();
    const recent = await store.recentlySubmitted(req.company.handle, urls, now - windowMs);
    const skipped = recent.size === 0 ? [] : urls.filter((u) => recent.has(u));
    const toSend = recent.size === 0 ? urls : urls.filter((u) => !recent.has(u));
    if (toSend.length === 0) return { kind: 'all-recent', skippedRecent: skipped };

    for (let draw = 0; draw < MAX_ID_DRAWS; draw++) {
      const record: PurgeRecord = {
        id: this.newId(),
        company: { name: req.company.name, handle: req.company.handle, rootId: req.company.rootId },
        requester: req.requester,
        origin: { ...req.origin },
        status: 'queued',
        urlCount: toSend.length,
        skippedCount: skipped.length,
        batches: planBatches(toSend.length, limits.urlsPerCall),
        rejected: [],
        createdAt: now,
        updatedAt: now,
      };
      const created = await store.create({
        record,
        urls: toSend,
        skipped,
        dedupeHash: hash,
        dedupeMs: windowMs,
      });
      if (created.kind === 'collision') continue;
      if (created.kind === 'duplicate') {
        const existing = await store.load(created.id);
        if (existing) return { kind: 'duplicate', purge: this.view(existing) };
        continue;
      }
      try {
        await this.deps.jobs.enqueueSubmit(record.id, record.company.handle);
      } catch (err) {
        // The purge is recorded in the outbox; the recovery sweep adds the job.
        logger.warn({ purgeId: record.id, err }, 'could not enqueue the submit job; recovery will');
      }
      logger.info(
        { purgeId: record.id, company: record.company.name, urls: toSend.length, skipped: skipped.length },
        'purge accepted',
      );
      return { kind: 'accepted', purge: toView(record, toSend, skipped), skippedRecent: skipped };
    }
    throw new PurgeIdExhaustedError(`no free purge id after ${MAX_ID_DRAWS} draws`);
  }

  async get(id: string): Promise<PurgeView | undefined> {
    const p = await this.deps.store.load(id);
    return p ? this.view(p) : undefined;
  }

  /** The user's latest purges, newest first, without their URL lists (a listing needs counts only). */
  async latestForUser(userId: string, limit: number): Promise<PurgeSummary[]> {
    return this.latest(this.deps.store.keys.userIndex(userId), limit);
  }

  async latestForCompany(companyName: string, limit: number): Promise<PurgeSummary[]> {
    return this.latest(this.deps.store.keys.companyIndex(companyName), limit);
  }

  private async latest(indexKey: string, limit: number): Promise<PurgeSummary[]> {
    const ids = await this.deps.store.latestIds(indexKey, limit);
    const found = await this.deps.store.loadRecords(ids);
    return found.map((p) => toSummary(p.record));
  }

  private async duplicateOf(hash: string): Promise<PurgeView | undefined> {
    const id = await this.deps.store.dedupeTarget(hash);
    if (!id) return undefined;
    return this.get(id);
  }

  private view(p: StoredPurge): PurgeView {
    return toView(p.record, p.urls, p.skipped);
  }
}
