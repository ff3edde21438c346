import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './child.js';

const run = promisify(execFile);

export interface AppEntry {
  /** Arguments for `node`: the built `dist/main.js`, or `src/main.ts` through tsx. */
  args: string[];
  /** How the app was started, for the table's notes. */
  label: string;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

let resolved: Promise<AppEntry> | undefined;

/**
 * The app as operators run it: `node dist/main.js`, rebuilt first when any source is newer than the
 * build. When the build fails (a tree mid-edit) the rows still run, on `src/main.ts` through tsx,
 * and say so. Resolved once per bench run.
 */
export function appEntry(): Promise<AppEntry> {
  resolved ??= (async () => {
    const main = join(ROOT, 'dist', 'main.js');
    const built = await mtime(main);
    const newest = Math.max(
      await newestSource(join(ROOT, 'src')),
      (await mtime(join(ROOT, 'package.json'))) ?? 0,
    );
    if (built !== undefined && built >= newest) return { args: [main], label: 'node dist/main.js' };
    process.stderr.write('  dist is older than src: npm run build…\n');
    try {
      await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
      return { args: [main], label: 'node dist/main.js (rebuilt)' };
    } catch (err) {
      const out = (err as { stdout?: string }).stdout ?? String(err);
      process.stderr.write(
        `  build failed, using tsx instead:\n${out.split('\n').slice(0, 10).join('\n')}\n`,
      );
      return {
        args: ['--import', 'tsx', join(ROOT, 'src', 'main.ts')],
        label: 'tsx src/main.ts (build failed)',
      };
    }
  })();
  return resolved;
}
