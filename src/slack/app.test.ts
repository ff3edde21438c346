import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/redis.js';
import { type SlackSimulator, startSlackSimulator } from '../../test/support/slack-simulator.js';
import { type SocketModeServer, startSocketModeServer } from '../../test/support/socket-mode-server.js';
import { healthRoutes } from '../http/routes.js';
import { silentLogger } from '../log.js';
import { createSlackApp, type SlackAppOptions } from './app.js';
import type { SlackDeps } from './deps.js';

// No envelope reaches a listener in these tests, so the listeners' dependencies are never used.
const deps = {} as SlackDeps;

let sim: SlackSimulator;
let socket: SocketModeServer;

beforeEach(async () => {
  sim = await startSlackSimulator();
  socket = await startSocketModeServer();
  sim.setSocketModeUrl(socket.url);
});
afterEach(async () => {
  await Promise.all([sim.close(), socket.close()]);
});

function options(appToken: string, port: number): SlackAppOptions {
  return {
    env: {
      slackBotToken: sim.botToken,
      slackSigningSecret: undefined,
      slackAppToken: appToken,
      slackApiUrl: sim.url,
      port,
    },
    routes: healthRoutes({ isShuttingDown: () => false }),
    logger: silentLogger(),
  };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

describe('createSlackApp in Socket Mode', () => {
  it('connects through SLACK_API_URL, serves the routes on the port it bound, and stop waits for the close', async () => {
    const slack = createSlackApp(options(sim.appToken, 0), deps);
    expect(slack.mode).toBe('socket');
    const port = await slack.start();
    expect(port).toBeGreaterThan(0);
    expect(sim.callsTo('apps.connections.open').map((c) => c.token)).toEqual([sim.appToken]);
    expect(socket.openConnections).toBe(1);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    await slack.stop();
    // Already over when stop() resolves: the close handshake and the port.
    expect(socket.openConnections).toBe(0);
    expect(socket.closeCodes).toEqual([1000]);
    expect(await canListen(port)).toBe(true);
  });

  it('a wrong app token fails start with invalid_auth and leaves the port free', async () => {
    const port = await freePort();
    const slack = createSlackApp(options('xapp-1-not-this-one', port), deps);
    await expect(slack.start()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect(socket.connections).toBe(0);
    expect(await canListen(port)).toBe(true);
    await slack.stop();
  });

  it('a port in use fails start before Slack is contacted', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, () => r()));
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const slack = createSlackApp(options(sim.appToken, port), deps);
      await expect(slack.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(sim.callsTo('apps.connections.open')).toEqual([]);
      expect(socket.connections).toBe(0);
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });
});
