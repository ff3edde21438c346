import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { type Route, sendJson } from './routes.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Exact-path routing: unknown path 404, known path with another method 405 (with `Allow`). */
export function createRouter(routes: readonly Route[], logger?: Logger): RequestListener {
  const table = new Map<string, Map<string, Route>>();
  for (const route of routes) {
    const byMethod = table.get(route.path) ?? new Map<string, Route>();
    for (const method of route.method) {
      const m = method.toUpperCase();
      if (byMethod.has(m)) throw new Error(`duplicate route ${m} ${route.path}`);
      byMethod.set(m, route);
    }
    table.set(route.path, byMethod);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const byMethod = table.get(path);
    if (!byMethod) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const route = byMethod.get(req.method ?? 'GET');
    if (!route) {
      res.setHeader('allow', [...byMethod.keys()].join(', '));
      sendJson(res, 405, { error: 'method_not_allowed' });
      return;
    }
    const fail = (err: unknown) => {
      logger?.error({ err, path }, 'http route failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy();
    };
    try {
      const done = route.handler(req, res);
      if (done instanceof Promise) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

export interface RunningHttpServer {
  server: Server;
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  /** Stops accepting, lets in-flight requests finish, then drops whatever is left. */
  close(graceMs?: number): Promise<void>;
}

export interface HttpServerOptions {
  logger?: Logger;
}

/**
 * Starts a plain node:http server for the route table. Port 0 picks a free port. `host` unset
 * listens on every interface, as a container needs.
 */
export async function startHttpServer(
  routes: readonly Route[],
  port: number,
  host?: string,
  options: HttpServerOptions = {},
): Promise<RunningHttpServer> {
  const server = createServer(createRouter(routes, options.logger));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => options.logger?.error({ err }, 'http server error'));
  const bound = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 2000): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      // Keep-alive sockets with no request in flight would hold close() open until they time out.
      server.closeIdleConnections();
    });
    return closing;
  };

  return { server, port: bound, close };
}
