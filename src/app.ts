import type { Env, PurgeConfig } from './config/types.js';
import { type ReadinessCheck, readinessRoutes } from './http/readiness.js';
import { healthRoutes, type Route } from './http/routes.js';
import { startHttpServer } from './http/server.js';
import type { Logger } from './log.js';

const HTTP_DRAIN_MS = 3000;

export interface AppOptions {
  logger: Logger;
  /** Interface to listen on; unset = every interface (containers). Tests pass 127.0.0.1. */
  host?: string;
}

export interface RunningApp {
  /** The HTTP port actually bound (differs from env.port when that is 0). */
  port: number;
  isShuttingDown(): boolean;
  /** Idempotent. Flips readiness first, then tears down in reverse order of start. */
  stop(): Promise<void>;
}

/**
 * The composition root's body: builds every part from the config and starts it. Later parts
 * (Redis, IPS client, purge service and workers, Slack receiver, metrics) are added here, each
 * contributing its readiness checks, its routes and a step in `stop()`.
 */
export async function start(env: Env, config: PurgeConfig, options: AppOptions): Promise<RunningApp> {
  const { logger } = options;
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;

  // Seams: a Redis ping and "every configured company resolved" join this list; the metrics
  // route joins `routes`. In HTTP mode the Bolt receiver will own the port and take `routes`
  // as `customRoutes`.
  const checks: ReadinessCheck[] = [];
  const routes: Route[] = [
    ...healthRoutes({ isShuttingDown }),
    ...readinessRoutes({ isShuttingDown, checks }),
  ];

  const http = await startHttpServer(routes, env.port, options.host, { logger });

  let stopping: Promise<void> | undefined;
  return {
    port: http.port,
    isShuttingDown,
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        // Slack gives a request 3 s; in-flight ones get that long, within the configured deadline.
        await http.close(Math.min(HTTP_DRAIN_MS, config.engine.shutdownDeadlineMs));
      })();
      return stopping;
    },
  };
}
