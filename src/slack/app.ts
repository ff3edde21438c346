import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Env } from '../config/types.js';
import type { Route } from '../http/routes.js';
import { type RunningHttpServer, startHttpServer } from '../http/server.js';
import type { Logger } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { logSlackRequestIds } from './request-log.js';
import { within } from './within.js';

/** How long stop() waits for Slack to answer our close frame before moving on. */
const SOCKET_CLOSE_WAIT_MS = 2000;

export interface SlackAppOptions {
  env: Pick<Env, 'slackBotToken' | 'slackSigningSecret' | 'slackAppToken' | 'slackApiUrl' | 'port'>;
  /** Health, readiness and metrics: served on the same port in both modes. */
  routes: Route[];
  logger: Logger;
  /** fetch for the Web API client (metrics instrumentation). */
  fetch?: typeof globalThis.fetch;
}

export interface SlackApp {
  app: App;
  mode: 'http' | 'socket';
  /** Starts listening; resolves to the HTTP port actually bound (useful with PORT=0). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Interactive requests must be answered within 3 s, so the client they use never waits out a
 * rate limit: a 429 fails fast and the listener says so. The notifier has its own patient client.
 */
export function interactiveClientOptions(slackApiUrl: string): webApi.WebClientOptions {
  return {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
    timeout: 2500,
  };
}

export function createSlackApp(o: SlackAppOptions, deps: SlackDeps): SlackApp {
  const logger = boltLogger(o.logger);
  const socket = Boolean(o.env.slackAppToken);
  let server: Server | undefined;
  // Socket Mode: Bolt would serve customRoutes itself, but it neither reports the port it bound
  // (PORT=0) nor surfaces a listen error (an unhandled 'error' event) nor waits for the close, so
  // the routes get our own server there. apps.connections.open must honour SLACK_API_URL too.
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: o.env.slackAppToken!,
        installerOptions: {
          clientOptions: {
            slackApiUrl: o.env.slackApiUrl,
            ...(o.fetch ? { fetch: o.fetch } : {}),
          },
        },
        logger,
      })
    : new HTTPReceiver({
        signingSecret: o.env.slackSigningSecret!,
        endpoints: '/slack/events',
        customRoutes: o.routes,
        logger,
      });
  const botToken = o.env.slackBotToken;
  const app = new App({
    // Not `token`: with it Bolt calls auth.test in the constructor and an unreachable Slack at
    // start-up becomes an unhandled rejection. The single workspace's token is all we need;
    // the composition root checks auth.test itself (readiness).
    authorize: async () => ({ botToken }),
    // Bolt's per-conversation state store is unused here; skipping it saves a lookup per request.
    convoStore: false,
    receiver,
    logger,
    clientOptions: {
      ...interactiveClientOptions(o.env.slackApiUrl),
      logger,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    },
  });
  app.error(async (err) => {
    o.logger.error({ err }, 'unhandled Slack listener error');
  });
  logSlackRequestIds(app);
  registerListeners(app, deps);

  let routesServer: RunningHttpServer | undefined;
  return {
    app,
    mode: socket ? 'socket' : 'http',
    async start() {
      if (receiver instanceof SocketModeReceiver) {
        // Routes first: liveness must answer while Slack is still being reached.
        routesServer = await startHttpServer(o.routes, o.env.port, undefined, { logger: o.logger });
        try {
          await app.start();
        } catch (err) {
          await routesServer.close(0);
          routesServer = undefined;
          throw err;
        }
        return routesServer.port;
      }
      const started = (await app.start(o.env.port)) as unknown;
      server = isServer(started) ? started : undefined;
      const addr = server?.address();
      return addr && typeof addr === 'object' ? addr.port : o.env.port;
    },
    async stop() {
      if (receiver instanceof SocketModeReceiver) {
        // Bolt's stop() only starts the closing handshake; wait (bounded) until it is over.
        const client = receiver.client;
        const closed = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));
        await app.stop();
        await within(closed, SOCKET_CLOSE_WAIT_MS);
        await routesServer?.close();
        return;
      }
      await app.stop();
    },
  };
}

function isServer(v: unknown): v is Server {
  return typeof v === 'object' && v !== null && typeof (v as Server).address === 'function';
}
