import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';
import { defaultPurgeConfig } from './purge-config.js';
import { configSummary, redactUrl } from './summary.js';

describe('configSummary', () => {
  it('carries no secret, not even inside the Redis URL', () => {
    const env = loadEnv({
      SLACK_BOT_TOKEN: 'xoxb-BOTSECRET',
      SLACK_SIGNING_SECRET: 'SIGNSECRET',
      SLACK_APP_TOKEN: 'xapp-APPSECRET',
      REDIS_URL: 'rediss://admin:REDISSECRET@redis.internal:6380/0',
      IPS_USER: 'api@example.com',
      IPS_PASSWORD: 'IPSSECRET',
    });
    const text = JSON.stringify(configSummary(env, defaultPurgeConfig()));
    for (const secret of ['BOTSECRET', 'SIGNSECRET', 'APPSECRET', 'REDISSECRET', 'IPSSECRET']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('redis.internal:6380');
    expect(text).toContain('"mode":"socket"');
  });

  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('redis://:pw@h:1')).toBe('redis://h:1');
    expect(redactUrl('not a url')).toBe('[unparseable]');
  });
});
