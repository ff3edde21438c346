/** Public shapes of the Slack Web API simulator (see slack-simulator.ts). */

export interface SlackUserFixture {
  id: string;
  name?: string;
  email?: string;
  is_bot?: boolean;
  deleted?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  tz?: string;
}

export interface SlackCall {
  method: string;
  /** Request arguments as Slack received them: form values stay strings; blocks, view, attachments are JSON-decoded. */
  args: Record<string, unknown>;
  token: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** The JSON body answered (for HTTP failures, the body sent with that status). */
  response: Record<string, unknown>;
  /** HTTP status answered: 200, or 429/5xx from `failNext`. */
  status: number;
}

export type SlackFailure =
  | { kind: 'error'; error: string } // HTTP 200 {ok:false,error}
  | { kind: 'ratelimit'; retryAfter: number } // HTTP 429 + Retry-After seconds
  | { kind: 'http'; status: number }; // e.g. 500/503

export interface SlackSimulatorOptions {
  /** Default 'xoxb-test-token'. */
  botToken?: string;
  /** App-level token accepted by `apps.connections.open`; default `SIM_APP_TOKEN`. */
  appToken?: string;
  users?: SlackUserFixture[];
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /**
   * Scopes of the bot token. When set, every call made with it is answered with an
   * `x-oauth-scopes` header listing them, as Slack does (WebClient exposes them on
   * `response_metadata.scopes`); when unset, no such header is sent.
   */
  scopes?: string[];
}

export type SlackChannelType = 'public' | 'private' | 'im';

export interface SlackChannelFixture {
  type: SlackChannelType;
  botMember: boolean;
  archived?: boolean;
}

/** A file as `files.info` and `file_input` state describe it. */
export interface SlackFileObject {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  user_team: string;
  editable: boolean;
  size: number;
  mode: 'hosted';
  is_external: boolean;
  external_type: string;
  is_public: boolean;
  public_url_shared: boolean;
  display_as_bot: boolean;
  url_private: string;
  url_private_download: string;
  permalink: string;
  channels: string[];
  groups: string[];
  ims: string[];
  comments_count: number;
}

export interface SlackFileInput {
  id?: string;
  name: string;
  content: string | Buffer;
  filetype?: string;
  mimetype?: string;
}

/** A message the bot posted (chat.postMessage), as last updated (chat.update). */
export interface SimMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  user: string;
  bot_id: string;
  reply_broadcast?: boolean;
  /** How many chat.update calls changed it. */
  updates: number;
}

export interface SimView {
  id: string;
  /** The view as Slack returned it last (id, hash, state, callback_id, private_metadata, blocks, …). */
  view: Record<string, unknown>;
  /** How many views.update calls changed it. */
  updates: number;
}

export interface SimResponse {
  url: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SlackSimulator {
  /** Web API base, ends with '/api/'. */
  url: string;
  origin: string;
  botToken: string;
  /** The app-level token (`xapp-…`) `apps.connections.open` accepts. */
  appToken: string;
  teamId: string;
  botUserId: string;
  botId: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /**
   * The next `n` calls of `method` fail as described, in order; normal service resumes after.
   * Besides Web API methods, `'response_url'` fails POSTs to response URLs and `'file_download'`
   * fails GETs of private file URLs (only the `http`/`ratelimit` kinds mean anything there).
   */
  failNext(method: string, n: number, failure: SlackFailure): void;
  /**
   * The WebSocket URL `apps.connections.open` answers with (see socket-mode-server.ts). Until one
   * is set the method answers `sim_socket_mode_url_not_set`. Kept across `reset()`.
   */
  setSocketModeUrl(url: string | undefined): void;
  addUser(u: SlackUserFixture): void;
  setChannel(id: string, c: SlackChannelFixture): void;
  /** From now on `id` answers `channel_not_found` (a channel the token cannot see or that was deleted). */
  setChannelNotFound(id: string): void;
  addFile(f: SlackFileInput): SlackFileObject;
  /** A fresh response_url served here. */
  responseUrl(): string;
  /** What was POSTed to response_urls. */
  responses: SimResponse[];
  /** Messages the bot posted in `channel` (a user id finds the bot's DM with that user), oldest first. */
  messages(channel: string): SimMessage[];
  views: Map<string, SimView>;
  /** Resolves with the first past or future call matching `pred`; rejects after `timeoutMs` (default 10 s). */
  waitFor(pred: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** Forgets calls, responses, pending failures, messages, views and used triggers; keeps users, channels, files. */
  reset(): void;
  close(): Promise<void>;
}
