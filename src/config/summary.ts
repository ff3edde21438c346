import type { Env, PurgeConfig } from './types.js';

/** A Redis URL without its credentials, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '[unparseable]';
  }
}

/**
 * What the process runs with, for the start-up log line. Built field by field from an allow-list,
 * so a secret added to Env later cannot leak here by accident.
 */
export function configSummary(env: Env, config: PurgeConfig): Record<string, unknown> {
  return {
    mode: env.slackAppToken === undefined ? 'http' : 'socket',
    slackApiUrl: env.slackApiUrl,
    redisUrl: redactUrl(env.redisUrl),
    redisCluster: env.redisCluster,
    redisPrefix: env.redisPrefix,
    ipsRegion: env.ipsRegion,
    ipsApiUrl: env.ipsApiUrl,
    ipsApiVersion: env.ipsApiVersion,
    ipsUser: env.ipsUser,
    purgeConfig: env.purgeConfigPath,
    companies:
      config.companies === undefined
        ? 'all administered by the IPS account'
        : config.companies.map((c) => c.name),
    limits: config.limits,
  };
}
