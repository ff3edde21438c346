import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CROCKFORD_ALPHABET, confirmJobId, isPurgeId, newPurgeId, submitJobId } from './ids.js';

describe('purge ids', () => {
  it('look like p- and 6 Crockford base32 characters', () => {
    for (let i = 0; i < 200; i++) {
      const id = newPurgeId();
      expect(id).toMatch(/^p-[0-9A-HJKMNP-TV-Z]{6}$/);
      expect(isPurgeId(id)).toBe(true);
    }
  });

  it('never contain the ambiguous letters I, L, O, U', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const id = newPurgeId(() => Buffer.from(bytes));
        expect(id.slice(2)).not.toMatch(/[ILOU]/);
        expect(isPurgeId(id)).toBe(true);
      }),
    );
  });

  it('use every character of the alphabet (the random bits reach all 32 symbols)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 32; i++) seen.add(newPurgeId(() => Buffer.alloc(6, i)).slice(2, 3));
    expect([...seen].sort().join('')).toBe([...CROCKFORD_ALPHABET].sort().join(''));
  });

  it('differ between draws (30 random bits)', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newPurgeId()));
    expect(ids.size).toBe(100);
  });

  it('give BullMQ job ids without ":" that are not all digits', () => {
    const id = newPurgeId();
    for (const jobId of [submitJobId(id), confirmJobId(id)]) {
      expect(jobId).not.toContain(':');
      expect(jobId).not.toMatch(/^\d+$/);
      expect(jobId).toContain(id);
    }
    expect(submitJobId(id)).not.toBe(confirmJobId(id));
  });

  it('rejects malformed ids', () => {
    for (const bad of ['p-7K3F9', 'p-7K3F9QQ', 'p-7K3FIQ', 'x-7K3F9Q', 'p-7k3f9q'])
      expect(isPurgeId(bad)).toBe(false);
  });
});
