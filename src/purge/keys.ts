/**
 * Every Redis key of the engine. All start with the hash-tagged `{prefix}:` so Redis Cluster
 * keeps them (and the BullMQ queues, which use the same `{prefix}`) in one slot, and Lua scripts
 * may touch several of them.
 */
export interface PurgeKeys {
  /** The hash tag, also BullMQ's queue prefix: `{dmpurge}`. */
  readonly tag: string;
  purge(id: string): string;
  dedupe(hash: string): string;
  claim(id: string): string;
  bucket(companyHandle: string): string;
  recent(companyHandle: string): string;
  userIndex(userId: string): string;
  companyIndex(companyName: string): string;
  /** Purges accepted but not yet notified: the outbox the recovery sweep walks. */
  active(): string;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function purgeKeys(prefix: string): PurgeKeys {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid Redis prefix "${prefix}": use letters, digits, '_', '.', '-'`);
  }
  const tag = `{${prefix}}`;
  const base = `${tag}:`;
  return {
    tag,
    purge: (id) => `${base}purge:${id}`,
    dedupe: (hash) => `${base}dedupe:${hash}`,
    claim: (id) => `${base}claim:${id}`,
    bucket: (handle) => `${base}bucket:${handle}`,
    recent: (handle) => `${base}recent:${handle}`,
    userIndex: (userId) => `${base}user:${userId}`,
    companyIndex: (name) => `${base}company:${name.toLowerCase()}`,
    active: () => `${base}active`,
  };
}
