/** What one doctor check concluded; a check may report several lines. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** Short subject, e.g. `environment`, `redis version`, `company JJEsquire`. */
  name: string;
  /** What was found (ok, warn), what is wrong (fail) or why it did not run (skip). */
  detail: string;
  /** What the operator can do about it; printed under a fail or warn line. */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ status: 'ok', name, detail });

export const warn = (name: string, detail: string, fix?: string): CheckResult =>
  fix === undefined ? { status: 'warn', name, detail } : { status: 'warn', name, detail, fix };

export const fail = (name: string, detail: string, fix?: string): CheckResult =>
  fix === undefined ? { status: 'fail', name, detail } : { status: 'fail', name, detail, fix };

export const skip = (name: string, reason: string): CheckResult => ({ status: 'skip', name, detail: reason });
