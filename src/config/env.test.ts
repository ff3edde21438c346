import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';
import { ConfigError } from './errors.js';

const VALID = {
  SLACK_BOT_TOKEN: 'xoxb-111-222-abc',
  SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
  IPS_USER: 'api@example.com',
  IPS_PASSWORD: 'hunter2',
} as const;

/** The ConfigError thrown for `source`; fails the test when nothing is thrown. */
function problemsFor(source: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe(e.problems.join('\n'));
    return e.problems;
  }
  throw new Error('expected loadEnv to throw');
}

describe('loadEnv', () => {
  it('applies every default to a minimal environment', () => {
    expect(loadEnv({ ...VALID })).toEqual({
      slackBotToken: VALID.SLACK_BOT_TOKEN,
      slackSigningSecret: VALID.SLACK_SIGNING_SECRET,
      slackAppToken: undefined,
      slackApiUrl: 'https://slack.com/api/',
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      redisCluster: false,
      redisPrefix: 'dmpurge',
      ipsRegion: 'na',
      ipsApiUrl: 'https://s7sps1apissl.scene7.com/scene7/services/IpsApiService',
      ipsUser: VALID.IPS_USER,
      ipsPassword: VALID.IPS_PASSWORD,
      ipsApiVersion: '2014-04-03',
      purgeConfigPath: './purge.config.yml',
      logLevel: 'info',
    });
  });

  it('reads every variable when set', () => {
    const env = loadEnv({
      SLACK_BOT_TOKEN: 'xoxb-9',
      SLACK_SIGNING_SECRET: 'sig',
      SLACK_APP_TOKEN: 'xapp-1-A-2-x',
      SLACK_API_URL: 'http://127.0.0.1:4010/api/',
      PORT: '8080',
      REDIS_URL: 'rediss://user:pw@redis.internal:6380/2',
      REDIS_CLUSTER: 'TRUE',
      REDIS_PREFIX: 'dm.purge-prod_1',
      IPS_REGION: 'apac',
      IPS_API_URL: 'http://127.0.0.1:4020/scene7/services/IpsApiService',
      IPS_USER: 'ops@example.org',
      IPS_PASSWORD: 'pw',
      IPS_API_VERSION: '2025-01-31-beta',
      PURGE_CONFIG: '/etc/dm-purge/purge.yml',
      LOG_LEVEL: 'debug',
    });
    expect(env).toEqual({
      slackBotToken: 'xoxb-9',
      slackSigningSecret: 'sig',
      slackAppToken: 'xapp-1-A-2-x',
      slackApiUrl: 'http://127.0.0.1:4010/api/',
      port: 8080,
      redisUrl: 'rediss://user:pw@redis.internal:6380/2',
      redisCluster: true,
      redisPrefix: 'dm.purge-prod_1',
      ipsRegion: 'apac',
      ipsApiUrl: 'http://127.0.0.1:4020/scene7/services/IpsApiService',
      ipsUser: 'ops@example.org',
      ipsPassword: 'pw',
      ipsApiVersion: '2025-01-31-beta',
      purgeConfigPath: '/etc/dm-purge/purge.yml',
      logLevel: 'debug',
    });
  });

  it.each([
    ['na', 'https://s7sps1apissl.scene7.com/scene7/services/IpsApiService'],
    ['emea', 'https://s7sps3apissl.scene7.com/scene7/services/IpsApiService'],
    ['apac', 'https://s7sps5apissl.scene7.com/scene7/services/IpsApiService'],
    ['EMEA', 'https://s7sps3apissl.scene7.com/scene7/services/IpsApiService'],
  ])('maps IPS_REGION=%s to its endpoint', (region, url) => {
    const env = loadEnv({ ...VALID, IPS_REGION: region });
    expect(env.ipsApiUrl).toBe(url);
    expect(env.ipsRegion).toBe(region.toLowerCase());
  });

  it('lets IPS_API_URL override the region endpoint', () => {
    const env = loadEnv({
      ...VALID,
      IPS_REGION: 'emea',
      IPS_API_URL: 'https://ips.proxy.local/IpsApiService',
    });
    expect(env.ipsRegion).toBe('emea');
    expect(env.ipsApiUrl).toBe('https://ips.proxy.local/IpsApiService');
  });

  it('normalises SLACK_API_URL to end with a slash', () => {
    expect(loadEnv({ ...VALID, SLACK_API_URL: 'https://slack.proxy/api' }).slackApiUrl).toBe(
      'https://slack.proxy/api/',
    );
  });

  it('treats empty and blank values as unset', () => {
    const env = loadEnv({ ...VALID, PORT: '', SLACK_API_URL: '  ', SLACK_APP_TOKEN: '', LOG_LEVEL: '' });
    expect(env.port).toBe(3000);
    expect(env.slackApiUrl).toBe('https://slack.com/api/');
    expect(env.slackAppToken).toBeUndefined();
    expect(env.logLevel).toBe('info');
    expect(problemsFor({ ...VALID, SLACK_BOT_TOKEN: '' })).toEqual([
      'SLACK_BOT_TOKEN: required (a bot token starting with xoxb-)',
    ]);
  });

  it('trims pasted whitespace from tokens but keeps a password as given', () => {
    const env = loadEnv({ ...VALID, SLACK_BOT_TOKEN: ' xoxb-1\n', IPS_PASSWORD: ' pw ' });
    expect(env.slackBotToken).toBe('xoxb-1');
    expect(env.ipsPassword).toBe(' pw ');
  });

  it('needs no signing secret in Socket Mode, and needs it otherwise', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...rest } = VALID;
    expect(loadEnv({ ...rest, SLACK_APP_TOKEN: 'xapp-1' }).slackSigningSecret).toBeUndefined();
    const problems = problemsFor(rest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SLACK_SIGNING_SECRET: required in HTTP mode .*SLACK_APP_TOKEN/);
  });

  it.each([
    ['PORT', '0', 'port', 0],
    ['PORT', '65535', 'port', 65535],
    ['LOG_LEVEL', 'TRACE', 'logLevel', 'trace'],
    ['LOG_LEVEL', 'silent', 'logLevel', 'silent'],
    ['REDIS_URL', 'redis://localhost', 'redisUrl', 'redis://localhost'],
    ['REDIS_CLUSTER', 'yes', 'redisCluster', true],
    ['REDIS_CLUSTER', '0', 'redisCluster', false],
    ['IPS_API_VERSION', '2014-04-03-beta', 'ipsApiVersion', '2014-04-03-beta'],
  ] as const)('accepts %s=%s', (name, value, field, expected) => {
    expect(loadEnv({ ...VALID, [name]: value })[field]).toBe(expected);
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', 'SLACK_BOT_TOKEN: must be a bot token starting with xoxb-'],
    ['SLACK_APP_TOKEN', 'xoxb-1', 'SLACK_APP_TOKEN: must be an app-level token starting with xapp-'],
    ['SLACK_SIGNING_SECRET', 'has space', 'SLACK_SIGNING_SECRET: must be the signing secret'],
    ['SLACK_API_URL', 'slack.com/api', 'SLACK_API_URL: must be an http(s) URL'],
    ['SLACK_API_URL', 'ftp://slack.com/api', 'SLACK_API_URL: must be an http(s) URL'],
    ['PORT', '65536', 'PORT: must be an integer from 0 to 65535 (got "65536")'],
    ['PORT', '-1', 'PORT: must be an integer from 0 to 65535 (got "-1")'],
    ['PORT', '80.5', 'PORT: must be an integer from 0 to 65535 (got "80.5")'],
    ['PORT', 'http', 'PORT: must be an integer from 0 to 65535 (got "http")'],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'REDIS_URL: must be a redis:// or rediss:// URL'],
    ['REDIS_CLUSTER', 'on', 'REDIS_CLUSTER: must be true or false'],
    ['REDIS_PREFIX', '{dmpurge}', 'REDIS_PREFIX: must be letters, digits'],
    ['REDIS_PREFIX', 'dm:purge', 'REDIS_PREFIX: must be letters, digits'],
    ['IPS_REGION', 'us', 'IPS_REGION: must be one of na, emea, apac (got "us")'],
    ['IPS_API_URL', 's7sps1apissl.scene7.com', 'IPS_API_URL: must be the full http(s) URL'],
    ['IPS_USER', 'apiuser', 'IPS_USER: must be the e-mail address of the IPS API account'],
    ['IPS_API_VERSION', '2014-4-3', 'IPS_API_VERSION: must be an IPS API date'],
    ['IPS_API_VERSION', '2014-04-03-alpha', 'IPS_API_VERSION: must be an IPS API date'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
  ])('rejects %s=%s with one line naming the variable', (name, value, message) => {
    const problems = problemsFor({ ...VALID, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(message)).toBe(true);
  });

  it('reports each required variable that is missing, one line each, in a stable order', () => {
    expect(problemsFor({})).toEqual([
      'SLACK_BOT_TOKEN: required (a bot token starting with xoxb-)',
      "SLACK_SIGNING_SECRET: required in HTTP mode (the signing secret from the Slack app's Basic Information page); or set SLACK_APP_TOKEN to run in Socket Mode",
      'IPS_USER: required (the e-mail address of the IPS API account)',
      'IPS_PASSWORD: required (the password of the IPS API account)',
    ]);
  });

  it('collects every problem at once', () => {
    const problems = problemsFor({
      SLACK_BOT_TOKEN: 'nope',
      PORT: 'x',
      IPS_REGION: 'mars',
      LOG_LEVEL: 'loud',
    });
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'PORT',
      'IPS_REGION',
      'IPS_USER',
      'IPS_PASSWORD',
      'LOG_LEVEL',
    ]);
  });

  it('never echoes a secret value in a problem', () => {
    const secret = 'S3CRETvalueZZ9';
    const problems = problemsFor({
      ...VALID,
      SLACK_BOT_TOKEN: `xoxp-${secret}`,
      SLACK_APP_TOKEN: `xoxb-${secret}`,
      SLACK_SIGNING_SECRET: `${secret} ${secret}`,
      REDIS_URL: `http://user:${secret}@redis:6379`,
      SLACK_API_URL: `ftp://user:${secret}@slack`,
      IPS_API_URL: `ftp://user:${secret}@ips`,
      IPS_USER: `${secret}`,
    });
    expect(problems).toHaveLength(7);
    for (const p of problems) expect(p).not.toContain(secret);
  });

  it('never echoes a rejected token, whatever it holds (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'REDIS_URL', 'IPS_API_URL', 'SLACK_API_URL'),
        fc.stringMatching(/^[A-Za-z0-9]{16,40}$/),
        (name, secret) => {
          // A prefix no variable accepts, so the value is always rejected.
          const problems = problemsFor({ ...VALID, [name]: `xoxp-${secret}` });
          expect(problems).toHaveLength(1);
          expect(problems[0]).not.toContain(secret);
        },
      ),
    );
  });

  it('reads process.env by default', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, VALID, { PORT: '4321' });
      expect(loadEnv().port).toBe(4321);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
