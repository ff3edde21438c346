import { describe, expect, it } from 'vitest';
import { captureLogger } from '../test/support/log-capture.js';
import { withLogFields, withoutLogFields } from './log-context.js';

describe('request log fields', () => {
  it("go on every line of the request, and one line's own fields never leak into the next", async () => {
    const { logger, events } = captureLogger();
    await withLogFields({ slackTrigger: 't-1' }, async () => {
      logger.info({ audit: 'purge.accepted', purgeId: 'p-1' }, 'first');
      await new Promise((r) => setImmediate(r));
      logger.warn({ err: 'x' }, 'second');
    });
    logger.info('after');
    const [first, second, after] = events();
    expect(first).toMatchObject({ slackTrigger: 't-1', audit: 'purge.accepted', purgeId: 'p-1' });
    expect(second).toMatchObject({ slackTrigger: 't-1', err: 'x' });
    expect(second).not.toHaveProperty('audit');
    expect(second).not.toHaveProperty('purgeId');
    expect(after).not.toHaveProperty('slackTrigger');
  });

  it('a line written for shared work inside a request carries none of its fields', () => {
    const { logger, events } = captureLogger();
    withLogFields({ slackTrigger: 't-2' }, () => {
      withoutLogFields(() => logger.warn({ retryAfterSeconds: 1 }, 'Slack rate limit'));
    });
    expect(events()[0]).not.toHaveProperty('slackTrigger');
  });
});
