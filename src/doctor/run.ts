import { defaultPurgeConfig } from '../config/purge-config.js';
import { redactUrl } from '../config/summary.js';
import type { Env, PurgeConfig } from '../config/types.js';
import { APP_NAME, APP_VERSION } from '../version.js';
import { checkConfigFile, configPathOf } from './checks/config-file.js';
import { checkEnvironment } from './checks/environment.js';
import { doctorIpsClient } from './checks/ips-client.js';
import { checkCompanies } from './checks/ips-companies.js';
import { checkIpsCredentials, type IpsCredentialsCheck } from './checks/ips-credentials.js';
import { checkRedis } from './checks/redis.js';
import { checkSlack } from './checks/slack.js';
import { exitCodeFor, formatResult, formatSummary } from './format.js';
import { createScrubber } from './scrub.js';
import { DEFAULT_CHECK_TIMEOUT_MS, describeMs, withTimeout } from './timeout.js';
import { type CheckResult, fail, skip } from './types.js';

export interface DoctorOptions {
  /** Limit for each check (each company counts as one); default 10 s. */
  timeoutMs?: number;
}

/** A check that throws is a doctor bug, but still a line in the report rather than a crash. */
async function guarded(name: string, work: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  try {
    return await work();
  } catch (err) {
    return [fail(name, `the check itself failed: ${err instanceof Error ? err.message : String(err)}`)];
  }
}

function timedOut(name: string, what: string, ms: number, fix: string): CheckResult[] {
  return [fail(name, `no answer from ${what} within ${describeMs(ms)}`, fix)];
}

function startRedis(env: Env, ms: number): Promise<CheckResult[]> {
  return guarded('redis', () =>
    withTimeout(
      ms,
      (signal) => checkRedis(env, Math.max(1, Math.floor(ms * 0.8)), signal),
      () =>
        timedOut('redis', redactUrl(env.redisUrl), ms, 'check REDIS_URL and that this host can reach Redis'),
    ),
  );
}

function startSlack(env: Env, ms: number): Promise<CheckResult[]> {
  return guarded('slack', () =>
    withTimeout(
      ms,
      () => checkSlack(env, ms),
      () =>
        timedOut(
          'slack',
          redactUrl(env.slackApiUrl),
          ms,
          'check SLACK_API_URL and that this host can reach it (proxy, firewall)',
        ),
    ),
  );
}

/**
 * Runs every check and hands each result to `emit` in report order. Redis, IPS and Slack are
 * contacted at the same time; the report still reads top to bottom.
 */
export async function collectResults(
  source: NodeJS.ProcessEnv,
  emit: (result: CheckResult) => void,
  options: DoctorOptions = {},
): Promise<CheckResult[]> {
  const ms = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const all: CheckResult[] = [];
  const report = (results: readonly CheckResult[]) => {
    for (const r of results) {
      all.push(r);
      emit(r);
    }
  };

  const environment = checkEnvironment(source);
  report(environment.results);
  const env = environment.env;
  const configFile = await checkConfigFile(configPathOf(env, source));
  report(configFile.results);
  const config: PurgeConfig | undefined = configFile.config;

  if (!env) {
    const reason = 'needs a valid environment (see above)';
    report(['redis', 'IPS credentials', 'companies', 'slack'].map((name) => skip(name, reason)));
    return all;
  }

  const redis = startRedis(env, ms);
  const slack = startSlack(env, ms);
  // With a broken config file the credentials can still be tried, with the default IPS settings.
  const ips = doctorIpsClient(env, (config ?? defaultPurgeConfig()).ips, ms);
  let memberships: IpsCredentialsCheck['memberships'];
  try {
    const credentials = guarded('IPS credentials', async () => {
      const check = await withTimeout<IpsCredentialsCheck>(
        ms,
        (signal) => checkIpsCredentials(ips, env, signal),
        () => ({
          memberships: undefined,
          results: timedOut(
            'IPS credentials',
            redactUrl(env.ipsApiUrl),
            ms,
            'check IPS_REGION or IPS_API_URL, and that this host can reach the endpoint (proxy, firewall)',
          ),
        }),
      );
      memberships = check.memberships;
      return check.results;
    });

    report(await redis);
    report(await credentials);
    if (!config) report([skip('companies', 'needs a valid config file (see above)')]);
    else if (!memberships) report([skip('companies', 'needs working IPS credentials (see above)')]);
    else {
      const known = memberships;
      report(await guarded('companies', () => checkCompanies(ips, env, config, known, ms)));
    }
    report(await slack);
  } finally {
    await ips.close();
  }
  return all;
}

/**
 * `dm-purge doctor`: checks the environment, the config file, Redis, IPS and Slack, writes one
 * line per check and a summary through `out`, and resolves with the exit code (1 when any check
 * failed). No line carries a secret.
 */
export async function runDoctor(
  source: NodeJS.ProcessEnv,
  out: (line: string) => void,
  options: DoctorOptions = {},
): Promise<number> {
  const scrub = createScrubber(source);
  const print = (line: string) => out(scrub(line));
  print(`${APP_NAME} ${APP_VERSION} doctor`);
  const results = await collectResults(
    source,
    (r) => {
      for (const line of formatResult(r)) print(line);
    },
    options,
  );
  print('');
  print(formatSummary(results));
  return exitCodeFor(results);
}
