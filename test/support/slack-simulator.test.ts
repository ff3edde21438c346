import { App, isValidSlackRequest, LogLevel, verifySlackRequest, webApi } from '@slack/bolt';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './redis.js';
import {
  blockActionsBody,
  messageShortcutBody,
  nextTriggerId,
  slackEscape,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-payloads.js';
import { postToSlackEndpoint, signedHeaders, slackSignature } from './slack-signing.js';
import { TsClock } from './slack-sim-ids.js';
import {
  FILE_DOWNLOAD_METHOD,
  RESPONSE_URL_METHOD,
  type SlackSimulator,
  startSlackSimulator,
} from './slack-simulator.js';

const { WebClient, ErrorCode } = webApi;

const RETRY = { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 };

/** WebClient logs Slack's response_metadata "[ERROR] …" lines; the tests provoke those on purpose. */
const quiet: webApi.Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function clientFor(sim: SlackSimulator, token = sim.botToken): webApi.WebClient {
  return new WebClient(token, { slackApiUrl: sim.url, retryConfig: RETRY, logger: quiet });
}

/** The Slack error code of a rejected WebClient call. */
async function slackError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; data?: { error?: string } };
    if (e.code === ErrorCode.PlatformError) return e.data?.error ?? 'no-error-field';
    throw err;
  }
  throw new Error('call succeeded but an error was expected');
}

const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  callback_id: 'purge_modal',
  title: { type: 'plain_text' as const, text: 'Purge' },
  submit: { type: 'plain_text' as const, text: 'Purge' },
  blocks: [
    {
      type: 'input',
      block_id: 'urls',
      label: { type: 'plain_text', text: 'URLs' },
      element: { type: 'plain_text_input', action_id: 'urls', multiline: true },
    },
  ],
  ...extra,
});

describe('slack simulator driven by a real WebClient', () => {
  let sim: SlackSimulator;
  let client: webApi.WebClient;

  beforeAll(async () => {
    sim = await startSlackSimulator({
      users: [
        { id: 'U0ADMIN', name: 'Ada Admin', email: 'ada@example.com' },
        { id: 'U0GUEST', name: 'Gus Guest', email: 'gus@example.com', is_restricted: true },
      ],
    });
    client = clientFor(sim);
  });
  afterEach(() => sim.reset());
  afterAll(async () => sim.close());

  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: sim.teamId, user_id: sim.botUserId, bot_id: sim.botId });
    expect(res.url).toMatch(/^https:\/\/.+\.slack\.com\/$/);
    const [call] = sim.callsTo('auth.test');
    expect(call?.token).toBe(sim.botToken);
    expect(call?.status).toBe(200);
    expect(sim.url.endsWith('/api/')).toBe(true);
  });

  it('records chat.postMessage args with blocks decoded and keeps form values as Slack sees them', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Purging *3* URLs' } }];
    const res = await client.chat.postMessage({
      channel: 'C0PUBLIC',
      text: 'Purging 3 URLs',
      blocks,
      unfurl_links: false,
    });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('C0PUBLIC');
    const call = await sim.waitFor((c) => c.method === 'chat.postMessage');
    expect(call.args.blocks).toEqual(blocks);
    expect(call.args.text).toBe('Purging 3 URLs');
    expect(call.args.unfurl_links).toBe('false');
    expect(call.args).not.toHaveProperty('token');
    expect(call.response).toMatchObject({ ok: true, ts: res.ts, channel: 'C0PUBLIC' });
    expect(sim.messages('C0PUBLIC')).toEqual([
      expect.objectContaining({ ts: res.ts, blocks, user: sim.botUserId }),
    ]);
  });

  it('gives unique increasing ts, threads replies under their parent and counts updates', async () => {
    const root = await client.chat.postMessage({ channel: 'C0THREAD', text: 'root' });
    const replies = [];
    for (let i = 0; i < 5; i++) {
      replies.push(
        await client.chat.postMessage({ channel: 'C0THREAD', text: `reply ${i}`, thread_ts: root.ts ?? '' }),
      );
    }
    const all = [root, ...replies].map((r) => r.ts ?? '');
    for (const ts of all) expect(ts).toMatch(/^\d{10}\.\d{6}$/);
    for (let i = 1; i < all.length; i++) {
      expect(Number(all[i])).toBeGreaterThan(Number(all[i - 1]));
      expect((all[i] ?? '') > (all[i - 1] ?? '')).toBe(true);
    }
    expect(replies[0]?.message?.thread_ts).toBe(root.ts);
    const msgs = sim.messages('C0THREAD');
    expect(msgs.map((m) => m.thread_ts)).toEqual([undefined, root.ts, root.ts, root.ts, root.ts, root.ts]);

    const upd = await client.chat.update({ channel: 'C0THREAD', ts: root.ts ?? '', text: 'root (done)' });
    expect(upd).toMatchObject({ ok: true, ts: root.ts, text: 'root (done)' });
    expect(sim.messages('C0THREAD')[0]).toMatchObject({ text: 'root (done)', updates: 1 });
    expect(await slackError(client.chat.update({ channel: 'C0THREAD', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it('applies the channel rules: private needs membership, public does not, archived refuses, not-found', async () => {
    sim.setChannel('G0PRIV', { type: 'private', botMember: false });
    sim.setChannel('C0PUBNOTIN', { type: 'public', botMember: false });
    sim.setChannel('C0OLD', { type: 'public', botMember: true, archived: true });
    sim.setChannel('G0PRIVIN', { type: 'private', botMember: true });
    sim.setChannelNotFound('C0GONE');

    expect(await slackError(client.chat.postMessage({ channel: 'G0PRIV', text: 'x' }))).toBe(
      'not_in_channel',
    );
    expect((await client.chat.postMessage({ channel: 'C0PUBNOTIN', text: 'x' })).ok).toBe(true);
    expect(await slackError(client.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).toBe('is_archived');
    expect((await client.chat.postMessage({ channel: 'G0PRIVIN', text: 'x' })).ok).toBe(true);
    expect(await slackError(client.chat.postMessage({ channel: 'C0GONE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    // Unknown channels default to a public channel with the bot in it.
    expect((await client.chat.postMessage({ channel: 'C0NEVERSEEN', text: 'x' })).ok).toBe(true);
    expect(sim.messages('G0PRIV')).toEqual([]);
    expect(sim.callsTo('chat.postMessage')).toHaveLength(6);
  });

  it('rejects what Slack rejects in message content', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'C0X', text: '' }))).toBe('no_text');
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(await slackError(client.chat.postMessage({ channel: 'C0X', text: 'x', blocks: tooMany }))).toBe(
      'invalid_blocks',
    );
    const long = [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }];
    expect(await slackError(client.chat.postMessage({ channel: 'C0X', text: 'x', blocks: long }))).toBe(
      'invalid_blocks',
    );
  });

  it('opens a DM with conversations.open where the bot may post, and posts ephemerals', async () => {
    const first = await client.conversations.open({ users: 'U0ADMIN' });
    const again = await client.conversations.open({ users: 'U0ADMIN' });
    expect(first.channel?.id).toMatch(/^D/);
    expect(again.channel?.id).toBe(first.channel?.id);
    const posted = await client.chat.postMessage({ channel: first.channel?.id ?? '', text: 'hi' });
    expect(posted.ok).toBe(true);
    // Posting to a user id lands in the same DM, as on Slack.
    const byUser = await client.chat.postMessage({ channel: 'U0ADMIN', text: 'hi again' });
    expect(byUser.channel).toBe(first.channel?.id);
    expect(sim.messages('U0ADMIN').map((m) => m.text)).toEqual(['hi', 'hi again']);
    expect(await slackError(client.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');

    const eph = await client.chat.postEphemeral({ channel: 'C0PUB', user: 'U0ADMIN', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('answers users.info with profile.email and guest flags, user_not_found otherwise', async () => {
    const ada = await client.users.info({ user: 'U0ADMIN' });
    expect(ada.user).toMatchObject({ id: 'U0ADMIN', is_bot: false, deleted: false, is_restricted: false });
    expect(ada.user?.profile?.email).toBe('ada@example.com');
    const gus = await client.users.info({ user: 'U0GUEST' });
    expect(gus.user?.is_restricted).toBe(true);
    sim.addUser({ id: 'U0GONE', deleted: true });
    expect((await client.users.info({ user: 'U0GONE' })).user?.deleted).toBe(true);
    expect((await client.users.info({ user: 'U0GONE' })).user?.profile?.email).toBeUndefined();
    expect(await slackError(client.users.info({ user: 'U0MISSING' }))).toBe('user_not_found');
    expect((await client.users.info({ user: sim.botUserId })).user?.is_bot).toBe(true);
  });

  it('refuses a wrong or missing token with invalid_auth and unknown methods with unknown_method', async () => {
    expect(await slackError(clientFor(sim, 'xoxb-wrong').auth.test())).toBe('invalid_auth');
    expect(
      await slackError(new WebClient(undefined, { slackApiUrl: sim.url, retryConfig: RETRY }).auth.test()),
    ).toBe('invalid_auth');
    expect(await slackError(client.apiCall('nope.never'))).toBe('unknown_method');
    const tokens = sim.callsTo('auth.test').map((c) => c.token);
    expect(tokens).toEqual(['xoxb-wrong', undefined]);
    expect(sim.callsTo('nope.never')).toHaveLength(1);
  });

  it('answers apps.connections.open only for the app token, with the Socket Mode URL it was given', async () => {
    // As Socket Mode's client calls it: no token argument, the app token in the Authorization header.
    const appClient = (token: string) =>
      new WebClient('', {
        slackApiUrl: sim.url,
        retryConfig: RETRY,
        logger: quiet,
        headers: { Authorization: `Bearer ${token}` },
      });
    expect(sim.appToken).toMatch(/^xapp-/);
    expect(await slackError(appClient(sim.appToken).apps.connections.open({}))).toBe(
      'sim_socket_mode_url_not_set',
    );
    sim.setSocketModeUrl('ws://127.0.0.1:9/link/?ticket=t');
    const res = await appClient(sim.appToken).apps.connections.open({});
    expect(res).toMatchObject({ ok: true, url: 'ws://127.0.0.1:9/link/?ticket=t' });
    expect(await slackError(appClient('xapp-1-wrong').apps.connections.open({}))).toBe('invalid_auth');
    expect(await slackError(client.apps.connections.open({}))).toBe('not_allowed_token_type');
    expect(
      await slackError(
        new WebClient(undefined, { slackApiUrl: sim.url, retryConfig: RETRY }).apps.connections.open({}),
      ),
    ).toBe('not_authed');
    // The app token opens connections and nothing else.
    expect(await slackError(clientFor(sim, sim.appToken).auth.test())).toBe('invalid_auth');
    expect(sim.callsTo('apps.connections.open').map((c) => c.token)).toEqual([
      sim.appToken,
      sim.appToken,
      'xapp-1-wrong',
      sim.botToken,
      undefined,
    ]);
    sim.reset();
    expect((await appClient(sim.appToken).apps.connections.open({})).url).toBe(
      'ws://127.0.0.1:9/link/?ticket=t',
    );
    sim.setSocketModeUrl(undefined);
  });

  it('answers 429 with Retry-After; the WebClient waits, retries and succeeds (both calls recorded)', async () => {
    sim.failNext('chat.postMessage', 1, { kind: 'ratelimit', retryAfter: 1 });
    const limited: number[] = [];
    client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => limited.push(seconds));
    const res = await client.chat.postMessage({ channel: 'C0RL', text: 'after the limit' });
    client.removeAllListeners(webApi.WebClientEvent.RATE_LIMITED);
    expect(res.ok).toBe(true);
    expect(limited).toEqual([1]);
    const calls = sim.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[0]?.response).toMatchObject({ ok: false, error: 'ratelimited' });
    expect(calls[0]?.args.text).toBe('after the limit');
    expect(sim.messages('C0RL')).toHaveLength(1);
  });

  it('serves scripted HTTP errors (retried) and platform errors (not retried), then resumes', async () => {
    sim.failNext('users.info', 2, { kind: 'http', status: 503 });
    const ok = await client.users.info({ user: 'U0ADMIN' });
    expect(ok.ok).toBe(true);
    expect(sim.callsTo('users.info').map((c) => c.status)).toEqual([503, 503, 200]);

    sim.failNext('chat.postMessage', 1, { kind: 'error', error: 'fatal_error' });
    expect(await slackError(client.chat.postMessage({ channel: 'C0E', text: 'a' }))).toBe('fatal_error');
    expect((await client.chat.postMessage({ channel: 'C0E', text: 'b' })).ok).toBe(true);
    expect(sim.callsTo('chat.postMessage')).toHaveLength(2);
    expect(sim.messages('C0E').map((m) => m.text)).toEqual(['b']);
  });

  it('makes trigger_ids single-use and keeps views with hashes', async () => {
    const trigger = nextTriggerId();
    const opened = await client.views.open({
      trigger_id: trigger,
      view: modal({ private_metadata: '{"a":1}' }),
    });
    const view = opened.view;
    expect(view?.id).toMatch(/^V/);
    expect(view?.hash).toBeTruthy();
    expect(view?.private_metadata).toBe('{"a":1}');
    expect(await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).toBe(
      'exchanged_trigger_id',
    );
    expect(await slackError(client.views.open({ trigger_id: '', view: modal() }))).toBe('invalid_arguments');

    const id = view?.id ?? '';
    const updated = await client.views.update({
      view_id: id,
      hash: view?.hash ?? '',
      view: modal({ callback_id: 'x' }),
    });
    expect(updated.view?.hash).not.toBe(view?.hash);
    expect(sim.views.get(id)).toMatchObject({ updates: 1, view: { callback_id: 'x' } });
    expect(
      await slackError(client.views.update({ view_id: id, hash: view?.hash ?? '', view: modal() })),
    ).toBe('hash_conflict');
    expect(await slackError(client.views.update({ view_id: 'V0NOPE', view: modal() }))).toBe('not_found');

    const ext = await client.views.open({
      trigger_id: nextTriggerId(),
      view: modal({ external_id: 'req-1' }),
    });
    const byExt = await client.views.update({ external_id: 'req-1', view: modal({ callback_id: 'y' }) });
    expect(byExt.view?.id).toBe(ext.view?.id);

    const pushed = await client.views.push({ trigger_id: nextTriggerId(), view: modal() });
    expect(pushed.view?.id).toMatch(/^V/);
    expect(sim.views.size).toBe(3);
  });

  it('validates modals like Slack', async () => {
    const noSubmit = { ...modal(), submit: undefined };
    expect(await slackError(client.views.open({ trigger_id: nextTriggerId(), view: noSubmit }))).toBe(
      'invalid_arguments',
    );
    const longTitle = modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } });
    expect(await slackError(client.views.open({ trigger_id: nextTriggerId(), view: longTitle }))).toBe(
      'invalid_arguments',
    );
    const bigMeta = modal({ private_metadata: 'm'.repeat(3001) });
    const call = slackError(client.views.open({ trigger_id: nextTriggerId(), view: bigMeta }));
    expect(await call).toBe('invalid_arguments');
    const last = sim.callsTo('views.open').at(-1);
    expect(JSON.stringify(last?.response)).toContain('private_metadata');
  });

  it('serves file bytes at the private URL only with the bot token', async () => {
    const added = sim.addFile({ name: 'urls.txt', content: 'https://s7d7.scene7.com/is/image/Co/a\n' });
    const info = await client.files.info({ file: added.id });
    const url = info.file?.url_private_download ?? '';
    expect(url.startsWith(sim.origin)).toBe(true);
    expect(info.file).toMatchObject({ name: 'urls.txt', filetype: 'text', mimetype: 'text/plain', size: 38 });

    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { headers: { authorization: 'Bearer xoxb-other' } })).status).toBe(403);
    const good = await fetch(url, { headers: { authorization: `Bearer ${sim.botToken}` } });
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('https://s7d7.scene7.com/is/image/Co/a\n');
    const viaPrivate = await fetch(info.file?.url_private ?? '', {
      headers: { authorization: `Bearer ${sim.botToken}` },
    });
    expect(viaPrivate.status).toBe(200);
    await viaPrivate.arrayBuffer();

    sim.failNext(FILE_DOWNLOAD_METHOD, 1, { kind: 'http', status: 500 });
    expect((await fetch(url, { headers: { authorization: `Bearer ${sim.botToken}` } })).status).toBe(500);
    expect(await slackError(client.files.info({ file: 'F0NOPE' }))).toBe('file_not_found');
  });

  it('records what is POSTed to a response_url', async () => {
    const url = sim.responseUrl();
    expect(url).not.toBe(sim.responseUrl());
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Queued', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(sim.responses).toEqual([
      { url, body: { text: 'Queued', response_type: 'ephemeral' }, at: expect.any(Number) },
    ]);
    expect((await fetch(`${sim.origin}/commands/T/1/none`, { method: 'POST', body: '{}' })).status).toBe(404);
    sim.failNext(RESPONSE_URL_METHOD, 1, { kind: 'http', status: 404 });
    expect((await fetch(url, { method: 'POST', body: '{"text":"x"}' })).status).toBe(404);
    expect(sim.responses).toHaveLength(1);
  });

  it('waitFor resolves on past and future calls and rejects when nothing matches', async () => {
    await client.auth.test();
    await expect(sim.waitFor((c) => c.method === 'auth.test')).resolves.toMatchObject({
      method: 'auth.test',
    });
    const future = sim.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0LATER');
    await client.chat.postMessage({ channel: 'C0LATER', text: 'now' });
    await expect(future).resolves.toMatchObject({ args: { text: 'now' } });
    await expect(sim.waitFor((c) => c.method === 'never.called', 50)).rejects.toThrow(/no matching call/);
  });

  it('reset forgets calls, messages, views and pending failures but keeps users', async () => {
    sim.failNext('auth.test', 3, { kind: 'error', error: 'x' });
    await client.chat.postMessage({ channel: 'C0R', text: 'x' });
    sim.reset();
    expect(sim.calls).toHaveLength(0);
    expect(sim.messages('C0R')).toHaveLength(0);
    expect((await client.auth.test()).ok).toBe(true);
    expect((await client.users.info({ user: 'U0ADMIN' })).ok).toBe(true);
  });
});

describe('TsClock', () => {
  it('is strictly increasing whatever the clock does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }), { maxLength: 300 }),
        (nows) => {
          const clock = new TsClock();
          let prev = '';
          for (const now of nows) {
            const ts = clock.next(now);
            expect(ts).toMatch(/^\d{10}\.\d{6}$/);
            expect(ts > prev).toBe(true);
            prev = ts;
          }
        },
      ),
    );
  });
});

describe('request signing', () => {
  const secret = 'sim-signing-secret';

  it('matches Bolt’s own verifier for any body, and fails it when stale or tampered', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (sec, body) => {
        const ts = Math.floor(Date.now() / 1000);
        const headers = {
          'x-slack-signature': slackSignature(sec, ts, body),
          'x-slack-request-timestamp': ts,
        };
        expect(isValidSlackRequest({ signingSecret: sec, body, headers })).toBe(true);
        expect(isValidSlackRequest({ signingSecret: sec, body: `${body}x`, headers })).toBe(false);
      }),
    );
    const body = slashCommandBody({ userId: 'U1', channelId: 'C1', responseUrl: 'http://x/y', text: 'a&b' });
    const h = signedHeaders(secret, body);
    expect(h['content-type']).toBe('application/x-www-form-urlencoded');
    const ts = Number(h['x-slack-request-timestamp']);
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': h['x-slack-signature'] ?? '', 'x-slack-request-timestamp': ts },
      }),
    ).not.toThrow();
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: {
          'x-slack-signature': slackSignature(secret, stale, body),
          'x-slack-request-timestamp': stale,
        },
      }),
    ).toThrow(/stale/);
  });

  it('builds slash command bodies as Slack’s form, escaping only when asked', () => {
    const body = slashCommandBody({
      userId: 'U1',
      channelId: 'C1',
      responseUrl: 'http://x/y',
      text: slackEscape('https://h/is/image/Co/a?$p$&wid=1'),
    });
    const form = new URLSearchParams(body);
    expect(form.get('command')).toBe('/purge');
    expect(form.get('text')).toBe('https://h/is/image/Co/a?$p$&amp;wid=1');
    expect(form.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(nextTriggerId()).not.toBe(nextTriggerId());
    const actions = blockActionsBody({
      userId: 'U1',
      actions: [{ action_id: 'a', type: 'button' }],
      channelId: 'C1',
      messageTs: '1.2',
    });
    const payload = JSON.parse(new URLSearchParams(actions).get('payload') ?? '{}');
    expect(payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', channel_id: 'C1' },
    });
  });
});

describe('Bolt app against the simulator, driven by signed payloads', () => {
  const secret = 'bolt-signing-secret';
  let sim: SlackSimulator;
  let app: App;
  let endpoint: string;
  const seen: { submitted?: Record<string, unknown>; shortcutText?: string } = {};

  beforeAll(async () => {
    sim = await startSlackSimulator({ users: [{ id: 'U0ADMIN', email: 'ada@example.com' }] });
    app = new App({
      token: sim.botToken,
      signingSecret: secret,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: sim.url, retryConfig: RETRY },
    });
    app.command('/purge', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: modal({ private_metadata: body.channel_id }),
      });
    });
    app.view('purge_modal', async ({ ack, view, body, client }) => {
      await ack();
      seen.submitted = view.state.values as Record<string, unknown>;
      await client.chat.postMessage({ channel: view.private_metadata, text: `by ${body.user.id}` });
    });
    app.shortcut('purge_from_message', async ({ ack, shortcut, respond }) => {
      await ack();
      seen.shortcutText = shortcut.type === 'message_action' ? shortcut.message.text : undefined;
      await respond({ text: 'got it' });
    });
    const port = await freePort();
    await app.start(port);
    endpoint = `http://127.0.0.1:${port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await sim.close();
  });

  it('runs command → modal → submit → post through Bolt', async () => {
    await sim.waitFor((c) => c.method === 'auth.test');
    const cmd = slashCommandBody({
      userId: 'U0ADMIN',
      channelId: 'C0OPS',
      text: '',
      responseUrl: sim.responseUrl(),
    });
    expect((await postToSlackEndpoint(endpoint, cmd, secret)).status).toBe(200);
    const open = await sim.waitFor((c) => c.method === 'views.open');
    const viewId = String((open.response.view as { id: string }).id);
    const stored = sim.views.get(viewId);
    expect(stored?.view.private_metadata).toBe('C0OPS');

    const values = { urls: { urls: { type: 'plain_text_input', value: 'https://a/is/image/Co/x' } } };
    const submit = viewSubmissionBody({
      userId: 'U0ADMIN',
      view: { id: viewId, callback_id: 'purge_modal', private_metadata: 'C0OPS', state: { values } },
    });
    expect((await postToSlackEndpoint(endpoint, submit, secret)).status).toBe(200);
    const post = await sim.waitFor((c) => c.method === 'chat.postMessage');
    expect(post.args).toMatchObject({ channel: 'C0OPS', text: 'by U0ADMIN' });
    expect(seen.submitted).toEqual(values);
  });

  it('runs a message shortcut and respond() lands in sim.responses', async () => {
    const responseUrl = sim.responseUrl();
    const body = messageShortcutBody({
      userId: 'U0ADMIN',
      channelId: 'C0OPS',
      message: { ts: '1700000000.000100', user: 'U0ADMIN', text: '<https://a/is/image/Co/x?$p$&amp;w=1>' },
      responseUrl,
    });
    expect((await postToSlackEndpoint(endpoint, body, secret)).status).toBe(200);
    await expect.poll(() => sim.responses.length, { timeout: 10_000 }).toBe(1);
    expect(sim.responses[0]).toMatchObject({ url: responseUrl, body: { text: 'got it' } });
    expect(seen.shortcutText).toBe('<https://a/is/image/Co/x?$p$&amp;w=1>');
  });

  it('is refused by Bolt (401) when the signature is bad or the timestamp stale', async () => {
    const cmd = slashCommandBody({ userId: 'U0ADMIN', channelId: 'C0OPS', responseUrl: sim.responseUrl() });
    expect((await postToSlackEndpoint(endpoint, cmd, secret, { badSignature: true })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await postToSlackEndpoint(endpoint, cmd, secret, { timestamp: stale })).status).toBe(401);
  });
});
