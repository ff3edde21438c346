import { VARS } from '../config/env.js';

const CENSOR = '[redacted]';
/** Shorter values would blank ordinary words; the checks never print secrets in the first place. */
const MIN_SECRET_LENGTH = 4;
const URL_VARS = ['REDIS_URL', 'IPS_API_URL', 'SLACK_API_URL'] as const;

function urlPassword(value: string): string[] {
  try {
    const password = new URL(value).password;
    if (password === '') return [];
    let decoded = password;
    try {
      decoded = decodeURIComponent(password);
    } catch {
      // Keep the raw form only.
    }
    return [password, decoded];
  } catch {
    return [];
  }
}

/** Every secret value in `source`: the secret variables, and passwords inside URL variables. */
export function secretsOf(source: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  for (const [name, spec] of Object.entries(VARS)) {
    const value = source[name];
    if (spec.secret && value !== undefined) {
      found.add(value);
      found.add(value.trim());
    }
  }
  for (const name of URL_VARS) {
    const value = source[name];
    if (value !== undefined) for (const p of urlPassword(value.trim())) found.add(p);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...found].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * A last line of defence before printing: replaces any secret value of `source` in a line. The
 * checks are written to never include one; this keeps a future message from leaking it.
 */
export function createScrubber(source: NodeJS.ProcessEnv): (line: string) => string {
  const secrets = secretsOf(source);
  if (secrets.length === 0) return (line) => line;
  return (line) => {
    let out = line;
    for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, CENSOR);
    return out;
  };
}
