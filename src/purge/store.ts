import type { RedisClient } from '../redis.js';
import { decodeUrls, encodeUrls } from './codec.js';
import { PurgeDataError } from './errors.js';
import type { PurgeKeys } from './keys.js';
import { LuaScript } from './lua.js';
import { isFinal, type PurgeRecord } from './model.js';
import { type RecentBatch, RecentIndex } from './recent-index.js';
import { UrlCache } from './url-cache.js';

/**
 * Redis layout of one purge: a hash `{p}:purge:<id>` with
 *   r = record JSON (everything but URLs), v = version (compare-and-set), u = deflated URLs,
 *   k = deflated skipped-recent URLs (absent when none), n = when the final notice was sent,
 *   d = the dedupe hash of the request that created it (tells a replayed create from a collision).
 * Around it: the dedupe key, the user/company indexes, the per-company recent-submission index,
 * the notification claim and the `active` outbox.
 */

// ioredis sends a command again when the connection drops before the reply: the create that
// already happened must then answer 'created' again, not 'duplicate' of itself or 'collision'.
const CREATE = new LuaScript(
  'purge-create',
  `
if redis.call('HGET', KEYS[1], 'd') == ARGV[9] then return {'created'} end
local dup = redis.call('GET', KEYS[2])
if dup then return {'duplicate', dup} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'collision'} end
redis.call('HSET', KEYS[1], 'r', ARGV[2], 'v', '1', 'u', ARGV[3], 'd', ARGV[9])
if string.len(ARGV[4]) > 0 then redis.call('HSET', KEYS[1], 'k', ARGV[4]) end
if tonumber(ARGV[5]) > 0 then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[5]) end
redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
for i = 4, 5 do
  redis.call('ZADD', KEYS[i], ARGV[6], ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(tonumber(ARGV[7]) + 1))
  redis.call('EXPIRE', KEYS[i], ARGV[8])
end
return {'created'}
`,
);

const UPDATE = new LuaScript(
  'purge-update',
  `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
local nv = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'r', ARGV[2], 'v', nv)
if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if #ARGV >= 6 then
  local now = tonumber(ARGV[5])
  for i = 6, #ARGV do redis.call('ZADD', KEYS[2], now, ARGV[i]) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[4]))
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return nv
`,
);

const CLAIM = new LuaScript(
  'purge-claim-notice',
  `
if redis.call('HGET', KEYS[1], 'n') then return {'sent', 0} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'ok', 0} end
-- Our own claim (the command replayed after a reconnect): still ours, with a full lease.
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return {'ok', 0}
end
return {'busy', redis.call('PTTL', KEYS[2])}
`,
);

const RELEASE = new LuaScript(
  'purge-release-claim',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/** Extends a claim only while it is still ours: never re-creates one that was released or lapsed. */
const RENEW = new LuaScript(
  'purge-renew-claim',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

const MARK_AUDITED = new LuaScript(
  'purge-mark-audited',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'a', ARGV[1]) end
return 1
`,
);

const MARK_SENT = new LuaScript(
  'purge-mark-sent',
  `
redis.call('HSET', KEYS[1], 'n', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[2])
if tonumber(ARGV[4]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1
`,
);

export interface StoredPurge {
  record: PurgeRecord;
  /** Compare-and-set version of `record`. */
  version: string;
  /** When the final notice (confirmed/failed) was sent; undefined until then. */
  notifiedAt: number | undefined;
  /** When the outcome's audit line was written; undefined until then. */
  auditedAt: number | undefined;
  urls: readonly string[];
  skipped: readonly string[];
}

export interface NewPurge {
  record: PurgeRecord;
  urls: readonly string[];
  skipped: readonly string[];
  dedupeHash: string;
  dedupeMs: number;
}

export type CreateResult = { kind: 'created' } | { kind: 'duplicate'; id: string } | { kind: 'collision' };

export interface Mutation {
  record: PurgeRecord;
  /** Batches just submitted, as `[from, to)` ranges, recorded in the company's recent index. */
  submittedRanges?: readonly { from: number; to: number }[];
}

export interface MutateResult {
  purge: StoredPurge;
  /** False when `change` found nothing to do. */
  written: boolean;
}

export type ClaimResult = { kind: 'ok' } | { kind: 'sent' } | { kind: 'busy'; retryInMs: number };

/** Position in the outbox (ordered by creation time, then id), to page through it. */
export interface ActiveCursor {
  score: number;
  id: string;
}

export interface ActivePage {
  ids: string[];
  /** Where the next page starts; undefined when this was the last one. */
  next: ActiveCursor | undefined;
}

/** A purge's record without its URL lists (cheap: nothing to inflate). */
export interface StoredRecord {
  record: PurgeRecord;
  notifiedAt: number | undefined;
}

export interface PurgeStoreOptions {
  retentionSeconds: number;
  /** Entries kept in each user/company index. */
  indexLimit: number;
  /** How long a URL counts as recently purged (ms); 0 disables the recent index. */
  recentWindowMs: number;
}

function isRecord(value: unknown): value is PurgeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PurgeRecord>;
  return typeof v.id === 'string' && typeof v.status === 'string' && Array.isArray(v.batches);
}

function parseRecord(json: string, key: string): PurgeRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new PurgeDataError(`${key}: record is not JSON (${(err as Error).message})`);
  }
  if (!isRecord(parsed)) throw new PurgeDataError(`${key}: record has an unexpected shape`);
  return parsed;
}

function recentMember(id: string, from: number, to: number): string {
  return `${id}|${from}|${to}`;
}

function parseRecentMember(member: string): { id: string; from: number; to: number } | undefined {
  const [id, from, to] = member.split('|');
  const f = Number(from);
  const t = Number(to);
  if (!id || !Number.isInteger(f) || !Number.isInteger(t)) return undefined;
  return { id, from: f, to: t };
}

/** All Redis reads and writes of purges. Stateless apart from a cache of immutable URL lists. */
export class PurgeStore {
  private readonly cache: UrlCache;
  private readonly recent = new RecentIndex((id) => this.urlsOf(id));

  /** `cache` may be shared by the stores of one process (URL lists never change). */
  constructor(
    readonly redis: RedisClient,
    readonly keys: PurgeKeys,
    readonly options: PurgeStoreOptions,
    cache?: UrlCache,
  ) {
    this.cache = cache ?? new UrlCache();
  }

  async create(p: NewPurge): Promise<CreateResult> {
    const { record } = p;
    const reply = (await CREATE.run(
      this.redis,
      [
        this.keys.purge(record.id),
        this.keys.dedupe(p.dedupeHash),
        this.keys.active(),
        this.keys.userIndex(record.requester),
        this.keys.companyIndex(record.company.name),
      ],
      [
        record.id,
        JSON.stringify(record),
        encodeUrls(p.urls),
        encodeUrls(p.skipped),
        Math.max(0, Math.round(p.dedupeMs)),
        record.createdAt,
        this.options.indexLimit,
        this.options.retentionSeconds,
        p.dedupeHash,
      ],
    )) as [string, string?];
    if (reply[0] === 'created') {
      this.cache.set(record.id, { urls: p.urls, skipped: p.skipped });
      return { kind: 'created' };
    }
    if (reply[0] === 'duplicate' && reply[1] !== undefined) return { kind: 'duplicate', id: reply[1] };
    return { kind: 'collision' };
  }

  /** The purge with its URLs, or undefined when it does not exist (never did, or expired). */
  async load(id: string): Promise<StoredPurge | undefined> {
    const key = this.keys.purge(id);
    const cached = this.cache.get(id);
    if (cached) {
      const [r, v, n, a] = await this.redis.hmget(key, 'r', 'v', 'n', 'a');
      if (r == null || v == null) return undefined;
      return {
        record: parseRecord(r, key),
        version: v,
        notifiedAt: n ? Number(n) : undefined,
        auditedAt: a ? Number(a) : undefined,
        ...cached,
      };
    }
    const [r, v, n, u, k, a] = await this.redis.hmgetBuffer(key, 'r', 'v', 'n', 'u', 'k', 'a');
    if (r == null || v == null) return undefined;
    const urls = { urls: decodeUrls(u ?? Buffer.alloc(0)), skipped: decodeUrls(k ?? Buffer.alloc(0)) };
    this.cache.set(id, urls);
    return {
      record: parseRecord(r.toString('utf8'), key),
      version: v.toString('utf8'),
      notifiedAt: n ? Number(n.toString('utf8')) : undefined,
      auditedAt: a ? Number(a.toString('utf8')) : undefined,
      ...urls,
    };
  }

  /** The record alone, or undefined when the purge does not exist. */
  async loadRecord(id: string): Promise<StoredRecord | undefined> {
    const key = this.keys.purge(id);
    const [r, n] = await this.redis.hmget(key, 'r', 'n');
    if (r == null) return undefined;
    return { record: parseRecord(r, key), notifiedAt: n ? Number(n) : undefined };
  }

  /** Several records at once (no URL lists), skipping missing ones, in order: one round trip. */
  async loadRecords(ids: readonly string[]): Promise<StoredRecord[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.purge(id), 'r', 'n');
    const replies = (await pipeline.exec()) ?? [];
    const out: StoredRecord[] = [];
    for (const [i, id] of ids.entries()) {
      const [err, value] = replies[i] ?? [null, null];
      if (err) throw err;
      const [r, n] = (value as (string | null)[] | null) ?? [];
      if (r == null) continue;
      out.push({ record: parseRecord(r, this.keys.purge(id)), notifiedAt: n ? Number(n) : undefined });
    }
    return out;
  }

  private async urlsOf(
    id: string,
  ): Promise<{ urls: readonly string[]; skipped: readonly string[] } | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const [u, k] = await this.redis.hmgetBuffer(this.keys.purge(id), 'u', 'k');
    if (u == null) return undefined;
    const urls = { urls: decodeUrls(u), skipped: decodeUrls(k ?? Buffer.alloc(0)) };
    this.cache.set(id, urls);
    return urls;
  }

  /**
   * Compare-and-set loop: applies `change` to `current` (or to a fresh read after a conflict)
   * and writes it only if nobody wrote in between. `change` returns undefined for "nothing to do".
   * Returns the purge as written (`written`) or as found when unchanged, or undefined if it is gone.
   */
  async mutate(
    id: string,
    change: (current: StoredPurge) => Mutation | undefined,
    current?: StoredPurge,
  ): Promise<MutateResult | undefined> {
    let cur = current ?? (await this.load(id));
    for (let tries = 0; cur && tries < 50; tries++) {
      const m = change(cur);
      if (!m) return { purge: cur, written: false };
      const now = Date.now();
      const record: PurgeRecord = { ...m.record, updatedAt: now };
      const ttl = isFinal(record.status) ? this.options.retentionSeconds : 0;
      const recent =
        this.options.recentWindowMs > 0 && m.submittedRanges
          ? m.submittedRanges.map((r) => recentMember(id, r.from, r.to))
          : [];
      const reply = await UPDATE.run(
        this.redis,
        [this.keys.purge(id), this.keys.recent(record.company.handle)],
        [cur.version, JSON.stringify(record), ttl, this.options.recentWindowMs, now, ...recent],
      );
      if (typeof reply === 'number' && reply > 0) {
        return { purge: { ...cur, record, version: String(reply) }, written: true };
      }
      if (reply === -1) return undefined;
      cur = await this.load(id);
    }
    if (cur) throw new PurgeDataError(`purge ${id}: too many concurrent updates`);
    return undefined;
  }

  /** Which of `candidates` were submitted for this company at or after `sinceMs`. */
  async recentlySubmitted(
    companyHandle: string,
    candidates: readonly string[],
    sinceMs: number,
  ): Promise<Set<string>> {
    if (this.options.recentWindowMs <= 0 || candidates.length === 0) return new Set();
    const raw = await this.redis.zrangebyscore(
      this.keys.recent(companyHandle),
      sinceMs,
      '+inf',
      'WITHSCORES',
    );
    const live: { member: string; batch: RecentBatch }[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const member = raw[i]!;
      const parsed = parseRecentMember(member);
      if (parsed) live.push({ member, batch: { ...parsed, at: Number(raw[i + 1]) } });
    }
    return this.recent.recent(companyHandle, live, candidates, sinceMs);
  }

  async dedupeTarget(hash: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.dedupe(hash))) ?? undefined;
  }

  async latestIds(indexKey: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return this.redis.zrevrange(indexKey, 0, limit - 1);
  }

  /**
   * Up to `limit` purges of the outbox created at or before `beforeMs`, oldest first, starting
   * after `after`. The cursor is a position, not an offset, so entries removed meanwhile (by this
   * sweep or by a confirmation elsewhere) never make a page skip one.
   */
  async activePage(beforeMs: number, limit: number, after?: ActiveCursor): Promise<ActivePage> {
    if (limit < 1) throw new RangeError(`page size must be at least 1, got ${limit}`);
    const key = this.keys.active();
    const entries: ActiveCursor[] = [];
    let rest: string[];
    if (after) {
      // Purges created in the same millisecond share a score: the rest of that tie comes first.
      const replies =
        (await this.redis
          .pipeline()
          .zrangebyscore(key, after.score, after.score)
          .zrangebyscore(key, `(${after.score}`, beforeMs, 'WITHSCORES', 'LIMIT', 0, limit)
          .exec()) ?? [];
      const [tieErr, ties] = replies[0] ?? [null, []];
      const [restErr, more] = replies[1] ?? [null, []];
      if (tieErr) throw tieErr;
      if (restErr) throw restErr;
      if (after.score <= beforeMs) {
        for (const id of ties as string[]) if (id > after.id) entries.push({ score: after.score, id });
      }
      rest = more as string[];
    } else {
      rest = await this.redis.zrangebyscore(key, '-inf', beforeMs, 'WITHSCORES', 'LIMIT', 0, limit);
    }
    for (let i = 0; i + 1 < rest.length; i += 2) entries.push({ id: rest[i]!, score: Number(rest[i + 1]) });
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return { ids: page.map((e) => e.id), next: page.length === limit ? last : undefined };
  }

  async removeActive(id: string): Promise<void> {
    await this.redis.zrem(this.keys.active(), id);
  }

  /** Claims the right to send the final notice for `leaseMs` (SET NX PX), unless it was sent. */
  async claimNotice(id: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const [kind, ttl] = (await CLAIM.run(
      this.redis,
      [this.keys.purge(id), this.keys.claim(id)],
      [token, leaseMs],
    )) as [string, number];
    if (kind === 'ok') return { kind: 'ok' };
    if (kind === 'sent') return { kind: 'sent' };
    return { kind: 'busy', retryInMs: Math.max(0, ttl) };
  }

  /** Records that the outcome's audit line was written (a purge that expired meanwhile stays gone). */
  async markAudited(id: string, at: number): Promise<void> {
    await MARK_AUDITED.run(this.redis, [this.keys.purge(id)], [at]);
  }

  /** True when the claim was still ours and now lasts `leaseMs` again. */
  async renewNotice(id: string, token: string, leaseMs: number): Promise<boolean> {
    return (await RENEW.run(this.redis, [this.keys.claim(id)], [token, leaseMs])) === 1;
  }

  async releaseNotice(id: string, token: string): Promise<void> {
    await RELEASE.run(this.redis, [this.keys.claim(id)], [token]);
  }

  /** Records for good that the final notice went out, and leaves the outbox. */
  async markNoticeSent(id: string, token: string, at: number): Promise<void> {
    await MARK_SENT.run(
      this.redis,
      [this.keys.purge(id), this.keys.claim(id), this.keys.active()],
      [token, id, at, this.options.retentionSeconds],
    );
  }
}
