import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, parseApiArgs, readBody } from './slack-sim-body.js';
import {
  SIM_APP_ID,
  SIM_APP_TOKEN,
  SIM_BOT_ID,
  SIM_BOT_NAME,
  SIM_BOT_TOKEN,
  SIM_BOT_USER_ID,
  SIM_TEAM_DOMAIN,
  SIM_TEAM_ID,
  SIM_TEAM_NAME,
} from './slack-sim-defaults.js';
import { randomHex } from './slack-sim-ids.js';
import { METHODS } from './slack-sim-methods.js';
import { SimState } from './slack-sim-state.js';
import type {
  SimResponse,
  SlackCall,
  SlackFailure,
  SlackSimulator,
  SlackSimulatorOptions,
} from './slack-sim-types.js';

export type {
  SimMessage,
  SimResponse,
  SimView,
  SlackCall,
  SlackChannelFixture,
  SlackChannelType,
  SlackFailure,
  SlackFileInput,
  SlackFileObject,
  SlackSimulator,
  SlackSimulatorOptions,
  SlackUserFixture,
} from './slack-sim-types.js';

/** Pseudo-methods for `failNext`: POSTs to response URLs and GETs of private file URLs. */
export const RESPONSE_URL_METHOD = 'response_url';
export const FILE_DOWNLOAD_METHOD = 'file_download';

const DEFAULT_WAIT_MS = 10_000;

/** Methods called with the app-level token (Socket Mode), not the bot token. */
const APP_TOKEN_METHOD = 'apps.connections.open';

interface Waiter {
  pred: (c: SlackCall) => boolean;
  resolve: (c: SlackCall) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The status, headers and body a scripted failure is answered with. */
function failureResponse(f: SlackFailure): {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
} {
  switch (f.kind) {
    case 'error':
      return { status: 200, body: { ok: false, error: f.error }, headers: {} };
    case 'ratelimit':
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(f.retryAfter) },
      };
    case 'http':
      return { status: f.status, body: { ok: false, error: `simulated_http_${f.status}` }, headers: {} };
  }
}

/**
 * A local stand-in for the Slack Web API, files and response URLs, for tests that run the real
 * Bolt app or WebClient against it (`clientOptions.slackApiUrl = sim.url`).
 */
export async function startSlackSimulator(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const botToken = options.botToken ?? SIM_BOT_TOKEN;
  const appToken = options.appToken ?? SIM_APP_TOKEN;
  let socketModeUrl: string | undefined;
  const state = new SimState({
    origin,
    botToken,
    teamId: options.teamId ?? SIM_TEAM_ID,
    botUserId: options.botUserId ?? SIM_BOT_USER_ID,
    botId: options.botId ?? SIM_BOT_ID,
    appId: SIM_APP_ID,
    teamName: SIM_TEAM_NAME,
    teamDomain: SIM_TEAM_DOMAIN,
    botName: SIM_BOT_NAME,
  });
  for (const u of options.users ?? []) state.users.set(u.id, u);

  const calls: SlackCall[] = [];
  const responses: SimResponse[] = [];
  const failures = new Map<string, SlackFailure[]>();
  const responsePaths = new Set<string>();
  let responseCounter = 0;
  let waiters: Waiter[] = [];

  const takeFailure = (method: string): SlackFailure | undefined => {
    const queue = failures.get(method);
    const f = queue?.shift();
    if (queue && queue.length === 0) failures.delete(method);
    return f;
  };

  const record = (call: SlackCall): void => {
    calls.push(call);
    const still: Waiter[] = [];
    for (const w of waiters) {
      let hit = false;
      try {
        hit = w.pred(call);
      } catch (err) {
        clearTimeout(w.timer);
        w.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (hit) {
        clearTimeout(w.timer);
        w.resolve(call);
      } else still.push(w);
    }
    waiters = still;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const at = Date.now();
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const raw = await readBody(req);
    let args: Record<string, unknown>;
    let parseError: string | undefined;
    try {
      args = await parseApiArgs(req.headers['content-type'], raw, url.searchParams);
    } catch {
      args = { _raw: raw.toString('utf8') };
      parseError = 'invalid_json';
    }
    const token =
      bearerToken(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;

    const scripted = takeFailure(method);
    let status = 200;
    let body: Record<string, unknown>;
    let headers: Record<string, string> = {};
    if (scripted) ({ status, body, headers } = failureResponse(scripted));
    else if (parseError) body = { ok: false, error: parseError };
    else if (method === APP_TOKEN_METHOD) body = connectionsOpen(token);
    else {
      const handler = METHODS.get(method);
      if (!handler) body = { ok: false, error: 'unknown_method' };
      else if (token !== botToken) body = { ok: false, error: 'invalid_auth' };
      else {
        body = handler(state, args);
        if (options.scopes) headers = { 'x-oauth-scopes': options.scopes.join(',') };
      }
    }
    record({ method, args, token, at, response: body, status });
    sendJson(res, status, body, headers);
  };

  /** As Slack answers: no token, a bot token, a wrong token, or a WebSocket URL to connect to. */
  const connectionsOpen = (token: string | undefined): Record<string, unknown> => {
    if (token === undefined || token === '') return { ok: false, error: 'not_authed' };
    if (token === botToken) return { ok: false, error: 'not_allowed_token_type' };
    if (token !== appToken) return { ok: false, error: 'invalid_auth' };
    if (socketModeUrl === undefined) return { ok: false, error: 'sim_socket_mode_url_not_set' };
    return { ok: true, url: socketModeUrl };
  };

  const handleFile = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const scripted = takeFailure(FILE_DOWNLOAD_METHOD);
    if (scripted) {
      const f = failureResponse(scripted);
      sendJson(res, f.status, f.body, f.headers);
      return;
    }
    const file = state.fileForPath(url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('file not found');
      return;
    }
    // Slack serves private files only to a token that can see them; anything else is refused.
    if (bearerToken(req.headers.authorization) !== botToken) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
      return;
    }
    res.writeHead(200, { 'content-type': file.object.mimetype, 'content-length': file.bytes.length });
    res.end(req.method === 'HEAD' ? undefined : file.bytes);
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const raw = await readBody(req);
    const scripted = takeFailure(RESPONSE_URL_METHOD);
    if (scripted) {
      const f = failureResponse(scripted);
      sendJson(res, f.status, f.body, f.headers);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      return;
    }
    responses.push({
      url: `${origin}${url.pathname}`,
      body: body as Record<string, unknown>,
      at: Date.now(),
    });
    sendJson(res, 200, { ok: true });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (url.pathname.startsWith('/files-pri/') && (req.method === 'GET' || req.method === 'HEAD')) {
      return handleFile(req, res, url);
    }
    if (responsePaths.has(url.pathname) && req.method === 'POST') return handleResponseUrl(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };

  server.on('request', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'simulator_error', detail: String(err) });
      else res.destroy();
    });
  });

  const sim: SlackSimulator = {
    url: `${origin}/api/`,
    origin,
    botToken,
    appToken,
    teamId: state.id.teamId,
    botUserId: state.id.botUserId,
    botId: state.id.botId,
    calls,
    responses,
    views: state.views,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext: (method, n, failure) => {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < n; i++) queue.push(failure);
      if (queue.length > 0) failures.set(method, queue);
    },
    setSocketModeUrl: (url) => {
      socketModeUrl = url;
    },
    addUser: (u) => {
      state.users.set(u.id, u);
    },
    setChannel: (id, c) => {
      state.notFound.delete(id);
      state.channels.set(id, { ...c });
    },
    setChannelNotFound: (id) => {
      state.channels.delete(id);
      state.notFound.add(id);
    },
    addFile: (f) => state.addFile(f),
    responseUrl: () => {
      responseCounter += 1;
      const path = `/commands/${state.id.teamId}/${1_000_000_000 + responseCounter}/${randomHex(12)}`;
      responsePaths.add(path);
      return `${origin}${path}`;
    },
    messages: (channel) => [...state.messagesIn(channel)],
    waitFor: (pred, timeoutMs = DEFAULT_WAIT_MS) => {
      const past = calls.find(pred);
      if (past) return Promise.resolve(past);
      return new Promise<SlackCall>((resolve, reject) => {
        const waiter: Waiter = {
          pred,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            const seen = calls.map((c) => c.method).join(', ') || 'none';
            reject(
              new Error(`slack simulator: no matching call within ${timeoutMs} ms (calls so far: ${seen})`),
            );
          }, timeoutMs),
        };
        waiters.push(waiter);
      });
    },
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      failures.clear();
      state.reset();
    },
    close: async () => {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('slack simulator closed'));
      }
      waiters = [];
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // WebClient keeps connections alive; without this close() would wait for them to idle out.
        server.closeAllConnections();
      });
    },
  };
  return sim;
}
