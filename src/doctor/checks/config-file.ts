import { DEFAULT_PURGE_CONFIG } from '../../config/env.js';
import { ConfigError } from '../../config/errors.js';
import { loadPurgeConfig } from '../../config/purge-config.js';
import type { Env, PurgeConfig } from '../../config/types.js';
import { type CheckResult, fail, ok } from '../types.js';

export interface ConfigFileCheck {
  results: CheckResult[];
  config: PurgeConfig | undefined;
}

const NAME = 'config file';

/** The file the app would read; like start-up, this needs no valid environment. */
export function configPathOf(env: Env | undefined, source: NodeJS.ProcessEnv): string {
  return env?.purgeConfigPath ?? (source.PURGE_CONFIG?.trim() || DEFAULT_PURGE_CONFIG);
}

function describeCompanies(config: PurgeConfig): string {
  const companies = config.companies;
  if (companies === undefined) return 'no companies key: serves all companies the IPS account administers';
  const names = companies.map((c) => c.name);
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : names.join(', ');
  return `${names.length} ${names.length === 1 ? 'company' : 'companies'} (${shown})`;
}

function fixFor(file: string, problem: string): string {
  if (problem.startsWith(`${file}: file not found`)) {
    return `cp purge.config.example.yml ${file} and edit it, or set PURGE_CONFIG to your config file`;
  }
  return `edit ${file} (purge.config.example.yml documents every key)`;
}

export async function checkConfigFile(file: string): Promise<ConfigFileCheck> {
  try {
    const config = await loadPurgeConfig(file);
    return { config, results: [ok(NAME, `${file}: ${describeCompanies(config)}`)] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { config: undefined, results: err.problems.map((p) => fail(NAME, p, fixFor(file, p))) };
  }
}
