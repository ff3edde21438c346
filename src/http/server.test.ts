import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Route } from './routes.js';
import { sendJson } from './routes.js';
import { createRouter, type RunningHttpServer, startHttpServer } from './server.js';

const routes: Route[] = [
  { path: '/hello', method: ['GET'], handler: (_req, res) => sendJson(res, 200, { hello: 'world' }) },
  {
    path: '/echo',
    method: ['post', 'PUT'],
    handler: (req, res) => sendJson(res, 201, { method: req.method }),
  },
  {
    path: '/boom',
    method: ['GET'],
    handler: () => {
      throw new Error('sync failure');
    },
  },
  {
    path: '/async-boom',
    method: ['GET'],
    handler: async () => {
      await Promise.resolve();
      throw new Error('async failure');
    },
  },
];

describe('startHttpServer', () => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(): Promise<string> {
    running = await startHttpServer(routes, 0, '127.0.0.1');
    return `http://127.0.0.1:${running.port}`;
  }

  it('binds a real port when asked for port 0', async () => {
    await start();
    expect(running?.port).toBeGreaterThan(0);
  });

  it('routes by exact path, ignoring the query string', async () => {
    const base = await start();
    const res = await fetch(`${base}/hello?x=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: 'world' });
  });

  it('matches methods case-insensitively as declared', async () => {
    const base = await start();
    const res = await fetch(`${base}/echo`, { method: 'PUT' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ method: 'PUT' });
  });

  it('answers an unknown path with 404 JSON', async () => {
    const base = await start();
    for (const path of ['/', '/nope', '/hello/extra']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
  });

  it('answers a wrong method with 405 JSON and Allow', async () => {
    const base = await start();
    const res = await fetch(`${base}/echo`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, PUT');
    expect(await res.json()).toEqual({ error: 'method_not_allowed' });
  });

  it('turns a throwing or rejecting handler into 500 and keeps serving', async () => {
    const base = await start();
    for (const path of ['/boom', '/async-boom']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal_error' });
    }
    expect((await fetch(`${base}/hello`)).status).toBe(200);
  });

  it('rejects when the port is taken', async () => {
    await start();
    await expect(startHttpServer(routes, running?.port ?? 0, '127.0.0.1')).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('closes even with an idle keep-alive connection open', async () => {
    const base = await start();
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpRequest(`${base}/hello`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      await running?.close();
      running = undefined;
      await expect(fetch(`${base}/hello`)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('drops a request still hanging when the grace period ends', async () => {
    let arrived: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    running = await startHttpServer(
      [{ path: '/hang', method: ['GET'], handler: () => arrived() }],
      0,
      '127.0.0.1',
    );
    const pending = fetch(`http://127.0.0.1:${running.port}/hang`).then(
      () => 'answered',
      () => 'dropped',
    );
    await seen;
    await running.close(10);
    running = undefined;
    expect(await pending).toBe('dropped');
  });

  it('refuses a route table with the same method and path twice', () => {
    expect(() => createRouter([...routes, { path: '/hello', method: ['get'], handler: () => {} }])).toThrow(
      'duplicate route GET /hello',
    );
  });
});
