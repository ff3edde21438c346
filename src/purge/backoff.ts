/** Relative spread of the retry delay: ±20 % so replicas retrying together drift apart. */
export const BACKOFF_JITTER = 0.2;

/**
 * Delay before retry number `retry` (1 = first retry): `baseMs * 2^(retry-1)`, spread by
 * ±BACKOFF_JITTER, capped at `maxMs`.
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  random: () => number = Math.random,
  maxMs = 5 * 60_000,
): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, retry - 1), maxMs);
  const spread = 1 + BACKOFF_JITTER * (2 * random() - 1);
  return Math.max(0, Math.round(exp * spread));
}
