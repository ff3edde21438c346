import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from '../../test/support/ips-simulator.js';
import { deleteKeysWithPrefix, freePort, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { type SlackSimulator, startSlackSimulator } from '../../test/support/slack-simulator.js';
import { type AppEntry, appEntry } from './app-entry.js';
import { ROOT } from './child.js';
import { type MemoryStatus, memoryOf } from './proc-status.js';

/**
 * The app as a child process of its own (so its CPU and RSS are its own), talking to the IPS and
 * Slack simulators that run here, in the bench process. The purge config lets one admin purge
 * JJEsquire as fast as the pipeline goes: no rate limit in the way, a short confirmation grace.
 */
export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789';
export const BENCH_ADMIN = { id: 'U0BENCH', email: 'bench-admin@jjesquire.com', name: 'bench' };
export const BENCH_COMPANY = 'JJEsquire';

const CONFIG = `companies:
  - name: ${BENCH_COMPANY}
    hosts: [s7d7.scene7.com]
    admins: [${BENCH_ADMIN.id}]
access:
  verifyWithIps: false
limits:
  maxUrlsPerPurge: 10000
  callsPerMinutePerCompany: 100000
  dedupeSeconds: 60
engine:
  confirmGraceMs: 100
`;

export interface Simulators {
  ips: IpsSimulator;
  slack: SlackSimulator;
  configPath: string;
  close(): Promise<void>;
}

export async function startSimulators(o: { estimatedSeconds?: number } = {}): Promise<Simulators> {
  const dir = await mkdtemp(join(tmpdir(), 'dmpurge-bench-'));
  const configPath = join(dir, 'purge.config.yml');
  await writeFile(configPath, CONFIG);
  const ips = await startIpsSimulator({ estimatedSeconds: o.estimatedSeconds ?? 1 });
  const slack = await startSlackSimulator({ users: [BENCH_ADMIN] });
  return {
    ips,
    slack,
    configPath,
    async close() {
      await Promise.all([ips.close(), slack.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface AppProcess {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Where Slack POSTs commands and interactions. */
  events: string;
  entry: AppEntry;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  /** Resolves with performance.now() at the first `/readyz` 200. */
  ready(timeoutMs?: number): Promise<number>;
  memory(): Promise<MemoryStatus>;
  /** SIGTERM, wait for the exit (SIGKILL after a deadline), then delete its Redis keys. */
  stop(): Promise<void>;
}

/**
 * Spawns the app against `sims`. Its log lines are read and dropped (the tail is kept for errors).
 * With BENCH_APP_CPU_PROF_DIR set, the app writes a V8 CPU profile there when it exits.
 */
export async function spawnApp(sims: Simulators, o: { logLevel?: string } = {}): Promise<AppProcess> {
  const entry = await appEntry();
  const port = await freePort();
  const prefix = testPrefix('bench');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? ROOT,
    NODE_ENV: 'production',
    SLACK_BOT_TOKEN: sims.slack.botToken,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: sims.slack.url,
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    IPS_API_URL: sims.ips.url,
    IPS_USER: SIM_DEFAULTS.user,
    IPS_PASSWORD: SIM_DEFAULTS.password,
    PURGE_CONFIG: sims.configPath,
    LOG_LEVEL: o.logLevel ?? 'info',
  };
  const spawnedAt = performance.now();
  const profileDir = process.env.BENCH_APP_CPU_PROF_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const proc = spawn(process.execPath, [...nodeArgs, ...entry.args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: string) => {
    tail = (tail + d).slice(-4000);
  };
  proc.stdout?.setEncoding('utf8').on('data', keep);
  proc.stderr?.setEncoding('utf8').on('data', keep);
  const exited = exitOf(proc);
  const base = `http://127.0.0.1:${port}`;
  const pid = proc.pid;
  if (pid === undefined) throw new Error('could not spawn the app');

  return {
    pid,
    base,
    events: `${base}/slack/events`,
    entry,
    spawnedAt,
    async ready(timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`the app exited (${proc.exitCode}): ${tail}`);
        const ok = await fetch(`${base}/readyz`).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status === 200;
          },
          () => false,
        );
        if (ok) return performance.now();
        if (performance.now() > deadline)
          throw new Error(`the app was not ready in ${timeoutMs} ms: ${tail}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    memory: () => memoryOf(pid),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const kill = setTimeout(() => proc.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(kill);
      }
      const redis = new Redis(TEST_REDIS_URL);
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } finally {
        redis.disconnect();
      }
    },
  };
}

function exitOf(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
}
