import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, so children run with the same cwd and module resolution as `npm run bench`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child<T> {
  proc: ChildProcess;
  /** The first JSON line the child printed on stdout. */
  info: T;
  /** Everything the child wrote to stderr so far (for error messages). */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node --import tsx <script>` and resolves once it prints its first JSON line (its address
 * or pid). The child's stdin stays open: closing it (or this process dying) tells the child to exit,
 * so a crashed bench never leaves a simulator behind.
 */
export function spawnTsChild<T>(
  script: string,
  args: string[] = [],
  opts: { env?: NodeJS.ProcessEnv; execArgv?: string[]; startTimeoutMs?: number } = {},
): Promise<Child<T>> {
  const proc = spawn(process.execPath, [...(opts.execArgv ?? []), '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: opts.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return adopt<T>(proc, opts.startTimeoutMs ?? 30_000);
}

function adopt<T>(proc: ChildProcess, startTimeoutMs: number): Promise<Child<T>> {
  let err = '';
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  const stop = async (graceMs = 5000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.stdin?.end();
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      cleanup();
      void stop(0);
      reject(new Error(`${why}; stderr: ${err.trim().slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`child printed nothing within ${startTimeoutMs} ms`), startTimeoutMs);
    const onData = (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      cleanup();
      try {
        resolve({ proc, info: JSON.parse(out.slice(0, nl)) as T, stderr: () => err, stop });
      } catch {
        void stop(0);
        reject(new Error(`child's first line is not JSON: ${out.slice(0, 200)}`));
      }
    };
    const onExit = (code: number | null) => fail(`child exited (${code}) before it was ready`);
    function cleanup() {
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.off('exit', onExit);
    }
    proc.stdout?.setEncoding('utf8').on('data', onData);
    proc.once('exit', onExit);
  });
}
