import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { purgeKeys } from './keys.js';
import { TokenBucket } from './token-bucket.js';

const prefix = testPrefix('bucket');
const keys = purgeKeys(prefix);
let a: Redis;
let b: Redis;

beforeAll(() => {
  a = new Redis(TEST_REDIS_URL);
  b = new Redis(TEST_REDIS_URL);
});

afterAll(async () => {
  await deleteKeysWithPrefix(a, prefix);
  a.disconnect();
  b.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TokenBucket', () => {
  it('admits a burst of `capacity` calls, then denies with the wait until the next token', async () => {
    const bucket = new TokenBucket(a, { capacity: 3, windowMs: 60_000 });
    const key = keys.bucket('burst');
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await bucket.take(key));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    const denied = results[3]!;
    // One token every 20 s; the first was spent a moment ago.
    expect(denied.waitMs).toBeGreaterThan(15_000);
    expect(denied.waitMs).toBeLessThanOrEqual(20_000);
    expect(denied.retryAt).toBe(denied.now + denied.waitMs);
  });

  it('refills over time: after the announced wait, a call is admitted again', async () => {
    const bucket = new TokenBucket(a, { capacity: 2, windowMs: 2000 });
    const key = keys.bucket('refill');
    expect((await bucket.take(key)).allowed).toBe(true);
    expect((await bucket.take(key)).allowed).toBe(true);
    const denied = await bucket.take(key);
    expect(denied.allowed).toBe(false);
    await sleep(denied.waitMs + 5);
    expect((await bucket.take(key)).allowed).toBe(true);
  });

  it('never exceeds capacity after a long idle time', async () => {
    // One token per second: idle long enough to refill several, then take three at once. The
    // window is wide so a slow machine cannot refill a token between the three takes.
    const bucket = new TokenBucket(a, { capacity: 2, windowMs: 2000 });
    const key = keys.bucket('idle');
    await bucket.take(key);
    await sleep(3500);
    const got = [await bucket.take(key), await bucket.take(key), await bucket.take(key)];
    expect(got.map((r) => r.allowed)).toEqual([true, true, false]);
  });

  it('is shared by two clients (replicas) using the same key', async () => {
    const one = new TokenBucket(a, { capacity: 4, windowMs: 60_000 });
    const two = new TokenBucket(b, { capacity: 4, windowMs: 60_000 });
    const key = keys.bucket('shared');
    const results = await Promise.all([
      one.take(key),
      two.take(key),
      one.take(key),
      two.take(key),
      one.take(key),
      two.take(key),
    ]);
    expect(results.filter((r) => r.allowed)).toHaveLength(4);
  });

  it('keeps separate buckets per company', async () => {
    const bucket = new TokenBucket(a, { capacity: 1, windowMs: 60_000 });
    expect((await bucket.take(keys.bucket('c|1'))).allowed).toBe(true);
    expect((await bucket.take(keys.bucket('c|2'))).allowed).toBe(true);
    expect((await bucket.take(keys.bucket('c|1'))).allowed).toBe(false);
  });

  it('expires idle buckets', async () => {
    const bucket = new TokenBucket(a, { capacity: 5, windowMs: 60_000 });
    const key = keys.bucket('ttl');
    await bucket.take(key);
    const ttl = await a.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('refuses nonsense options', () => {
    expect(() => new TokenBucket(a, { capacity: 0, windowMs: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket(a, { capacity: 1, windowMs: 0 })).toThrow(RangeError);
  });
});
