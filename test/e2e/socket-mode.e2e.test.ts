import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';
import { slashCommandBody } from '../support/slack-payloads.js';
import { SIM_APP_TOKEN } from '../support/slack-sim-defaults.js';
import type { SocketModeServer } from '../support/socket-mode-server.js';

/**
 * The app with SLACK_APP_TOKEN set: no request URL, everything arrives over the WebSocket that
 * apps.connections.open (on SLACK_API_URL) points at, and every answer goes back as the ack.
 */

let h: Harness;
let socket: SocketModeServer;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  h = await startHarness({
    appToken: SIM_APP_TOKEN,
    estimatedSeconds: 1,
    logLevel: 'trace',
    logDestination: sink,
  });
  if (!h.socket) throw new Error('harness did not start Socket Mode');
  socket = h.socket;
});
afterAll(async () => {
  await h?.close();
});

const URL1 = 'https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$&wid=200';
const URL2 = 'https://images.jjesquire.com/is/content/JJEsquire/manual.pdf';
const WRONG_HOST = 'https://s7d9.scene7.com/is/image/JJEsquire/11008047?$product$';

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

/** A `/purge` slash_commands envelope, with the fields Slack puts in it. */
function commandPayload(text: string, userId: string, channelId: string, triggerId: string) {
  const form = slashCommandBody({ text, userId, channelId, responseUrl: h.slack.responseUrl(), triggerId });
  return Object.fromEntries(new URLSearchParams(form));
}

describe('Socket Mode end to end', () => {
  it('connects with the app token through SLACK_API_URL, is greeted, and keeps the connection alive', async () => {
    expect(h.app.mode).toBe('socket');
    expect(h.env.slackSigningSecret).toBeUndefined();
    const opens = h.slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(SIM_APP_TOKEN);
    expect(opens[0]?.response).toEqual({ ok: true, url: socket.url });
    // The app token opens the connection and is used for nothing else.
    const byAppToken = h.slack.calls.filter((c) => c.token === SIM_APP_TOKEN).map((c) => c.method);
    expect(new Set(byAppToken)).toEqual(new Set(['apps.connections.open']));
    expect(socket.connections).toBe(1);
    expect(socket.openConnections).toBe(1);
    // Slack pings; a client that stops answering gets disconnected.
    await socket.ping('still there?');
  });

  it('/purge → ack → modal → submission acked empty → IPS gets exactly the URLs → threaded confirmation', async () => {
    const before = h.ips.calls.length;
    const triggerId = 'trig-socket-1';
    const envelope = commandPayload('', USERS.admin.id, 'C0SOCK', triggerId);
    const ack = await socket.deliver('slash_commands', envelope);
    // A bare ack: Slack shows nothing in the channel; the modal follows.
    expect(ack.payload).toEqual({});
    const modal = await h.modalFor(triggerId);
    expect(modal.companies).toEqual(['JJEsquire', 'Example.com']);

    const acksBefore = socket.acks.length;
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: `${URL1}\n${URL2}\n` });
    expect(res).toEqual({ status: 200, json: undefined, body: '' });
    const submitAck = socket.acks[acksBefore];
    // An empty ack payload closes the modal.
    expect(submitAck?.payload).toEqual({});

    const call = await until(() => invalidations(before)[0]);
    expect(call.urls).toEqual([URL1, URL2]);
    expect(call.companyHandle).toBe('c|6');

    const root = await until(() =>
      h.slack.messages('C0SOCK').find((m) => !m.thread_ts || m.thread_ts === m.ts),
    );
    expect(root.text).toContain('JJEsquire');
    const reply = await until(() =>
      h.slack.messages('C0SOCK').find((m) => m.thread_ts === root.ts && /Done/.test(m.text ?? '')),
    );
    const replyCall = h.slack.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.thread_ts === root.ts && c.args.text === reply.text,
    );
    expect(JSON.stringify(replyCall?.args.blocks)).toContain(`<@${USERS.admin.id}>`);
    expect(JSON.stringify(replyCall?.args.blocks)).toContain(call.response?.invalidationHandle);
    expect(invalidations(before)).toHaveLength(1);
    expect(socket.unexpected).toEqual([]);
  });

  it('invalid URLs: the ack payload carries response_action errors on the urls block, and nothing is sent', async () => {
    const before = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0SOCKBAD');
    const acksBefore = socket.acks.length;
    const res = await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: [URL1, WRONG_HOST].join('\n'),
    });
    const ack = socket.acks[acksBefore];
    expect(ack?.payload?.response_action).toBe('errors');
    const errors = ack?.payload?.errors as Record<string, string> | undefined;
    expect(Object.keys(errors ?? {})).toEqual(['urls']);
    expect(errors?.urls).toMatch(/Line 2: .*s7d9\.scene7\.com.* — .*not a delivery host of JJEsquire/);
    expect(errors?.urls).not.toMatch(/Line 1:/);
    expect(res.json).toEqual(ack?.payload);
    expect(invalidations(before)).toEqual([]);
    expect(h.slack.messages('C0SOCKBAD')).toEqual([]);
  });

  it('answers /purge help in the ack payload (ephemeral)', async () => {
    const ack = await socket.deliver(
      'slash_commands',
      commandPayload('help', USERS.nobody.id, 'C0SOCK', 'trig-socket-h'),
    );
    expect(ack.payload?.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.payload)).toContain('/purge status');
  });

  it('serves /healthz, /readyz and /metrics on PORT, and no /slack/events', async () => {
    expect(h.app.port).toBeGreaterThan(0);
    const health = await fetch(`${h.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await until(async () => {
      const r = await fetch(`${h.base}/readyz`);
      return r.status === 200 ? r : undefined;
    });
    expect(await ready.text()).toContain('redis');
    const metrics = await fetch(`${h.base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# HELP /m);
    // Requests come over the WebSocket; there is no request URL to POST to.
    const events = await fetch(`${h.base}/slack/events`, { method: 'POST', body: 'x=1' });
    expect(events.status).toBe(404);
  });

  it('reconnects when Slack refreshes the connection, and when the connection drops', async () => {
    const opensBefore = h.slack.callsTo('apps.connections.open').length;
    const connected = socket.connections;
    socket.requestDisconnect('refresh_requested');
    await socket.waitForConnections(connected + 1, 30_000);
    // The app closed the old connection properly and asked for a fresh URL.
    expect(socket.closeCodes).toContain(1000);
    expect(h.slack.callsTo('apps.connections.open')).toHaveLength(opensBefore + 1);
    const afterRefresh = await socket.deliver(
      'slash_commands',
      commandPayload('help', USERS.nobody.id, 'C0SOCK', 'trig-socket-r1'),
    );
    expect(afterRefresh.connection).toBe(connected + 1);
    expect(afterRefresh.payload?.response_type).toBe('ephemeral');

    socket.dropConnections();
    await socket.waitForConnections(connected + 2, 30_000);
    const afterDrop = await socket.deliver(
      'slash_commands',
      commandPayload('help', USERS.nobody.id, 'C0SOCK', 'trig-socket-r2'),
    );
    expect(afterDrop.connection).toBe(connected + 2);
    expect(socket.openConnections).toBe(1);
  });

  it('logs the Socket Mode traffic at trace level without the app token or the bot token', () => {
    const all = logLines.join('\n');
    // The envelopes and acks did reach the log, so the absence below means something.
    expect(all).toContain('Received a message on the WebSocket');
    expect(all).toContain('apps.connections.open');
    expect(all).not.toContain(SIM_APP_TOKEN);
    expect(all).not.toContain(h.env.slackBotToken);
  });

  it('stop closes the WebSocket with a normal close and releases PORT', async () => {
    const codes = socket.closeCodes.length;
    await h.app.stop();
    // stop() waited for the closing handshake.
    expect(socket.openConnections).toBe(0);
    expect(socket.closeCodes.slice(codes)).toEqual([1000]);
    await expect(fetch(`${h.base}/healthz`)).rejects.toThrow();
  });
});
