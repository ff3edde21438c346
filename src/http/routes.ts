import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * One HTTP route. Deliberately the shape of Bolt's `CustomRoute`, so the same table can be
 * handed to a Bolt receiver as `customRoutes` once the Slack receiver owns the port.
 */
export interface Route {
  path: string;
  method: string[];
  handler: RouteHandler;
}

/** Writes a small JSON answer; probes must never be cached by a proxy. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export interface HealthDeps {
  isShuttingDown(): boolean;
}

/**
 * `/healthz`: liveness. It answers 200 for as long as the process can answer at all, including
 * while it shuts down (a failing liveness probe would get the pod killed mid-drain); readiness
 * is what flips during shutdown.
 */
export function healthRoutes(deps: HealthDeps): Route[] {
  return [
    {
      path: '/healthz',
      method: ['GET', 'HEAD'],
      handler: (_req, res) => {
        sendJson(res, 200, { status: deps.isShuttingDown() ? 'stopping' : 'ok' });
      },
    },
  ];
}

/**
 * Bolt calls custom route handlers without catching a rejected promise, which would crash the
 * process; every route the app serves goes through this guard.
 */
export function guardRoutes(
  routes: readonly Route[],
  onError: (err: unknown, path: string) => void,
): Route[] {
  return routes.map((route) => ({
    ...route,
    handler: async (req, res) => {
      try {
        await route.handler(req, res);
      } catch (err) {
        onError(err, route.path);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
        else res.end();
      }
    },
  }));
}
