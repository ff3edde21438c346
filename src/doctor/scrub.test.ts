import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScrubber, secretsOf } from './scrub.js';

describe('createScrubber', () => {
  it('removes every secret variable and URL password from a line', () => {
    const scrub = createScrubber({
      SLACK_BOT_TOKEN: 'xoxb-1234-SECRETBOT',
      SLACK_APP_TOKEN: 'xapp-1-SECRETAPP',
      SLACK_SIGNING_SECRET: 'signsecret99',
      IPS_PASSWORD: 'pass word',
      REDIS_URL: 'redis://user:red%40pw@redis:6379',
      IPS_USER: 'ops@example.com',
    });
    const line =
      'xoxb-1234-SECRETBOT xapp-1-SECRETAPP signsecret99 pass word red%40pw red@pw ops@example.com';
    expect(scrub(line)).toBe(
      '[redacted] [redacted] [redacted] [redacted] [redacted] [redacted] ops@example.com',
    );
  });

  it('replaces a longer secret whole even when a shorter one is inside it', () => {
    const scrub = createScrubber({ IPS_PASSWORD: 'abcd', SLACK_SIGNING_SECRET: 'xxabcdxx' });
    expect(scrub('xxabcdxx / abcd')).toBe('[redacted] / [redacted]');
  });

  it('leaves values too short to scrub safely, and lines without secrets, alone', () => {
    expect(secretsOf({ IPS_PASSWORD: 'pw', SLACK_BOT_TOKEN: '' })).toEqual([]);
    expect(createScrubber({ IPS_PASSWORD: 'longenough' })('nothing here')).toBe('nothing here');
  });

  it('never lets a secret through, wherever it sits in the line (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40 }),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          const scrub = createScrubber({ IPS_PASSWORD: secret });
          expect(scrub(`${before}${secret}${after}`)).not.toContain(secret);
        },
      ),
    );
  });
});
