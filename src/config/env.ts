import { z } from 'zod';
import { ConfigError } from './errors.js';
import { IPS_REGIONS, ipsApiUrlForRegion } from './regions.js';
import type { Env, IpsRegion, LogLevel } from './types.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_PORT = 3000;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'dmpurge';
export const DEFAULT_IPS_API_VERSION = '2014-04-03';
export const DEFAULT_PURGE_CONFIG = './purge.config.yml';

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LogLevel[];

const httpUrl = z.url({ protocol: /^https?$/ });
const withTrailingSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/**
 * Validation only; the wording of every problem comes from `VARS` below, never from zod, so a
 * message can never carry a received secret.
 */
const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/),
  SLACK_SIGNING_SECRET: z.string().regex(/^\S+$/).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-\S+$/)
    .optional(),
  SLACK_API_URL: httpUrl.transform(withTrailingSlash).default(DEFAULT_SLACK_API_URL),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .refine((n) => n <= 65535)
    .default(DEFAULT_PORT),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default(DEFAULT_REDIS_URL),
  REDIS_CLUSTER: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((s) => s === 'true' || s === '1' || s === 'yes')
    .default(false),
  // Key builders wrap the prefix in `{…}` for Redis Cluster, so braces and colons would break keys.
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default(DEFAULT_REDIS_PREFIX),
  IPS_REGION: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(IPS_REGIONS as [IpsRegion, ...IpsRegion[]]))
    .default('na'),
  IPS_API_URL: httpUrl.optional(),
  IPS_USER: z.email(),
  IPS_PASSWORD: z.string().min(1),
  IPS_API_VERSION: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-beta)?$/)
    .default(DEFAULT_IPS_API_VERSION),
  PURGE_CONFIG: z.string().default(DEFAULT_PURGE_CONFIG),
  LOG_LEVEL: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .default('info'),
});

type EnvVar = keyof z.input<typeof envSchema>;

interface VarSpec {
  /** What a valid value looks like, in words an operator can act on. */
  expected: string;
  /** Echo the received value in problems? Only for values that cannot hold a secret. */
  echo: boolean;
  /** Only the variables that really are secrets, for callers that scrub text. */
  secret?: true;
}

/** Every variable, in the order problems are reported. */
export const VARS: Readonly<Record<EnvVar, VarSpec>> = {
  SLACK_BOT_TOKEN: { expected: 'a bot token starting with xoxb-', echo: false, secret: true },
  SLACK_SIGNING_SECRET: {
    expected: "the signing secret from the Slack app's Basic Information page",
    echo: false,
    secret: true,
  },
  SLACK_APP_TOKEN: { expected: 'an app-level token starting with xapp-', echo: false, secret: true },
  SLACK_API_URL: { expected: 'an http(s) URL such as https://slack.com/api/', echo: false },
  PORT: { expected: 'an integer from 0 to 65535', echo: true },
  // A Redis URL may carry a password, so it is never echoed.
  REDIS_URL: { expected: 'a redis:// or rediss:// URL', echo: false },
  REDIS_CLUSTER: { expected: 'true or false (REDIS_URL is then any node of a Redis Cluster)', echo: true },
  REDIS_PREFIX: { expected: 'letters, digits, "_", "." or "-" only (no braces or colons)', echo: true },
  IPS_REGION: { expected: `one of ${IPS_REGIONS.join(', ')}`, echo: true },
  IPS_API_URL: {
    expected:
      'the full http(s) URL of the IPS SOAP endpoint, e.g. https://s7sps1apissl.scene7.com/scene7/services/IpsApiService',
    echo: false,
  },
  IPS_USER: { expected: 'the e-mail address of the IPS API account', echo: false },
  IPS_PASSWORD: { expected: 'the password of the IPS API account', echo: false, secret: true },
  IPS_API_VERSION: {
    expected: 'an IPS API date such as 2014-04-03 (YYYY-MM-DD, optionally -beta)',
    echo: true,
  },
  PURGE_CONFIG: { expected: 'the path of the purge config file', echo: true },
  LOG_LEVEL: { expected: `one of ${LOG_LEVELS.join(', ')}`, echo: true },
};

const ENV_VARS = Object.keys(VARS) as EnvVar[];

/** Leading/trailing blanks in a password may be deliberate; anywhere else they are paste accidents. */
const KEEP_BLANKS: ReadonlySet<EnvVar> = new Set(['IPS_PASSWORD']);

function describeInvalid(name: EnvVar, value: string): string {
  const spec = VARS[name];
  const shown = spec.echo
    ? ` (got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`
    : '';
  return `${name}: must be ${spec.expected}${shown}`;
}

/**
 * Reads and validates the environment. Empty (or blank) values count as unset. Throws a
 * ConfigError with one line per problem; no line ever contains a received secret.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw: Partial<Record<EnvVar, string>> = {};
  for (const name of ENV_VARS) {
    const value = source[name];
    if (value === undefined || value.trim() === '') continue;
    raw[name] = KEEP_BLANKS.has(name) ? value : value.trim();
  }

  const result = envSchema.safeParse(raw);
  const bad = new Set<EnvVar>();
  if (!result.success) {
    for (const issue of result.error.issues) bad.add(issue.path[0] as EnvVar);
  }
  // Socket Mode does not sign requests; HTTP mode cannot verify them without the secret.
  const missingSecret = raw.SLACK_SIGNING_SECRET === undefined && raw.SLACK_APP_TOKEN === undefined;

  const problems: string[] = [];
  for (const name of ENV_VARS) {
    if (name === 'SLACK_SIGNING_SECRET' && missingSecret) {
      problems.push(
        `SLACK_SIGNING_SECRET: required in HTTP mode (${VARS.SLACK_SIGNING_SECRET.expected}); or set SLACK_APP_TOKEN to run in Socket Mode`,
      );
      continue;
    }
    if (!bad.has(name)) continue;
    const value = raw[name];
    problems.push(
      value === undefined ? `${name}: required (${VARS[name].expected})` : describeInvalid(name, value),
    );
  }
  if (!result.success) throw new ConfigError(problems.length > 0 ? problems : ['environment: invalid']);
  if (problems.length > 0) throw new ConfigError(problems);

  const v = result.data;
  return {
    slackBotToken: v.SLACK_BOT_TOKEN,
    slackSigningSecret: v.SLACK_SIGNING_SECRET,
    slackAppToken: v.SLACK_APP_TOKEN,
    slackApiUrl: v.SLACK_API_URL,
    port: v.PORT,
    redisUrl: v.REDIS_URL,
    redisCluster: v.REDIS_CLUSTER,
    redisPrefix: v.REDIS_PREFIX,
    ipsRegion: v.IPS_REGION,
    ipsApiUrl: v.IPS_API_URL ?? ipsApiUrlForRegion(v.IPS_REGION),
    ipsUser: v.IPS_USER,
    ipsPassword: v.IPS_PASSWORD,
    ipsApiVersion: v.IPS_API_VERSION,
    purgeConfigPath: v.PURGE_CONFIG,
    logLevel: v.LOG_LEVEL,
  };
}
