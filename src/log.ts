import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config/types.js';
import { currentLogFields } from './log-context.js';

export type { Logger } from 'pino';

/**
 * Paths redacted from every log line. Explicit paths are cheap in pino; wildcards are not, so
 * the list names the places secrets can actually appear.
 */
export const REDACT_PATHS = [
  'token',
  'password',
  'ipsPassword',
  'slackBotToken',
  'slackAppToken',
  'slackSigningSecret',
  'authHeader',
  'env.slackBotToken',
  'env.slackAppToken',
  'env.slackSigningSecret',
  'env.ipsPassword',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'err.config.headers.Authorization',
  // ioredis attaches the failed command to its errors: a refused AUTH carries the Redis password.
  'err.command.args',
  'error.command.args',
];

export interface LoggerOptions {
  level: LogLevel;
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'dm-purge', ...options.base },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A copy: pino merges each line's own fields into the object the mixin returns.
      mixin: () => ({ ...currentLogFields() }),
    },
    options.destination,
  );
}

/** A logger that writes nothing, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
