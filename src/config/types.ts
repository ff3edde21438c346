/**
 * The configuration contract shared by every part of the flow. The zod schemas in this folder
 * produce exactly these shapes; the rest of the code depends only on these types.
 */

export type IpsRegion = 'na' | 'emea' | 'apac';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Parsed environment (design.md, "Environment"). */
export interface Env {
  slackBotToken: string;
  /** Required unless `slackAppToken` is set (Socket Mode). */
  slackSigningSecret: string | undefined;
  /** When set the app runs in Socket Mode. */
  slackAppToken: string | undefined;
  /** Always ends with `/`. */
  slackApiUrl: string;
  port: number;
  redisUrl: string;
  /** `redisUrl` is a seed node of a Redis Cluster. */
  redisCluster: boolean;
  /** Plain prefix as given (e.g. `dmpurge`); key builders add the `{…}` hash tag. */
  redisPrefix: string;
  ipsRegion: IpsRegion;
  /** Full SOAP endpoint, derived from the region when `IPS_API_URL` is unset. */
  ipsApiUrl: string;
  ipsUser: string;
  ipsPassword: string;
  /** Namespace date, e.g. `2014-04-03`. */
  ipsApiVersion: string;
  purgeConfigPath: string;
  logLevel: LogLevel;
}

export interface CompanyConfig {
  /** IPS company name; the handle and root ID come from getCompanyInfo. */
  name: string;
  /** Lower-case delivery host names; an entry may be a wildcard such as `*.scene7.com`. */
  hosts: string[];
  /** URL templates, each containing `<ID>`. Empty when none are configured. */
  templates: string[];
  /** Slack user IDs (`U…`/`W…`) or e-mail addresses. */
  admins: string[];
  /** Optional Slack channel ID where every purge of this company is announced. */
  channel: string | undefined;
}

export interface AccessConfig {
  globalAdmins: string[];
  verifyWithIps: boolean;
}

export interface Limits {
  maxUrlsPerPurge: number;
  urlsPerCall: number;
  callsPerMinutePerCompany: number;
  dedupeSeconds: number;
}

/** Engine tunables; every value has a default so the section is optional in the file. */
export interface EngineConfig {
  /** Attempts per IPS call for retryable transport errors (first try included). */
  attempts: number;
  /** First retry delay; later retries double it, with jitter. */
  backoffMs: number;
  /** Added to `submittedAt + estimatedSeconds` before the confirmation fires. */
  confirmGraceMs: number;
  /** How long a finished purge stays in Redis. */
  retentionDays: number;
  /** How long SIGTERM waits for running jobs. */
  shutdownDeadlineMs: number;
  /** BullMQ job lock; a replica that dies holding a job loses it after about this long. */
  lockDurationMs: number;
  /** How often workers look for jobs whose replica died (BullMQ stalled-job check). */
  stalledIntervalMs: number;
  /** How often the outbox sweep re-queues accepted purges whose job went missing. */
  recoverySweepMs: number;
  /** How long a replica owns a confirmation it is sending before another may retry it. */
  claimLeaseMs: number;
}

/** IPS client tunables ("[?]"/"[I]" facts of the reference are configurable here). */
export interface IpsTuning {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connections: number;
  /** Namespace of the SOAP authHeader: the versioned one (default, seen in real traffic) or the base one. */
  authHeaderNamespace: 'versioned' | 'base';
  /** Sent as authHeader/faultHttpStatusCode when set. */
  faultHttpStatusCode: number | undefined;
  locale: string;
}

export interface PurgeConfig {
  /** Undefined when the file has no `companies` key: serve every company the IPS account administers. */
  companies: CompanyConfig[] | undefined;
  access: AccessConfig;
  limits: Limits;
  engine: EngineConfig;
  ips: IpsTuning;
}
