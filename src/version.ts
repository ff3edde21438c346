import { readFileSync } from 'node:fs';

/**
 * Name and version from package.json, read once at start-up. `../package.json` is right both
 * from `src/version.ts` (tsx) and from `dist/version.js` (build), so there is one source of truth.
 */
function readPackage(): { name: string; version: string } {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const pkg: unknown = JSON.parse(text);
  if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && 'version' in pkg) {
    const { name, version } = pkg;
    if (typeof name === 'string' && typeof version === 'string') return { name, version };
  }
  throw new Error('package.json has no name or version');
}

const pkg = readPackage();

export const APP_NAME: string = pkg.name;
export const APP_VERSION: string = pkg.version;
