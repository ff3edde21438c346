import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF_JITTER, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base delay', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 1000, mid))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('stays within the jitter bounds for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, r) => {
          const d = backoffDelay(retry, base, () => r, Number.MAX_SAFE_INTEGER);
          const exp = base * 2 ** (retry - 1);
          expect(d).toBeGreaterThanOrEqual(Math.floor(exp * (1 - BACKOFF_JITTER)));
          expect(d).toBeLessThanOrEqual(Math.ceil(exp * (1 + BACKOFF_JITTER)));
        },
      ),
    );
  });

  it('reaches both ends of the jitter range', () => {
    expect(backoffDelay(1, 1000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1000, () => 0.999_999)).toBe(1200);
  });

  it('is capped', () => {
    expect(backoffDelay(40, 1000, () => 0.5, 60_000)).toBe(60_000);
  });
});
