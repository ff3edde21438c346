import { describe, expect, it } from 'vitest';
import { assessRedis, compareVersions, parseInfo, parseVersion, type RedisFacts } from './redis-assess.js';

const GOOD: RedisFacts = {
  version: '7.2.4',
  mode: 'standalone',
  maxmemoryPolicy: { ok: true, value: 'noeviction' },
  aofEnabled: true,
  rdbSave: { ok: true, value: '' },
  write: { ok: true, value: true },
};

const TAG = '{dmpurge}';

function line(facts: Partial<RedisFacts>, name: string) {
  const found = assessRedis({ ...GOOD, ...facts }, TAG).find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} line`);
  return found;
}

describe('parseInfo', () => {
  it('reads key:value lines and skips section headers and blanks, CRLF included', () => {
    const info = parseInfo(
      '# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Other\r\nx:a:b\r\n',
    );
    expect(info.get('redis_version')).toBe('7.0.15');
    expect(info.get('redis_mode')).toBe('standalone');
    expect(info.get('x')).toBe('a:b');
    expect(info.has('# Server')).toBe(false);
  });
});

describe('versions', () => {
  it.each([
    ['7.0.15', [7, 0, 15]],
    ['6.2', [6, 2, 0]],
    ['5', [5, 0, 0]],
    ['7.4.0-rc1', [7, 4, 0]],
  ] as const)('parses %s', (text, parts) => {
    expect(parseVersion(text)).toEqual(parts);
  });

  it('rejects text that is not a version', () => {
    expect(parseVersion('unknown')).toBeUndefined();
  });

  it('compares numerically, not as text', () => {
    expect(compareVersions([6, 10, 0], [6, 2, 0])).toBeGreaterThan(0);
    expect(compareVersions([6, 2, 0], [6, 2, 0])).toBe(0);
    expect(compareVersions([4, 9, 9], [5, 0, 0])).toBeLessThan(0);
  });
});

describe('assessRedis', () => {
  it('passes a well set-up server on every line', () => {
    const results = assessRedis(GOOD, TAG);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['redis version', 'ok'],
      ['redis maxmemory-policy', 'ok'],
      ['redis persistence', 'ok'],
      ['redis keys', 'ok'],
    ]);
    expect(results[3]?.detail).toContain('{dmpurge}:');
  });

  it.each([
    ['4.0.14', 'fail'],
    ['5.0.0', 'warn'],
    ['6.0.16', 'warn'],
    ['6.2.0', 'ok'],
    ['7.0.15', 'ok'],
    ['10.0.1', 'ok'],
  ] as const)('judges Redis %s as %s', (version, status) => {
    expect(line({ version }, 'redis version').status).toBe(status);
  });

  it('warns when the server reports no version it can read', () => {
    expect(line({ version: undefined }, 'redis version').status).toBe('warn');
    expect(line({ version: 'garbage' }, 'redis version').status).toBe('warn');
  });

  it('fails any eviction policy but noeviction, naming it', () => {
    const r = line({ maxmemoryPolicy: { ok: true, value: 'allkeys-lru' } }, 'redis maxmemory-policy');
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('allkeys-lru');
    expect(r.fix).toContain('noeviction');
  });

  it('only warns when CONFIG is disabled, with a note about managed Redis', () => {
    const r = line(
      { maxmemoryPolicy: { ok: false, error: "ERR unknown command 'CONFIG'" } },
      'redis maxmemory-policy',
    );
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/managed/);
  });

  it('accepts AOF or RDB snapshots as persistence', () => {
    expect(line({ aofEnabled: true, rdbSave: { ok: true, value: '' } }, 'redis persistence').status).toBe(
      'ok',
    );
    const rdb = line(
      { aofEnabled: false, rdbSave: { ok: true, value: '3600 1 300 100' } },
      'redis persistence',
    );
    expect(rdb.status).toBe('ok');
    expect(rdb.detail).toContain('3600 1 300 100');
  });

  it('warns that purges would be lost when neither is on, or when it cannot tell', () => {
    const none = line({ aofEnabled: false, rdbSave: { ok: true, value: '' } }, 'redis persistence');
    expect(none.status).toBe('warn');
    expect(none.detail).toContain('accepted purges would be lost on a Redis restart');
    const unknown = line(
      { aofEnabled: false, rdbSave: { ok: false, error: 'ERR unknown command' } },
      'redis persistence',
    );
    expect(unknown.status).toBe('warn');
    expect(unknown.detail).toContain('accepted purges would be lost on a Redis restart');
  });

  it.each([
    ['READONLY You can not write against a read only replica.', 'read-only replica', 'primary'],
    ['NOPERM this user has no permissions to access one of the keys', 'permission', '~{dmpurge}:*'],
    ['OOM command not allowed', 'OOM', 'logs'],
  ])('fails when keys cannot be written: %s', (error, detail, fix) => {
    const r = line({ write: { ok: false, error } }, 'redis keys');
    expect(r.status).toBe('fail');
    expect(r.detail).toContain(detail);
    expect(r.fix).toContain(fix);
  });
});
