import { constants } from 'node:os';
import { start } from './app.js';
import { ConfigError, type LoadedConfig, loadConfig } from './config/index.js';
import { configSummary } from './config/summary.js';
import { createLogger } from './log.js';
import { APP_VERSION } from './version.js';

/** Margin on top of the engine's own deadline before the process gives up on a clean stop. */
const STOP_MARGIN_MS = 5000;

async function main(): Promise<void> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // An operator error, not a crash: the problems alone, no stack trace.
    process.stderr.write(
      `dm-purge: configuration problems:\n${err.problems.map((p) => `  ${p}\n`).join('')}`,
    );
    process.exitCode = 1;
    return;
  }
  const { env, config } = loaded;
  const logger = createLogger({ level: env.logLevel });

  let app: Awaited<ReturnType<typeof start>> | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    if (!app) {
      // Still starting (e.g. Socket Mode retrying an unreachable Slack): nothing was accepted
      // through this process yet, and a job its workers took is recovered by the next replica.
      logger.info({ signal }, 'stopping before start-up finished');
      process.exit(0);
    }
    logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: config.engine.shutdownDeadlineMs }, 'stop took too long: exiting');
      process.exit(1);
    }, config.engine.shutdownDeadlineMs + STOP_MARGIN_MS);
    deadline.unref();
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  app = await start(env, config, { logger }).catch((err: unknown) => {
    logger.fatal({ err }, 'dm-purge failed to start');
    process.exit(1);
  });
  logger.info({ version: APP_VERSION, port: app.port, ...configSummary(env, config) }, 'dm-purge started');
}

main().catch((err: unknown) => {
  process.stderr.write(
    `dm-purge: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
