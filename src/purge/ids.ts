import { randomBytes } from 'node:crypto';

/** Crockford's base32: digits and upper-case letters without I, L, O and U (easily misread). */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const ID_CHARS = 6;
export const PURGE_ID_PATTERN = /^p-[0-9A-HJKMNP-TV-Z]{6}$/;

/**
 * A short purge id such as `p-7K3F9Q` (30 random bits). Unique only together with the store,
 * which re-draws when SET NX finds the id taken.
 */
export function newPurgeId(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(ID_CHARS);
  let out = 'p-';
  for (let i = 0; i < ID_CHARS; i++) out += CROCKFORD_ALPHABET[(bytes[i] ?? 0) & 31];
  return out;
}

export function isPurgeId(value: string): boolean {
  return PURGE_ID_PATTERN.test(value);
}

/** BullMQ job ids: derived from the purge id, no `:` and never all digits. */
export function submitJobId(purgeId: string): string {
  return `submit-${purgeId}`;
}

export function confirmJobId(purgeId: string): string {
  return `confirm-${purgeId}`;
}
