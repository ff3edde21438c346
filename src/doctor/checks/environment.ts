import { loadEnv } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/types.js';
import { type CheckResult, fail, ok } from '../types.js';

export interface EnvironmentCheck {
  results: CheckResult[];
  /** Undefined when the environment has problems; checks that need it are then skipped. */
  env: Env | undefined;
}

const NAME = 'environment';

/** The variable a loadEnv problem line names (`IPS_USER: required …`). */
function variableOf(problem: string): string | undefined {
  return /^([A-Z][A-Z0-9_]*):/.exec(problem)?.[1];
}

function fixFor(problem: string): string {
  const name = variableOf(problem);
  if (name === 'SLACK_SIGNING_SECRET') {
    return 'set SLACK_SIGNING_SECRET (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode';
  }
  if (name === 'SLACK_APP_TOKEN') {
    return 'use an app-level token (xapp-…, from Basic Information → App-Level Tokens, scope connections:write), or unset it for HTTP mode';
  }
  return name === undefined
    ? 'see .env.example for every variable'
    : `set ${name} as described in .env.example`;
}

/**
 * Validates the environment with the app's own loader. Problems come from loadEnv, whose lines
 * never carry a secret value.
 */
export function checkEnvironment(source: NodeJS.ProcessEnv): EnvironmentCheck {
  try {
    const env = loadEnv(source);
    const mode =
      env.slackAppToken === undefined
        ? `HTTP mode (Slack requests on port ${env.port} at /slack/events)`
        : 'Socket Mode (SLACK_APP_TOKEN set)';
    return { env, results: [ok(NAME, `${mode}; IPS region ${env.ipsRegion}, user ${env.ipsUser}`)] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { env: undefined, results: err.problems.map((p) => fail(NAME, p, fixFor(p))) };
  }
}
