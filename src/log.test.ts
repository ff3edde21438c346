import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test/support/log-capture.js';

describe('createLogger redaction', () => {
  it('never prints a Redis password carried by an ioredis AUTH error', async () => {
    const { lines, logger } = captureLogger();
    const password = 'S3cretRedisPw-for-test';
    const redis = new Redis({
      port: 6379,
      host: '127.0.0.1',
      password,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const err = await redis.connect().then(
      () =>
        redis.auth(password).then(
          () => undefined,
          (e: unknown) => e,
        ),
      (e: unknown) => e,
    );
    redis.disconnect();
    // Whatever Redis answered (no password set: an AUTH error), the error object is logged whole.
    logger.error(
      { err: err ?? Object.assign(new Error('x'), { command: { name: 'auth', args: [password] } }) },
      'redis error',
    );
    logger.info(
      { password, token: 'xoxb-secret-token', authHeader: '<user>u</user><password>p</password>' },
      'x',
    );
    const out = lines.join('\n');
    expect(out).toContain('redis error');
    expect(out).not.toContain(password);
    expect(out).not.toContain('xoxb-secret-token');
    expect(out).not.toContain('<password>p</password>');
  });
});
