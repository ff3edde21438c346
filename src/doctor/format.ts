import type { CheckResult, CheckStatus } from './types.js';

export const SYMBOLS: Readonly<Record<CheckStatus, string>> = {
  ok: '✓',
  warn: '!',
  fail: '✗',
  skip: '-',
};

/** One check as printed: `✓ name — detail`, plus an indented `fix:` line for a problem or warning. */
export function formatResult(r: CheckResult): string[] {
  const detail = r.status === 'skip' ? `skipped: ${r.detail}` : r.detail;
  const lines = [`${SYMBOLS[r.status]} ${r.name} — ${detail}`];
  if (r.fix !== undefined && (r.status === 'fail' || r.status === 'warn')) lines.push(`    fix: ${r.fix}`);
  return lines;
}

export interface Tally {
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

export function tally(results: readonly CheckResult[]): Tally {
  const t: Tally = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) t[r.status]++;
  return t;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The closing line: counts, then whether the setup is ready to run. */
export function formatSummary(results: readonly CheckResult[]): string {
  const t = tally(results);
  const counts = [
    `${t.ok} ok`,
    plural(t.warn, 'warning'),
    `${t.fail} failed`,
    ...(t.skip > 0 ? [`${t.skip} skipped`] : []),
  ].join(', ');
  if (t.fail > 0) return `${counts}: fix the ${plural(t.fail, 'problem')} marked ✗ and run doctor again`;
  if (t.warn > 0) return `${counts}: ready to start; the warnings above deserve a look`;
  return `${counts}: ready to start`;
}

/** 1 when any check failed, else 0 (warnings do not fail). */
export function exitCodeFor(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
