import type { CustomRoute } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRoutes, healthRoutes, type Route } from './routes.js';
import { type RunningHttpServer, startHttpServer } from './server.js';

describe('healthRoutes', () => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('fit the shape of Bolt custom routes', () => {
    // Compile-time: the route table can be handed to a Bolt receiver as `customRoutes`.
    const routes: CustomRoute[] = healthRoutes({ isShuttingDown: () => false });
    expect(routes.map((r) => r.path)).toEqual(['/healthz']);
  });

  it('answers /healthz with 200 while running, and still 200 while stopping', async () => {
    let stopping = false;
    running = await startHttpServer(healthRoutes({ isShuttingDown: () => stopping }), 0, '127.0.0.1');
    const url = `http://127.0.0.1:${running.port}/healthz`;

    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.json()).toEqual({ status: 'ok' });

    stopping = true;
    const draining = await fetch(url);
    expect(draining.status).toBe(200);
    expect(await draining.json()).toEqual({ status: 'stopping' });
  });

  it('answers HEAD /healthz without a body', async () => {
    running = await startHttpServer(healthRoutes({ isShuttingDown: () => false }), 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${running.port}/healthz`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('rejects POST /healthz with 405', async () => {
    const routes: Route[] = healthRoutes({ isShuttingDown: () => false });
    running = await startHttpServer(routes, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${running.port}/healthz`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('guardRoutes', () => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('turns a failing handler into a 500 and reports it, instead of an unhandled rejection', async () => {
    const seen: string[] = [];
    const routes = guardRoutes(
      [
        {
          path: '/boom',
          method: ['GET'],
          handler: async () => {
            throw new Error('scrape failed');
          },
        },
      ],
      (err, path) => seen.push(`${path}: ${(err as Error).message}`),
    );
    // Call the guarded handler directly, as Bolt does (no catch around it).
    running = await startHttpServer(routes, 0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${running.port}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal_error' });
    expect(seen).toEqual(['/boom: scrape failed']);
  });
});
