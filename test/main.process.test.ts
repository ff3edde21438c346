import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, freePort, TEST_REDIS_URL, testPrefix } from './support/redis.js';

/**
 * Runs the real entry point as an operator would (`node --import tsx src/main.ts`), with the
 * same Node binary as the test run, so a Node 24 CI pass exercises Node 24 here too.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAFETY_NET_MS = 60_000;

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-PROCTESTBOTSECRET',
  SLACK_SIGNING_SECRET: 'PROCTESTSIGNINGSECRET',
  IPS_PASSWORD: 'PROCTESTIPSPASSWORD',
};

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function run(env: Record<string, string>): Run {
  // Only what the app needs: nothing from the test runner's environment leaks in.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the first JSON log line whose msg is `msg`; rejects if the process exits first. */
function waitForLog(r: Run, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const find = () => {
      // The last piece may be a line still being written; only complete lines are parsed.
      const lines = r.stdout().split('\n').slice(0, -1);
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) return entry;
      }
      return undefined;
    };
    const safety = setTimeout(
      () => done(new Error(`no "${msg}" log line; stderr: ${r.stderr()}`)),
      SAFETY_NET_MS,
    );
    const onData = () => {
      const entry = find();
      if (entry) done(undefined, entry);
    };
    const onExit = () => done(new Error(`exited before "${msg}"; stderr: ${r.stderr()}`));
    function done(err?: Error, entry?: Record<string, unknown>) {
      clearTimeout(safety);
      r.child.stdout?.off('data', onData);
      r.child.off('exit', onExit);
      if (entry) resolve(entry);
      else reject(err);
    }
    r.child.stdout?.on('data', onData);
    r.child.once('exit', onExit);
    onData();
  });
}

describe('src/main.ts as a process', () => {
  let dir: string;
  let goodConfig: string;
  // Its own key prefix: the app creates its queues in the shared test Redis.
  const prefix = testPrefix('main');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dmpurge-main-'));
    goodConfig = join(dir, 'purge.config.yml');
    await writeFile(goodConfig, 'companies:\n  - name: Acme\n    hosts: [s7d1.scene7.com]\n');
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    const redis = new Redis(TEST_REDIS_URL);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  async function validEnv(): Promise<Record<string, string>> {
    return {
      ...SECRETS,
      IPS_USER: 'api@example.com',
      PORT: String(await freePort()),
      PURGE_CONFIG: goodConfig,
      LOG_LEVEL: 'info',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
    };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('serves /healthz, then exits 0 on %s', async (signal) => {
    const env = await validEnv();
    const r = run(env);
    const started = await waitForLog(r, 'dm-purge started');
    expect(started.port).toBe(Number(env.PORT));

    const res = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });

    r.child.kill(signal);
    expect(await r.exited).toEqual({ code: 0, signal: null });
    for (const secret of Object.values(SECRETS)) {
      expect(r.stdout()).not.toContain(secret);
      expect(r.stderr()).not.toContain(secret);
    }
  });

  it('exits 1 naming every bad variable and config key, with no stack trace', async () => {
    const badConfig = join(dir, 'bad.yml');
    await writeFile(
      badConfig,
      'companies:\n  - name: Acme\n    hosts: [s7d1.scene7.com]\n    templates: [https://s7d1.scene7.com/is/image/Acme/hat]\nlimitz: {}\n',
    );
    const r = run({
      SLACK_BOT_TOKEN: 'xoxp-PROCTESTWRONGTOKEN',
      SLACK_SIGNING_SECRET: 'sig',
      PORT: 'eighty',
      IPS_USER: 'api@example.com',
      PURGE_CONFIG: badConfig,
    });
    expect(await r.exited).toEqual({ code: 1, signal: null });
    const lines = r.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe('dm-purge: configuration problems:');
    expect(lines.slice(1)).toEqual([
      '  SLACK_BOT_TOKEN: must be a bot token starting with xoxb-',
      '  PORT: must be an integer from 0 to 65535 (got "eighty")',
      '  IPS_PASSWORD: required (the password of the IPS API account)',
      `  ${badConfig}: companies[0].templates[0]: must contain <ID>`,
      `  ${badConfig}: limitz: unknown key (allowed: companies, access, limits, engine, ips)`,
    ]);
    expect(r.stderr()).not.toContain('PROCTESTWRONGTOKEN');
    expect(r.stderr()).not.toMatch(/^\s+at /m);
    expect(r.stdout()).toBe('');
  });

  it('exits 1 when the config file is missing, saying how to create it', async () => {
    const missing = join(dir, 'nowhere.yml');
    const r = run({ ...(await validEnv()), PURGE_CONFIG: missing });
    expect(await r.exited).toEqual({ code: 1, signal: null });
    expect(r.stderr()).toContain(`  ${missing}: file not found`);
    expect(r.stderr()).toContain('purge.config.example.yml');
  });
});
