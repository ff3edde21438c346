import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/redis.js';
import { failureText, isStoreUnavailable } from './failure-text.js';

describe('failureText', () => {
  it('recognises the errors a real ioredis client raises while Redis is down', async () => {
    const port = await freePort();
    const offline = new Redis({
      port,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    offline.on('error', () => undefined);
    const queued = new Redis({ port, maxRetriesPerRequest: 1, retryStrategy: (n) => (n > 2 ? null : 10) });
    queued.on('error', () => undefined);
    const errors = await Promise.all([
      offline.get('k').catch((e: unknown) => e),
      queued.get('k').catch((e: unknown) => e),
    ]);
    offline.disconnect();
    queued.disconnect();
    for (const err of errors) {
      expect(err).toBeInstanceOf(Error);
      expect(isStoreUnavailable(err)).toBe(true);
      expect(failureText(err)).toContain('temporarily unavailable');
    }
  });

  it('keeps the generic wording for other failures', () => {
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(failureText(new Error('boom'))).toContain('Something went wrong on our side');
    expect(isStoreUnavailable(new Error('wrapped', { cause: new Error('Connection is closed.') }))).toBe(
      true,
    );
  });
});
