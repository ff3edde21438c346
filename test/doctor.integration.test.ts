import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_BOT_SCOPES } from '../src/doctor/checks/slack-scopes.js';
import { collectResults, runDoctor } from '../src/doctor/run.js';
import type { CheckResult } from '../src/doctor/types.js';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './support/ips-simulator.js';
import {
  deleteKeysWithPrefix,
  type OwnRedis,
  startOwnRedis,
  TEST_REDIS_URL,
  testPrefix,
} from './support/redis.js';
import { type SlackSimulator, startSlackSimulator } from './support/slack-simulator.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Distinctive values, so a leak anywhere in the output is found by a plain search. */
const SECRETS = {
  bot: 'xoxb-DOCTORINTEGRATIONBOTTOKEN',
  signing: 'DOCTORINTEGRATIONSIGNINGSECRET',
  app: 'xapp-1-DOCTORINTEGRATIONAPPTOKEN',
  ips: 'Doctor-IPS-Pa55word',
  wrongIps: 'Doctor-Wrong-Pa55word',
  redis: 'DOCTORREDISPASSWORD',
};

const GOOD_CONFIG = `companies:
  - name: JJEsquire
    hosts: [s7d7.scene7.com, images.jjesquire.com]
    templates:
      - https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$
      - https://images.jjesquire.com/is/image/JJEsquire/<ID>?$product$
  - name: Example.com
    hosts: ["*.scene7.com"]
`;

interface Run {
  code: number;
  lines: string[];
  text: string;
}

describe('dm-purge doctor', () => {
  const prefix = testPrefix('doctor');
  let dir: string;
  let ips: IpsSimulator;
  let slack: SlackSimulator;
  let slackMissingScope: SlackSimulator;
  let ownRedis: OwnRedis;
  let redis: Redis;
  let goodConfig: string;
  const outputs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dmpurge-doctor-'));
    ips = await startIpsSimulator({
      users: SIM_DEFAULTS.users.map((u) =>
        u.user === SIM_DEFAULTS.user ? { ...u, password: SECRETS.ips } : u,
      ),
    });
    slack = await startSlackSimulator({ botToken: SECRETS.bot, scopes: [...REQUIRED_BOT_SCOPES] });
    slackMissingScope = await startSlackSimulator({
      botToken: SECRETS.bot,
      scopes: REQUIRED_BOT_SCOPES.filter((s) => s !== 'users:read.email'),
    });
    ownRedis = await startOwnRedis();
    redis = new Redis(TEST_REDIS_URL);
    goodConfig = await writeConfig('good.yml', GOOD_CONFIG);
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await Promise.all([ips.close(), slack.close(), slackMissingScope.close(), ownRedis.dispose()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function writeConfig(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  /** A complete, correct environment (HTTP mode) against the simulators and the shared Redis. */
  function goodEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      SLACK_BOT_TOKEN: SECRETS.bot,
      SLACK_SIGNING_SECRET: SECRETS.signing,
      SLACK_API_URL: slack.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      IPS_API_URL: ips.url,
      IPS_USER: SIM_DEFAULTS.user,
      IPS_PASSWORD: SECRETS.ips,
      PURGE_CONFIG: goodConfig,
      ...overrides,
    };
  }

  async function doctor(env: Record<string, string>, timeoutMs?: number): Promise<Run> {
    const lines: string[] = [];
    const code = await runDoctor(env, (line) => lines.push(line), timeoutMs ? { timeoutMs } : {});
    const text = lines.join('\n');
    outputs.push(text);
    return { code, lines, text };
  }

  /** Result lines (the header, fixes, the blank line and the summary left out). */
  function checkLines(run: Run): string[] {
    return run.lines.slice(1, -2).filter((l) => !l.startsWith('    fix: '));
  }

  it('passes every check for a good setup, and exits 0', async () => {
    const run = await doctor(goodEnv({ REDIS_URL: ownRedis.url }));
    expect(run.code).toBe(0);
    const lines = checkLines(run);
    expect(lines.filter((l) => !l.startsWith('✓ '))).toEqual([]);
    for (const name of [
      'environment',
      'config file',
      'redis',
      'redis version',
      'redis maxmemory-policy',
      'redis persistence',
      'redis keys',
      'IPS credentials',
      'company JJEsquire',
      'company Example.com',
      'slack',
      'slack scopes',
    ]) {
      expect(lines.some((l) => l.startsWith(`✓ ${name} — `))).toBe(true);
    }
    expect(run.text).toContain('✓ company JJEsquire — handle c|6, root ID JJEsquire');
    expect(run.lines.at(-1)).toMatch(/0 failed: ready to start$/);
  });

  it('fails on a wrong IPS password with fault 10001, skips the companies, and exits 1', async () => {
    const run = await doctor(goodEnv({ IPS_PASSWORD: SECRETS.wrongIps }));
    expect(run.code).toBe(1);
    const line = run.lines.find((l) => l.startsWith('✗ IPS credentials — '));
    expect(line).toContain('IPS refused IPS_USER/IPS_PASSWORD');
    expect(line).toContain('10001');
    expect(run.text).toContain('- companies — skipped: needs working IPS credentials');
    // Nothing else depends on IPS, so the rest still ran.
    expect(run.text).toContain('✓ slack — ');
    expect(run.text).toContain('✓ redis — ');
  });

  it('fails a configured company the account is only IpsUser of', async () => {
    const config = await writeConfig(
      'otherco.yml',
      `${GOOD_CONFIG}  - name: OtherCo\n    hosts: [s7d1.scene7.com]\n`,
    );
    const run = await doctor(goodEnv({ PURGE_CONFIG: config }));
    expect(run.code).toBe(1);
    expect(run.text).toContain('✓ company JJEsquire — ');
    const line = run.lines.find((l) => l.startsWith('✗ company OtherCo — '));
    expect(line).toContain('IpsUser');
    expect(line).toContain('cdnCacheInvalidation needs IpsCompanyAdmin');
  });

  it('fails when the bot token lacks a manifest scope, naming it', async () => {
    const run = await doctor(goodEnv({ SLACK_API_URL: slackMissingScope.url }));
    expect(run.code).toBe(1);
    const i = run.lines.findIndex((l) => l.startsWith('✗ slack scopes — '));
    expect(run.lines[i]).toContain('users:read.email');
    expect(run.lines[i + 1]).toContain('reinstall the app from manifest.yml');
  });

  it('fails a config file with an error, giving the key path, and skips the companies', async () => {
    const config = await writeConfig(
      'bad.yml',
      'companies:\n  - name: JJEsquire\n    hosts: [s7d7.scene7.com]\n    admins: [bob]\nlimits:\n  urlsPerCall: 5000\n',
    );
    const run = await doctor(goodEnv({ PURGE_CONFIG: config }));
    expect(run.code).toBe(1);
    expect(run.text).toContain(`✗ config file — ${config}: companies[0].admins[0]: must be a Slack user ID`);
    expect(run.text).toContain(`✗ config file — ${config}: limits.urlsPerCall: must be at most 1000`);
    expect(run.text).toContain('- companies — skipped: needs a valid config file');
    // The credentials are still tried, with the default IPS settings.
    expect(run.text).toContain('✓ IPS credentials — ');
  });

  it('serves every administered company without a companies key, and says which are left out', async () => {
    const config = await writeConfig('all.yml', 'access:\n  verifyWithIps: true\n');
    const run = await doctor(goodEnv({ PURGE_CONFIG: config }));
    expect(run.text).toContain('✓ company JJEsquire — ');
    expect(run.text).toContain('✓ company Example.com — ');
    expect(run.text).toContain(
      '! companies — not served, as cdnCacheInvalidation needs IpsCompanyAdmin: OtherCo (IpsUser)',
    );
    expect(run.text).not.toContain('✗ ');
  });

  it('reports each environment problem and skips what needs the environment', async () => {
    const { SLACK_BOT_TOKEN: _bot, ...rest } = goodEnv({ SLACK_APP_TOKEN: 'xoxb-not-an-app-token' });
    const run = await doctor(rest);
    expect(run.code).toBe(1);
    expect(run.text).toContain('✗ environment — SLACK_BOT_TOKEN: required');
    expect(run.text).toContain('✗ environment — SLACK_APP_TOKEN: must be an app-level token');
    for (const name of ['redis', 'IPS credentials', 'companies', 'slack']) {
      expect(run.text).toContain(`- ${name} — skipped: needs a valid environment`);
    }
  });

  it('does not hang on an IPS that never answers', async () => {
    ips.failNext(1, { kind: 'hang' }, 'getCompanyMembership');
    try {
      const run = await doctor(goodEnv(), 1000);
      expect(run.code).toBe(1);
      expect(run.text).toMatch(/✗ IPS credentials — .*(no answer|timeout|Timeout)/);
      expect(run.text).toContain('- companies — skipped');
    } finally {
      ips.reset();
    }
  });

  it('never prints or reports a secret, in any of the runs above or with secrets in URLs', async () => {
    const envs = [
      goodEnv({ REDIS_URL: `redis://:${SECRETS.redis}@127.0.0.1:1`, SLACK_APP_TOKEN: SECRETS.app }),
      goodEnv({ IPS_PASSWORD: SECRETS.wrongIps, SLACK_BOT_TOKEN: 'xoxb-DOCTORINTEGRATIONOTHERTOKEN' }),
      goodEnv({ SLACK_BOT_TOKEN: `xoxp-${SECRETS.bot}`, SLACK_APP_TOKEN: `xoxb-${SECRETS.app}` }),
    ];
    for (const env of envs) {
      await doctor(env);
      // The raw results too: the output is scrubbed, so only these show that no check leaks.
      const results: CheckResult[] = [];
      await collectResults(env, (r) => results.push(r));
      outputs.push(JSON.stringify(results));
    }
    expect(outputs.length).toBeGreaterThanOrEqual(envs.length * 2 + 8);
    const everything = outputs.join('\n');
    for (const secret of [
      ...Object.values(SECRETS),
      'DOCTORINTEGRATIONOTHERTOKEN',
      'DOCTORINTEGRATIONBOTTOKEN',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  function cli(
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('runs as `dm-purge doctor` from the command line, exiting 0 or 1', async () => {
    const good = await cli(goodEnv({ REDIS_URL: ownRedis.url }));
    expect(good.stderr).toBe('');
    expect(good.stdout).toContain('✓ slack scopes — ');
    expect(good.code).toBe(0);
    const bad = await cli(goodEnv({ IPS_PASSWORD: SECRETS.wrongIps }));
    expect(bad.stdout).toContain('✗ IPS credentials — ');
    expect(bad.stdout).not.toContain(SECRETS.wrongIps);
    expect(bad.code).toBe(1);
  });
});
