import { Redis } from 'ioredis';
import { type RunningApp, start } from '../../src/app.js';
import { defaultPurgeConfig } from '../../src/config/purge-config.js';
import type { CompanyConfig, Env, PurgeConfig } from '../../src/config/types.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { COMPANY_BLOCK, FILE_BLOCK, PURGE_MODAL, URLS_BLOCK } from '../../src/slack/ids.js';
import { type IpsSimulator, SIM_DEFAULTS, startIpsSimulator } from './ips-simulator.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from './redis.js';
import {
  blockActionsBody,
  messageShortcutBody,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-payloads.js';
import { postToSlackEndpoint } from './slack-signing.js';
import { type SlackSimulator, type SlackUserFixture, startSlackSimulator } from './slack-simulator.js';
import { type SocketModeServer, startSocketModeServer } from './socket-mode-server.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** Slack users the end-to-end tests act as. */
export const USERS = {
  admin: { id: 'U0ADMIN', email: 'admin@jjesquire.com', name: 'ada' },
  lead: { id: 'U0LEAD', email: 'Lead@JJEsquire.com', name: 'lee' },
  global: { id: 'U0GLOBAL', email: 'boss@example.com', name: 'boss' },
  nobody: { id: 'U0NOBODY', email: 'nobody@example.com', name: 'nobody' },
  guest: { id: 'U0GUEST', email: 'lead@jjesquire.com', name: 'guest', is_restricted: true },
  ipsAdmin: { id: 'U0IPSADM', email: 'web-ops@jjesquire.com', name: 'webops' },
  ipsViewer: { id: 'U0VIEWER', email: 'viewer@jjesquire.com', name: 'viewer' },
} satisfies Record<string, SlackUserFixture>;

export const JJ: CompanyConfig = {
  name: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com'],
  templates: [
    'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$',
    'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$product$',
  ],
  admins: ['U0ADMIN', 'lead@jjesquire.com'],
  channel: undefined,
};
export const EXAMPLE: CompanyConfig = {
  name: 'Example.com',
  hosts: ['s7d9.scene7.com'],
  templates: [],
  admins: ['U0ADMIN'],
  channel: undefined,
};

export interface HarnessOptions {
  companies?: CompanyConfig[];
  verifyWithIps?: boolean;
  limits?: Partial<PurgeConfig['limits']>;
  estimatedSeconds?: number;
  ackBudgetMs?: number;
  logLevel?: Env['logLevel'];
  logDestination?: NodeJS.WritableStream;
  /**
   * Runs the app in Socket Mode with this SLACK_APP_TOKEN (and no signing secret): the Slack
   * simulator hands out a fake Socket Mode endpoint (`socket`), and `command`, `openModal`,
   * `submit`, `shortcut` and `clickStatus` arrive as envelopes there; their answer is the ack.
   * `post` still POSTs to `/slack/events`, which Socket Mode does not serve.
   */
  appToken?: string;
}

export interface Harness {
  app: RunningApp;
  ips: IpsSimulator;
  slack: SlackSimulator;
  /** `http://127.0.0.1:<port>` of the app. */
  base: string;
  prefix: string;
  env: Env;
  /** The fake Socket Mode endpoint the app is connected to (only with `appToken`). */
  socket: SocketModeServer | undefined;
  /** Sends `/purge <text>` signed like Slack; returns the HTTP answer and the command's response_url. */
  command(
    text: string,
    userId: string,
    channelId?: string,
  ): Promise<{ status: number; json: unknown; body: string; responseUrl: string; triggerId: string }>;
  /** POSTs a raw body to `/slack/events`, signed (or mis-signed, or signed at `timestamp`) as told. */
  post(
    rawBody: string,
    opts?: { timestamp?: number; badSignature?: boolean },
  ): Promise<{ status: number; json: unknown; body: string }>;
  /** What reached `responseUrl` (ephemeral answers), waiting until at least `count` arrived. */
  responsesTo(responseUrl: string, count?: number): Promise<Record<string, unknown>[]>;
  /** The purge modal as last opened or updated for this user's trigger (after any loading state). */
  modalFor(triggerId: string): Promise<ModalState>;
  /** Opens the modal with `/purge` and waits until it shows the form (or a message). */
  openModal(userId: string, text?: string, channelId?: string): Promise<ModalState>;
  submit(
    userId: string,
    modal: ModalState,
    input: {
      company?: string;
      urls?: string;
      files?: { id: string; name: string }[];
      privateMetadata?: string;
    },
  ): Promise<{ status: number; json: unknown; body: string }>;
  shortcut(
    userId: string,
    channelId: string,
    message: Record<string, unknown>,
  ): Promise<{ status: number; json: unknown; body: string; triggerId: string }>;
  /** Clicks "Details" on a purge message; Slack gives the click its own response_url. */
  clickStatus(
    userId: string,
    purgeId: string,
    channelId: string,
  ): Promise<{ status: number; responseUrl: string }>;
  close(): Promise<void>;
}

export interface ModalState {
  viewId: string;
  triggerId: string;
  view: Record<string, unknown>;
  privateMetadata: string;
  /** Values of the company select's options. */
  companies: string[];
  initialUrls: string | undefined;
  text: string;
}

let triggerSeq = 0;

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const ips = await startIpsSimulator({ estimatedSeconds: o.estimatedSeconds ?? 1 });
  const slack = await startSlackSimulator({ users: Object.values(USERS) });
  const socket = o.appToken !== undefined ? await startSocketModeServer() : undefined;
  slack.setSocketModeUrl(socket?.url);
  const prefix = testPrefix('e2e');
  const env: Env = {
    slackBotToken: slack.botToken,
    slackSigningSecret: socket ? undefined : SIGNING_SECRET,
    slackAppToken: o.appToken,
    slackApiUrl: slack.url,
    port: 0,
    redisUrl: TEST_REDIS_URL,
    redisCluster: false,
    redisPrefix: prefix,
    ipsRegion: 'na',
    ipsApiUrl: ips.url,
    ipsUser: SIM_DEFAULTS.user,
    ipsPassword: SIM_DEFAULTS.password,
    ipsApiVersion: '2014-04-03',
    purgeConfigPath: 'test',
    logLevel: o.logLevel ?? 'silent',
  };
  const config = defaultPurgeConfig();
  config.companies = o.companies ?? [JJ, EXAMPLE];
  config.access = { globalAdmins: ['U0GLOBAL'], verifyWithIps: o.verifyWithIps ?? false };
  config.limits = { ...config.limits, ...o.limits };
  config.engine = { ...config.engine, backoffMs: 50, confirmGraceMs: 50, shutdownDeadlineMs: 5000 };
  config.ips = { ...config.ips, headersTimeoutMs: 2000, bodyTimeoutMs: 2000, connectTimeoutMs: 2000 };
  const logger = o.logDestination
    ? createLogger({ level: env.logLevel, destination: o.logDestination as never })
    : silentLogger();
  const app = await start(env, config, {
    logger,
    engine: {
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      tuning: {
        sweepIntervalMs: 1000,
        sweepMinAgeMs: 0,
        claimLeaseMs: 3000,
        jobRetry: { retryBackoffMs: 50 },
      },
    },
    ...(o.ackBudgetMs !== undefined ? { ackBudgetMs: o.ackBudgetMs } : {}),
    companyRetryMs: 50,
  });
  const base = `http://127.0.0.1:${app.port}`;
  const events = `${base}/slack/events`;
  const deliver = (rawBody: string) =>
    socket ? deliverOverSocket(socket, rawBody) : postToSlackEndpoint(events, rawBody, SIGNING_SECRET);
  for (let i = 0; i < 200 && !app.directory.status().ready; i++) await new Promise((r) => setTimeout(r, 25));

  const modalFor = async (triggerId: string): Promise<ModalState> => {
    const opened = await slack.waitFor(
      (c) => c.method === 'views.open' && c.args.trigger_id === triggerId,
      10_000,
    );
    const viewId = String((opened.response.view as { id?: string } | undefined)?.id ?? '');
    let view = opened.args.view as Record<string, unknown>;
    if (isLoading(view)) {
      const upd = await slack.waitFor(
        (c) => c.method === 'views.update' && c.args.view_id === viewId,
        10_000,
      );
      view = upd.args.view as Record<string, unknown>;
    }
    return describeModal(viewId, triggerId, view);
  };

  const h: Harness = {
    app,
    ips,
    slack,
    base,
    prefix,
    env,
    socket,
    async command(text, userId, channelId = 'C0PURGE') {
      const responseUrl = slack.responseUrl();
      const triggerId = `trig-${++triggerSeq}`;
      const res = await deliver(slashCommandBody({ text, userId, channelId, responseUrl, triggerId }));
      return { ...res, responseUrl, triggerId };
    },
    post: (rawBody, opts = {}) => postToSlackEndpoint(events, rawBody, SIGNING_SECRET, opts),
    async responsesTo(responseUrl, count = 1) {
      const mine = () => slack.responses.filter((r) => r.url === responseUrl).map((r) => r.body);
      return until(() => (mine().length >= count ? mine() : undefined), 10_000);
    },
    modalFor,
    async openModal(userId, text = '', channelId = 'C0PURGE') {
      const triggerId = `trig-${++triggerSeq}`;
      const res = await deliver(
        slashCommandBody({ text, userId, channelId, responseUrl: slack.responseUrl(), triggerId }),
      );
      if (res.status !== 200) throw new Error(`/purge answered ${res.status}: ${res.body}`);
      return modalFor(triggerId);
    },
    submit(userId, modal, input) {
      const values: Record<string, Record<string, unknown>> = {
        [COMPANY_BLOCK]: {
          [COMPANY_BLOCK]: {
            type: 'static_select',
            selected_option: input.company
              ? { text: { type: 'plain_text', text: input.company }, value: input.company }
              : null,
          },
        },
        [URLS_BLOCK]: { [URLS_BLOCK]: { type: 'plain_text_input', value: input.urls ?? null } },
        [FILE_BLOCK]: { [FILE_BLOCK]: { type: 'file_input', files: input.files ?? [] } },
      };
      return deliver(
        viewSubmissionBody({
          userId,
          view: {
            id: modal.viewId,
            callback_id: PURGE_MODAL,
            private_metadata: input.privateMetadata ?? modal.privateMetadata,
            state: { values },
          },
        }),
      );
    },
    async shortcut(userId, channelId, message) {
      const triggerId = `trig-${++triggerSeq}`;
      const res = await deliver(
        messageShortcutBody({ userId, channelId, message, triggerId, responseUrl: slack.responseUrl() }),
      );
      return { ...res, triggerId };
    },
    async clickStatus(userId, purgeId, channelId) {
      const responseUrl = slack.responseUrl();
      const body = blockActionsBody({
        userId,
        channelId,
        messageTs: '1.000001',
        actions: [
          { type: 'button', action_id: 'purge_status', block_id: 'b', value: purgeId, action_ts: '1.2' },
        ],
      });
      // Slack sends block_actions from a message with a response_url for answering the clicker.
      const payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;
      payload.response_url = responseUrl;
      const signed = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const res = await deliver(signed);
      return { status: res.status, responseUrl };
    },
    async close() {
      await app.stop();
      await Promise.all([ips.close(), slack.close(), socket?.close()]);
      const redis = new Redis(TEST_REDIS_URL);
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
  };
  return h;
}

/**
 * A body Slack would POST, sent as the Socket Mode envelope Slack would push instead: a form with a
 * `payload` field is an interaction, any other form a slash command. The answer is shaped like the
 * HTTP receiver's: status 200, and the ack's payload as the body ('' for a bare ack).
 */
async function deliverOverSocket(
  socket: SocketModeServer,
  rawBody: string,
): Promise<{ status: number; json: unknown; body: string }> {
  const form = new URLSearchParams(rawBody);
  const interaction = form.get('payload');
  const payload: Record<string, unknown> =
    interaction !== null ? (JSON.parse(interaction) as Record<string, unknown>) : Object.fromEntries(form);
  const type = interaction !== null ? 'interactive' : 'slash_commands';
  // Slack lets the ack carry a response only where HTTP would (not for block actions).
  const accepts = payload.type !== 'block_actions';
  const ack = await socket.deliver(type, payload, { acceptsResponsePayload: accepts });
  const empty = ack.payload === undefined || Object.keys(ack.payload).length === 0;
  return {
    status: 200,
    json: empty ? undefined : ack.payload,
    body: empty ? '' : JSON.stringify(ack.payload),
  };
}

function isLoading(view: Record<string, unknown>): boolean {
  const blocks = (view.blocks ?? []) as { text?: { text?: string } }[];
  return blocks.length === 1 && (blocks[0]?.text?.text ?? '').includes(':hourglass_flowing_sand:');
}

function describeModal(viewId: string, triggerId: string, view: Record<string, unknown>): ModalState {
  const blocks = (view.blocks ?? []) as {
    block_id?: string;
    text?: { text?: string };
    elements?: { text?: string }[];
    element?: { options?: { value: string }[]; initial_value?: string };
  }[];
  const company = blocks.find((b) => b.block_id === COMPANY_BLOCK);
  const urls = blocks.find((b) => b.block_id === URLS_BLOCK);
  const text = blocks
    .map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')].join('\n'))
    .join('\n');
  return {
    viewId,
    triggerId,
    view,
    privateMetadata: String(view.private_metadata ?? ''),
    companies: (company?.element?.options ?? []).map((opt) => opt.value),
    initialUrls: urls?.element?.initial_value,
    text,
  };
}

/** Polls until `pred` holds (a safety bound only; tests never assert durations). */
export async function until<T>(
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
