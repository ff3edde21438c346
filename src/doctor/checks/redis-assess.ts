import { type CheckResult, fail, ok, warn } from '../types.js';

/** BullMQ refuses older servers outright. */
export const REDIS_MINIMUM_VERSION = '5.0.0';
/** BullMQ warns below this, and ioredis 6 requires it. */
export const REDIS_RECOMMENDED_VERSION = '6.2.0';

/** A value read from the server, or why it could not be read. */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** What doctor learned from one Redis server; gathered by redis.ts, judged here. */
export interface RedisFacts {
  /** `redis_version` from INFO server. */
  version: string | undefined;
  /** `redis_mode` from INFO server: standalone, cluster or sentinel. */
  mode: string | undefined;
  maxmemoryPolicy: Read<string>;
  /** `aof_enabled` from INFO persistence. */
  aofEnabled: boolean;
  /** The `save` setting (RDB snapshot rules); `''` when snapshots are off. */
  rdbSave: Read<string>;
  /** Whether a key under the prefix could be written and deleted. */
  write: Read<true>;
}

/** `INFO` text as key → value (`# Section` headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** Numeric parts of `7.0.15` (missing parts count as 0); undefined when it is not a version. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function versionResult(facts: RedisFacts): CheckResult {
  const name = 'redis version';
  const v = facts.version === undefined ? undefined : parseVersion(facts.version);
  if (facts.version === undefined || v === undefined) {
    return warn(
      name,
      `the server did not report a usable redis_version (${facts.version ?? 'none'})`,
      `make sure it is Redis ${REDIS_RECOMMENDED_VERSION} or later (or a compatible server)`,
    );
  }
  const min = parseVersion(REDIS_MINIMUM_VERSION) as [number, number, number];
  const recommended = parseVersion(REDIS_RECOMMENDED_VERSION) as [number, number, number];
  if (compareVersions(v, min) < 0) {
    return fail(
      name,
      `${facts.version}: the job queue (BullMQ) refuses Redis older than ${REDIS_MINIMUM_VERSION}`,
      `upgrade Redis to ${REDIS_RECOMMENDED_VERSION} or later`,
    );
  }
  if (compareVersions(v, recommended) < 0) {
    return warn(
      name,
      `${facts.version}: works, but the job queue (BullMQ) recommends ${REDIS_RECOMMENDED_VERSION} or later`,
      `upgrade Redis to ${REDIS_RECOMMENDED_VERSION} or later`,
    );
  }
  return ok(name, `${facts.version}${facts.mode ? ` (${facts.mode})` : ''}`);
}

function policyResult(facts: RedisFacts): CheckResult {
  const name = 'redis maxmemory-policy';
  const policy = facts.maxmemoryPolicy;
  if (!policy.ok) {
    return warn(
      name,
      `cannot read it (CONFIG GET refused: ${policy.error}); managed Redis services often disable CONFIG`,
      "make sure your provider's settings (e.g. the parameter group) set maxmemory-policy to noeviction",
    );
  }
  if (policy.value === 'noeviction') return ok(name, 'noeviction');
  return fail(
    name,
    `${policy.value || '(empty)'}: under memory pressure Redis would evict queued jobs and purge records`,
    'set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf or your provider settings)',
  );
}

function persistenceResult(facts: RedisFacts): CheckResult {
  const name = 'redis persistence';
  const save = facts.rdbSave;
  const snapshots = save.ok && save.value.trim() !== '' ? save.value.trim() : undefined;
  if (facts.aofEnabled) {
    return ok(name, snapshots ? `AOF on, RDB snapshots (save ${snapshots})` : 'AOF on');
  }
  if (snapshots) return ok(name, `RDB snapshots (save ${snapshots}); AOF is off`);
  const fix = 'enable AOF (appendonly yes, appendfsync everysec) or RDB snapshots (save …)';
  if (!save.ok) {
    return warn(
      name,
      `AOF is off and the RDB snapshot rules cannot be read (CONFIG GET refused: ${save.error}); without either, accepted purges would be lost on a Redis restart`,
      `${fix}, or check that your provider persists the data`,
    );
  }
  return warn(
    name,
    'neither AOF nor RDB snapshots are on: accepted purges would be lost on a Redis restart',
    fix,
  );
}

function writeResult(facts: RedisFacts, tag: string): CheckResult {
  const name = 'redis keys';
  const where = `keys and queues under ${tag}:`;
  if (facts.write.ok) return ok(name, `${where} (writable)`);
  const error = facts.write.error;
  if (/^READONLY/i.test(error)) {
    return fail(
      name,
      `${where} cannot be written: this is a read-only replica`,
      'point REDIS_URL at the primary',
    );
  }
  if (/^NOPERM/i.test(error)) {
    return fail(
      name,
      `${where} cannot be written: the Redis user lacks permission (${error})`,
      `grant the ACL user the keys ~${tag}:* and the commands the job queue needs (e.g. +@all)`,
    );
  }
  return fail(name, `${where} cannot be written: ${error}`, 'check the Redis server logs');
}

/** Judges one server: version, eviction policy, persistence and the key prefix, one line each. */
export function assessRedis(facts: RedisFacts, tag: string): CheckResult[] {
  return [versionResult(facts), policyResult(facts), persistenceResult(facts), writeResult(facts, tag)];
}
