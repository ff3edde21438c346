import { LogLevel, type Logger as SlackLogger, webApi } from '@slack/bolt';
import { redactUrl } from '../../config/summary.js';
import type { Env } from '../../config/types.js';
import { type CheckResult, fail, ok, warn } from '../types.js';
import { missingScopes, REQUIRED_BOT_SCOPES } from './slack-scopes.js';

const NAME = 'slack';
const SCOPES = 'slack scopes';

/** Errors that mean the token itself is wrong, as auth.test reports them. */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'not_allowed_token_type',
]);

/** WebClient logs failed attempts itself; doctor reports them in its own words instead. */
const quiet: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** fetch says only "fetch failed"; the socket error (ECONNREFUSED, ENOTFOUND, …) is its cause. */
function withCause(err: Error): string {
  const cause: unknown = err.cause;
  if (!(cause instanceof Error)) return err.message;
  const code = (cause as NodeJS.ErrnoException).code;
  return `${err.message} (${code ?? cause.message})`;
}

function scopesResult(scopes: readonly string[] | undefined): CheckResult {
  if (scopes === undefined) {
    return warn(
      SCOPES,
      'Slack did not report the scopes of SLACK_BOT_TOKEN (no x-oauth-scopes header), so they were not compared',
      `make sure the app has the bot scopes of manifest.yml: ${REQUIRED_BOT_SCOPES.join(', ')}`,
    );
  }
  const missing = missingScopes(scopes);
  if (missing.length === 0) {
    return ok(SCOPES, `all ${REQUIRED_BOT_SCOPES.length} bot scopes of manifest.yml granted`);
  }
  return fail(
    SCOPES,
    `SLACK_BOT_TOKEN lacks ${missing.length === 1 ? 'the scope' : 'the scopes'} ${missing.join(', ')}`,
    'add them under OAuth & Permissions, or reinstall the app from manifest.yml, then use the new bot token',
  );
}

function failure(err: unknown, apiUrl: string): CheckResult {
  const networkFix = 'check SLACK_API_URL and that this host can reach it (proxy, firewall, DNS)';
  if (err instanceof webApi.WebAPIPlatformError) {
    const error = err.data.error;
    if (TOKEN_ERRORS.has(error)) {
      return fail(
        NAME,
        `Slack refused SLACK_BOT_TOKEN (${error})`,
        'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; reinstall the app if it was revoked',
      );
    }
    return fail(NAME, `auth.test answered ${error}`, 'see https://api.slack.com/methods/auth.test#errors');
  }
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return fail(
      NAME,
      `Slack rate-limited auth.test (retry after ${err.retryAfter} s), so nothing was verified`,
      'run doctor again in a minute',
    );
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    return fail(NAME, `${apiUrl} answered HTTP ${err.statusCode} to auth.test`, networkFix);
  }
  if (err instanceof webApi.WebAPIRequestError) {
    return fail(NAME, `cannot reach Slack at ${apiUrl}: ${withCause(err.original)}`, networkFix);
  }
  return fail(NAME, `auth.test failed: ${err instanceof Error ? err.message : String(err)}`, networkFix);
}

/**
 * `auth.test` with the bot token: who the bot is, and which scopes the token carries (Slack sends
 * them in the x-oauth-scopes header; WebClient puts them on response_metadata.scopes).
 */
export async function checkSlack(env: Env, timeoutMs: number): Promise<CheckResult[]> {
  const apiUrl = redactUrl(env.slackApiUrl);
  const client = new webApi.WebClient(env.slackBotToken, {
    slackApiUrl: env.slackApiUrl,
    logger: quiet,
    // One retry at most, and both attempts within the check's time.
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 200, randomize: false },
    timeout: Math.max(1, Math.floor((timeoutMs - 200) / 2)),
    rejectRateLimitedCalls: true,
  });
  try {
    const res = await client.auth.test();
    const team = `${text(res.team) ?? '?'} (${text(res.team_id) ?? '?'})`;
    const bot = `${text(res.user) ?? '?'} (${text(res.user_id) ?? '?'})`;
    return [
      ok(NAME, `team ${team}, bot user ${bot}, via ${apiUrl}`),
      scopesResult(res.response_metadata?.scopes),
    ];
  } catch (err) {
    return [failure(err, apiUrl)];
  }
}
