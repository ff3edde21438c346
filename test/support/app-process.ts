import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import type { EngineConfig, IpsTuning, Limits } from '../../src/config/types.js';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './ips-simulator.js';
import { deleteKeysWithPrefix, freePort, TEST_REDIS_URL, testPrefix } from './redis.js';
import { type SlackSimulator, type SlackUserFixture, startSlackSimulator } from './slack-simulator.js';

/**
 * The real app (`node --import tsx src/main.ts`) as a child process, talking to the IPS and Slack
 * simulators that run in the test process, with its own port, purge config and Redis prefix. For
 * fault tests that kill, stop and restart it. Replicas of one world share the Redis prefix, the
 * config and the simulators.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUTPUT_TAIL_CHARS = 6000;

export const FAULT_SIGNING_SECRET = 'fault-signing-secret-0123456789';
export const COMPANY = 'JJEsquire';

/** A company admin by Slack id, and an IpsCompanyAdmin of JJEsquire known only to IPS (by e-mail). */
export const ADMIN = { id: 'U0ADMIN', email: 'admin@jjesquire.com', name: 'ada' } satisfies SlackUserFixture;
export const IPS_ROLE_ADMIN = {
  id: 'U0IPSADM',
  email: 'web-ops@jjesquire.com',
  name: 'webops',
} satisfies SlackUserFixture;

/** A URL JJEsquire may purge; `tag` makes it unique to one purge. */
export function purgeUrl(tag: string): string {
  return `https://s7d7.scene7.com/is/image/JJEsquire/${tag}?$product$`;
}

export interface FaultConfig {
  /** No `companies` key: serve what the IPS account administers (getCompanyMembership); ADMIN is then a global admin. */
  discoverCompanies?: boolean;
  verifyWithIps?: boolean;
  limits?: Partial<Limits>;
  engine?: Partial<EngineConfig>;
  ips?: Partial<Pick<IpsTuning, 'connectTimeoutMs' | 'headersTimeoutMs' | 'bodyTimeoutMs'>>;
}

export interface WorldOptions {
  /** What the IPS simulator answers in cdnCacheInvalidation (default 1). */
  estimatedSeconds?: number;
  /** Default: the shared test Redis. */
  redisUrl?: string;
  /** `redisUrl` is a node of a Redis Cluster (REDIS_CLUSTER=true). */
  redisCluster?: boolean;
  /** Default: a fresh test prefix. */
  prefix?: string;
  config?: FaultConfig;
  /** LOG_LEVEL of the app (default info: tests read its log lines). */
  logLevel?: string;
}

/** Simulators, a temp purge config and a Redis prefix that one or more app processes share. */
export interface World {
  ips: IpsSimulator;
  slack: SlackSimulator;
  redisUrl: string;
  redisCluster: boolean;
  prefix: string;
  configPath: string;
  /** Every app process spawned in this world, oldest first. */
  apps: AppProcess[];
  /** The app's environment for `port` (nothing from the test runner's environment leaks in). */
  env(port: number): Record<string, string>;
  /** A key of the app's Redis namespace: `{prefix}:<rest>`. */
  key(rest: string): string;
  /** SIGKILLs what still runs, closes the simulators, deletes the temp dir and the Redis keys. */
  close(): Promise<void>;
}

export async function startWorld(o: WorldOptions = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'dmpurge-faults-'));
  const configPath = join(dir, 'purge.config.yml');
  await writeFile(configPath, configYaml(o.config ?? {}));
  const ips = await startIpsSimulator({ estimatedSeconds: o.estimatedSeconds ?? 1 });
  const slack = await startSlackSimulator({ users: [ADMIN, IPS_ROLE_ADMIN] });
  const redisUrl = o.redisUrl ?? TEST_REDIS_URL;
  const prefix = o.prefix ?? testPrefix('faults');
  const redisCluster = o.redisCluster ?? false;
  const apps: AppProcess[] = [];
  return {
    ips,
    slack,
    redisUrl,
    redisCluster,
    prefix,
    configPath,
    apps,
    env: (port) => ({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? ROOT,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: FAULT_SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      PORT: String(port),
      REDIS_URL: redisUrl,
      REDIS_CLUSTER: String(redisCluster),
      REDIS_PREFIX: prefix,
      IPS_API_URL: ips.url,
      IPS_USER: SIM_DEFAULTS.user,
      IPS_PASSWORD: SIM_DEFAULTS.password,
      PURGE_CONFIG: configPath,
      LOG_LEVEL: o.logLevel ?? 'info',
    }),
    key: (rest) => `{${prefix}}:${rest}`,
    async close() {
      await Promise.all(apps.map((a) => a.sigkill()));
      await Promise.all([ips.close(), slack.close()]);
      await rm(dir, { recursive: true, force: true });
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
      redis.on('error', () => undefined);
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } catch {
        // A private Redis may be gone already; its keys went with it.
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** Fast retries and short IPS timeouts; the BullMQ timings stay the app's own (no knob exists). */
function configYaml(c: FaultConfig): string {
  return stringify({
    ...(c.discoverCompanies
      ? {}
      : { companies: [{ name: COMPANY, hosts: ['s7d7.scene7.com'], admins: [ADMIN.id] }] }),
    access: { globalAdmins: c.discoverCompanies ? [ADMIN.id] : [], verifyWithIps: c.verifyWithIps ?? false },
    limits: { callsPerMinutePerCompany: 100_000, dedupeSeconds: 60, ...c.limits },
    engine: { attempts: 6, backoffMs: 100, confirmGraceMs: 100, shutdownDeadlineMs: 5000, ...c.engine },
    ips: { connectTimeoutMs: 2000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, ...c.ips },
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One pino line of the app's stdout. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ReadyzAnswer {
  status: number;
  body: { status?: string; checks?: { name: string; ok: boolean; detail?: string }[] } | undefined;
  text: string;
}

export interface AppProcess {
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Where Slack POSTs commands and interactions. */
  readonly events: string;
  readonly exited: Promise<Exit>;
  isRunning(): boolean;
  /** Every JSON log line so far. */
  logs(): LogLine[];
  /** The last few KB of stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves with the first (past or future) log line matching; rejects if the process exits first. */
  waitForLog(match: string | ((line: LogLine) => boolean), timeoutMs?: number): Promise<LogLine>;
  readyz(): Promise<ReadyzAnswer>;
  /** Polls `/readyz` until 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Sends a signal without waiting. */
  signal(sig: NodeJS.Signals): void;
  sigkill(): Promise<Exit>;
  /** SIGTERM, then the exit (SIGKILL only as a safety net after `safetyMs`). */
  sigterm(safetyMs?: number): Promise<Exit>;
  /** A new process with the same environment (same PORT); this one must have exited. */
  restart(): Promise<AppProcess>;
}

const live = new Set<ChildProcess>();
// A test worker that dies must not leave apps running.
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Spawns an app process in `world` (a new free port unless given) and waits until `/readyz` is 200. */
export async function spawnApp(
  world: World,
  o: { port?: number; waitReady?: boolean; readyTimeoutMs?: number } = {},
): Promise<AppProcess> {
  const port = o.port ?? (await freePort());
  const app = launch(world, port);
  world.apps.push(app);
  if (o.waitReady ?? true) await app.waitReady(o.readyTimeoutMs);
  return app;
}

function launch(world: World, port: number): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: world.env(port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn the app');
  live.add(child);

  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let tail = '';
  const keepTail = (d: string) => {
    tail = (tail + d).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    keepTail(d);
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      if (!raw.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(raw) as LogLine);
      } catch {
        // Not a log line (a stray write); the tail keeps it for failure messages.
      }
    }
    for (const l of listeners) l();
  });
  child.stderr?.setEncoding('utf8').on('data', keepTail);
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const base = `http://127.0.0.1:${port}`;

  const readyz = async (): Promise<ReadyzAnswer> => {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let body: ReadyzAnswer['body'];
    try {
      body = JSON.parse(text) as ReadyzAnswer['body'];
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text };
  };

  const app: AppProcess = {
    pid,
    port,
    base,
    events: `${base}/slack/events`,
    exited,
    isRunning: running,
    logs: () => lines,
    output: () => tail,
    waitForLog(match, timeoutMs = 60_000) {
      const pred = typeof match === 'string' ? (l: LogLine) => l.msg === match : match;
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit) return done(undefined, hit);
          if (!running()) done(new Error(`app exited before the log line; output:\n${tail}`));
        };
        const timer = setTimeout(() => done(new Error(`no such log line within ${timeoutMs} ms`)), timeoutMs);
        function done(err?: Error, hit?: LogLine) {
          clearTimeout(timer);
          listeners.delete(check);
          if (hit) resolve(hit);
          else reject(err);
        }
        listeners.add(check);
        check();
      });
    },
    readyz,
    async waitReady(timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      let last = 'no answer yet';
      for (;;) {
        if (!running()) throw new Error(`app exited before it was ready; output:\n${tail}`);
        try {
          const r = await readyz();
          if (r.status === 200) return;
          last = `${r.status} ${r.text}`;
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
        }
        if (Date.now() > end)
          throw new Error(`app not ready within ${timeoutMs} ms (${last}); output:\n${tail}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    signal(sig) {
      if (running()) child.kill(sig);
    },
    async sigkill() {
      if (running()) child.kill('SIGKILL');
      return exited;
    },
    async sigterm(safetyMs = 90_000) {
      if (!running()) return exited;
      child.kill('SIGTERM');
      const safety = setTimeout(() => child.kill('SIGKILL'), safetyMs);
      const exit = await exited;
      clearTimeout(safety);
      return exit;
    },
    async restart() {
      if (running()) throw new Error('restart: the previous process still runs');
      return spawnApp(world, { port });
    },
  };
  return app;
}
