import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatResult, formatSummary, tally } from './format.js';
import { type CheckResult, fail, ok, skip, warn } from './types.js';

describe('formatResult', () => {
  it('prints ok lines without a fix', () => {
    expect(formatResult(ok('redis', 'answers'))).toEqual(['✓ redis — answers']);
  });

  it('prints a failure with its fix indented below', () => {
    expect(formatResult(fail('redis', 'cannot connect', 'start Redis'))).toEqual([
      '✗ redis — cannot connect',
      '    fix: start Redis',
    ]);
  });

  it('prints a warning with its fix', () => {
    expect(formatResult(warn('redis persistence', 'off', 'enable AOF'))).toEqual([
      '! redis persistence — off',
      '    fix: enable AOF',
    ]);
  });

  it('says why a check was skipped, and never prints a fix for it', () => {
    const r: CheckResult = { status: 'skip', name: 'companies', detail: 'needs IPS', fix: 'ignored' };
    expect(formatResult(r)).toEqual(['- companies — skipped: needs IPS']);
  });
});

describe('summary and exit code', () => {
  const results = [ok('a', ''), ok('b', ''), warn('c', ''), skip('d', '')];

  it('counts each status', () => {
    expect(tally(results)).toEqual({ ok: 2, warn: 1, fail: 0, skip: 1 });
  });

  it('exits 0 with warnings only, 1 with any failure', () => {
    expect(exitCodeFor(results)).toBe(0);
    expect(exitCodeFor([...results, fail('e', '')])).toBe(1);
    expect(exitCodeFor([])).toBe(0);
  });

  it('says ready, ready with warnings, or what to fix', () => {
    expect(formatSummary([ok('a', '')])).toBe('1 ok, 0 warnings, 0 failed: ready to start');
    expect(formatSummary(results)).toBe(
      '2 ok, 1 warning, 0 failed, 1 skipped: ready to start; the warnings above deserve a look',
    );
    expect(formatSummary([ok('a', ''), fail('b', ''), fail('c', '')])).toBe(
      '1 ok, 0 warnings, 2 failed: fix the 2 problems marked ✗ and run doctor again',
    );
  });
});
