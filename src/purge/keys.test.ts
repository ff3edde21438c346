import { describe, expect, it } from 'vitest';
import { purgeKeys } from './keys.js';

describe('purgeKeys', () => {
  const k = purgeKeys('dmpurge');

  it('puts every key under the hash-tagged prefix', () => {
    const all = [
      k.purge('p-7K3F9Q'),
      k.dedupe('abc'),
      k.claim('p-7K3F9Q'),
      k.bucket('c|6'),
      k.recent('c|6'),
      k.userIndex('U123'),
      k.companyIndex('JJEsquire'),
      k.active(),
    ];
    for (const key of all) expect(key.startsWith('{dmpurge}:')).toBe(true);
    expect(new Set(all).size).toBe(all.length);
    expect(k.tag).toBe('{dmpurge}');
    expect(k.purge('p-7K3F9Q')).toBe('{dmpurge}:purge:p-7K3F9Q');
  });

  it('does not collide with the BullMQ queues that share the tag', () => {
    // BullMQ keys are `{dmpurge}:submit:…` and `{dmpurge}:confirm:…`.
    for (const key of [k.purge('x'), k.dedupe('x'), k.claim('x'), k.active()]) {
      expect(key.startsWith('{dmpurge}:submit:')).toBe(false);
      expect(key.startsWith('{dmpurge}:confirm:')).toBe(false);
    }
  });

  it('treats company names case-insensitively in the index', () => {
    expect(k.companyIndex('JJEsquire')).toBe(k.companyIndex('jjesquire'));
  });

  it('refuses prefixes that would break the hash tag or key structure', () => {
    for (const bad of ['', 'a{b', 'a}b', 'a:b', 'a b'])
      expect(() => purgeKeys(bad)).toThrow(/invalid Redis prefix/);
  });
});
