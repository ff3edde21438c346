import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folder map of design.md: the imports each part of the flow must not make. Checked on the
 * sources (tests may reach anywhere), so a shortcut across the map fails here rather than in review.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

type Rule = { folder?: string; packagePrefix?: string; why: string };

const FORBIDDEN: Record<string, Rule[]> = {
  config: ['ips', 'intake', 'access', 'purge', 'slack', 'http'].map((folder) => ({
    folder,
    why: 'config is loaded before anything else',
  })),
  ips: [
    { folder: 'slack', why: 'the IPS client knows no Slack' },
    { packagePrefix: '@slack/', why: 'the IPS client knows no Slack' },
    { folder: 'purge', why: 'Redis lives in purge/' },
    { packagePrefix: 'ioredis', why: 'the IPS client uses no Redis' },
    { packagePrefix: 'bullmq', why: 'the IPS client uses no Redis' },
  ],
  intake: [
    { packagePrefix: '@slack/', why: 'intake reads plain payloads, not the Slack SDK' },
    { folder: 'slack', why: 'intake reads plain payloads' },
    { packagePrefix: 'ioredis', why: 'intake is pure' },
    { packagePrefix: 'bullmq', why: 'intake is pure' },
    { folder: 'purge', why: 'intake is pure' },
    { folder: 'ips', why: 'intake does not call IPS' },
    { packagePrefix: 'undici', why: 'intake does not call IPS' },
  ],
  access: [
    { packagePrefix: '@slack/', why: 'access takes an e-mail lookup function instead' },
    { folder: 'slack', why: 'access takes an e-mail lookup function instead' },
  ],
  purge: [
    { packagePrefix: '@slack/', why: 'the domain talks to Slack only through Notifier' },
    { folder: 'slack', why: 'the domain talks to Slack only through Notifier' },
  ],
  slack: [{ folder: 'ips', why: 'Slack reaches IPS only through the domain and access' }],
  http: ['ips', 'intake', 'access', 'purge', 'slack'].map((folder) => ({
    folder,
    why: 'routes see the app through the checks they are given, not its internals',
  })),
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((m) => m[1] as string);
}

/** `purge` for src/purge/…, undefined for the files at the top of src/ and for packages. */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return undefined;
  const [first, ...rest] = rel.split(/[\\/]/);
  return rest.length > 0 ? first : undefined;
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    const rules = from ? FORBIDDEN[from] : undefined;
    if (!rules) continue;
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? folderOf(resolve(dirname(file), spec)) : undefined;
      for (const rule of rules) {
        const hit =
          (rule.folder !== undefined && target === rule.folder) ||
          (rule.packagePrefix !== undefined && !spec.startsWith('.') && spec.startsWith(rule.packagePrefix));
        if (hit) found.push(`${relative(SRC, file)} imports ${spec}: ${rule.why}`);
      }
    }
  }
  return found;
}

describe('folder map (design.md)', () => {
  it('no part of the flow imports what the map forbids it', () => {
    expect(violations()).toEqual([]);
  });

  it('the check sees imports: every folder it guards has files that import something', () => {
    const guarded = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const f = folderOf(file);
      if (f && FORBIDDEN[f] && importsOf(file).length > 0) guarded.add(f);
    }
    expect([...guarded].sort()).toEqual(Object.keys(FORBIDDEN).sort());
  });
});
