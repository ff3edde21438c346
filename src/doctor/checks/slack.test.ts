import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/redis.js';
import { type SlackSimulator, startSlackSimulator } from '../../../test/support/slack-simulator.js';
import { loadEnv } from '../../config/env.js';
import type { Env } from '../../config/types.js';
import { checkSlack } from './slack.js';
import { REQUIRED_BOT_SCOPES } from './slack-scopes.js';

const TIMEOUT_MS = 10_000;

function envFor(apiUrl: string, token: string): Env {
  return loadEnv({
    SLACK_BOT_TOKEN: token,
    SLACK_APP_TOKEN: 'xapp-1-A1-1-abc',
    SLACK_API_URL: apiUrl,
    IPS_USER: 'api@example.com',
    IPS_PASSWORD: 'pw',
  });
}

describe('checkSlack', () => {
  const sims: SlackSimulator[] = [];
  async function sim(scopes?: string[]): Promise<SlackSimulator> {
    const s = await startSlackSimulator(scopes ? { scopes } : {});
    sims.push(s);
    return s;
  }
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('names the team and bot, and passes when every manifest scope is granted', async () => {
    const s = await sim([...REQUIRED_BOT_SCOPES, 'channels:read']);
    const results = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['slack', 'ok'],
      ['slack scopes', 'ok'],
    ]);
    expect(results[0]?.detail).toContain(s.teamId);
    expect(results[0]?.detail).toContain(s.botUserId);
    expect(s.callsTo('auth.test')).toHaveLength(1);
  });

  it('fails naming each missing scope and says to reinstall from manifest.yml', async () => {
    const s = await sim(REQUIRED_BOT_SCOPES.filter((x) => x !== 'users:read.email' && x !== 'im:write'));
    const [, scopes] = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(scopes?.status).toBe('fail');
    expect(scopes?.detail).toBe('SLACK_BOT_TOKEN lacks the scopes users:read.email, im:write');
    expect(scopes?.fix).toContain('reinstall the app from manifest.yml');
  });

  it('warns when Slack sends no scopes header', async () => {
    const s = await sim();
    const [, scopes] = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(scopes?.status).toBe('warn');
  });

  it('fails when Slack refuses the token, without printing it', async () => {
    const s = await sim([...REQUIRED_BOT_SCOPES]);
    const token = 'xoxb-SLACKTESTWRONGTOKEN';
    const results = await checkSlack(envFor(s.url, token), TIMEOUT_MS);
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toBe('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    expect(JSON.stringify(results)).not.toContain('SLACKTESTWRONGTOKEN');
  });

  it('retries once at most, then reports the HTTP status', async () => {
    const s = await sim([...REQUIRED_BOT_SCOPES]);
    s.failNext('auth.test', 5, { kind: 'http', status: 503 });
    const results = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toContain('HTTP 503');
    expect(s.callsTo('auth.test')).toHaveLength(2);
  });

  it('recovers when the one retry succeeds', async () => {
    const s = await sim([...REQUIRED_BOT_SCOPES]);
    s.failNext('auth.test', 1, { kind: 'http', status: 503 });
    const results = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it('fails a rate-limited call at once instead of waiting', async () => {
    const s = await sim([...REQUIRED_BOT_SCOPES]);
    s.failNext('auth.test', 1, { kind: 'ratelimit', retryAfter: 600 });
    const results = await checkSlack(envFor(s.url, s.botToken), TIMEOUT_MS);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toContain('rate-limited');
  });

  it('fails with the socket error when nothing listens at SLACK_API_URL', async () => {
    const port = await freePort();
    const results = await checkSlack(envFor(`http://127.0.0.1:${port}/api/`, 'xoxb-1'), TIMEOUT_MS);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toContain(`cannot reach Slack at http://127.0.0.1:${port}/api/`);
    expect(results[0]?.detail).toContain('ECONNREFUSED');
    expect(results[0]?.fix).toContain('SLACK_API_URL');
  });

  describe('against a server that never answers', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('gives up within its own timeout', async () => {
      const results = await checkSlack(envFor(url, 'xoxb-1'), 600);
      expect(results[0]?.status).toBe('fail');
      expect(results[0]?.detail).toContain('cannot reach Slack');
    });
  });
});
