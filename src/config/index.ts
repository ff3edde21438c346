import { DEFAULT_PURGE_CONFIG, loadEnv } from './env.js';
import { ConfigError } from './errors.js';
import { loadPurgeConfig } from './purge-config.js';
import type { Env, PurgeConfig } from './types.js';

export { ConfigError } from './errors.js';
export type * from './types.js';

export interface LoadedConfig {
  env: Env;
  config: PurgeConfig;
}

/**
 * Loads the environment and the purge config once at start-up. Problems in both are collected
 * into one ConfigError, so an operator sees everything that is wrong in a single run.
 */
export async function loadConfig(source: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const problems: string[] = [];
  let env: Env | undefined;
  try {
    env = loadEnv(source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  // Even with a broken environment the config file can be checked: its path needs no validation.
  const file = env?.purgeConfigPath ?? (source.PURGE_CONFIG?.trim() || DEFAULT_PURGE_CONFIG);
  let config: PurgeConfig | undefined;
  try {
    config = await loadPurgeConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || !env || !config) throw new ConfigError(problems);
  return { env, config };
}
