import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const VALID_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'sig',
  IPS_USER: 'api@example.com',
  IPS_PASSWORD: 'pw',
};

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dmpurge-loadconfig-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the environment and the config file it names', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, 'companies:\n  - name: Acme\n    hosts: [s7d1.scene7.com]\n');
    const { env, config } = await loadConfig({ ...VALID_ENV, PURGE_CONFIG: file });
    expect(env.purgeConfigPath).toBe(file);
    expect(config.companies?.[0]?.name).toBe('Acme');
  });

  it('reports environment and config problems together', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'limits:\n  urlsPerCall: 0\n');
    const err: unknown = await loadConfig({ PORT: 'nope', PURGE_CONFIG: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.filter((p) => p.startsWith(`${file}: `))).toEqual([
      `${file}: limits.urlsPerCall: must be at least 1 (got 0)`,
    ]);
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'IPS_USER', 'IPS_PASSWORD']),
    );
  });

  it('reports a missing config file even when the environment is fine', async () => {
    const file = join(dir, 'nope.yml');
    await expect(loadConfig({ ...VALID_ENV, PURGE_CONFIG: file })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [expect.stringContaining(`${file}: file not found`)],
    });
  });
});
