import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigFile, configPathOf } from './config-file.js';

describe('checkConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dmpurge-doctor-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('counts the configured companies', async () => {
    const path = await file(
      'two.yml',
      'companies:\n  - name: Acme\n    hosts: [a.scene7.com]\n  - name: Beta\n    hosts: [b.scene7.com]\n',
    );
    const { config, results } = await checkConfigFile(path);
    expect(config?.companies).toHaveLength(2);
    expect(results).toEqual([
      { status: 'ok', name: 'config file', detail: `${path}: 2 companies (Acme, Beta)` },
    ]);
  });

  it('says all administered companies are served without a companies key', async () => {
    const { results } = await checkConfigFile(await file('all.yml', 'limits:\n  urlsPerCall: 500\n'));
    expect(results[0]?.status).toBe('ok');
    expect(results[0]?.detail).toContain('all companies the IPS account administers');
  });

  it('fails once per problem, with the key path', async () => {
    const path = await file('bad.yml', 'limits:\n  urlsPerCall: 0\ncompanies:\n  - name: Acme\n');
    const { config, results } = await checkConfigFile(path);
    expect(config).toBeUndefined();
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results.map((r) => r.detail)).toEqual(
      expect.arrayContaining([
        `${path}: limits.urlsPerCall: must be at least 1 (got 0)`,
        `${path}: companies[0].hosts: required`,
      ]),
    );
    expect(results[0]?.fix).toContain('purge.config.example.yml');
  });

  it('tells how to create a missing file', async () => {
    const path = join(dir, 'missing.yml');
    const { results } = await checkConfigFile(path);
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.fix).toBe(
      `cp purge.config.example.yml ${path} and edit it, or set PURGE_CONFIG to your config file`,
    );
  });

  it('finds the file from the environment, or from PURGE_CONFIG when the environment is broken', () => {
    expect(configPathOf(undefined, { PURGE_CONFIG: ' /etc/x.yml ' })).toBe('/etc/x.yml');
    expect(configPathOf(undefined, {})).toBe('./purge.config.yml');
  });
});
