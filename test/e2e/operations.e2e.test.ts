import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SIGNING_SECRET, startHarness, USERS, until } from '../support/app-harness.js';
import { SIM_DEFAULTS } from '../support/ips-simulator.js';

let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  h = await startHarness({ estimatedSeconds: 0, logLevel: 'trace', logDestination: sink });
});
afterAll(async () => {
  await h?.close();
});

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${h.base}${path}`);
  return { status: res.status, text: await res.text() };
}

describe('operations', () => {
  it('/healthz and /readyz name every check', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await until(async () => {
      const r = await get('/readyz');
      return r.status === 200 ? r : undefined;
    });
    const body = JSON.parse(ready.text) as { checks: { name: string; ok: boolean }[] };
    expect(body.checks.map((c) => c.name)).toEqual(['redis', 'ips companies', 'slack auth']);
    expect(body.checks.every((c) => c.ok)).toBe(true);
  });

  it('a full purge with trace logging leaves no secret in the logs, and shows up in /metrics', async () => {
    const modal = await h.openModal(USERS.admin.id);
    const url = 'https://s7d7.scene7.com/is/image/JJEsquire/metrics-1?$product$';
    await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: url });
    const root = await until(() => h.slack.messages('C0PURGE').find((m) => m.text?.includes('JJEsquire')));
    await until(() => h.slack.messages('C0PURGE').find((m) => m.thread_ts === root.ts && m.ts !== root.ts));

    const metrics = await until(async () => {
      const m = (await get('/metrics')).text;
      return m.includes('dmpurge_purges_total{company="JJEsquire",outcome="done"} 1') ? m : undefined;
    });
    expect(metrics).toContain('dmpurge_urls_purged_total{company="JJEsquire"} 1');
    expect(metrics).toMatch(/dmpurge_ips_calls_total\{operation="cdnCacheInvalidation",outcome="ok"\} 1/);
    expect(metrics).toMatch(/dmpurge_ips_call_duration_seconds_count\{operation="cdnCacheInvalidation"\} 1/);
    expect(metrics).toMatch(/dmpurge_confirmation_lag_seconds_count 1/);
    expect(metrics).toMatch(/dmpurge_queue_jobs\{queue="[a-z]+",state="waiting"\}/);
    expect(metrics).toContain('dmpurge_process_resident_memory_bytes');
    expect(metrics).not.toContain(url);
    expect(metrics).not.toContain(USERS.admin.id);

    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    for (const secret of [SIM_DEFAULTS.password, h.env.slackBotToken, SIGNING_SECRET]) {
      expect(all).not.toContain(secret);
    }
  });

  it('writes an audit event for each step: accepted, submitted, confirmed, and a denial', async () => {
    const denied = await h.openModal(USERS.nobody.id);
    expect(denied.companies).toEqual([]);
    const audit = (event: string) =>
      logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.audit === event);
    for (const event of ['purge.accepted', 'purge.submitted', 'purge.confirmed']) {
      expect(audit(event)[0]).toMatchObject({ user: USERS.admin.id, company: 'JJEsquire', urls: 1 });
    }
    expect(audit('purge.denied').some((e) => e.user === USERS.nobody.id && e.reason === 'not-admin')).toBe(
      true,
    );
    expect((await get('/metrics')).text).toMatch(/dmpurge_access_denied_total\{reason="not-admin"\} [1-9]/);
  });

  it("log lines written while handling a Slack request carry that request's ids", async () => {
    const modal = await h.openModal(USERS.admin.id, '', 'C0REQIDS');
    await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: 'https://s7d7.scene7.com/is/image/JJEsquire/request-ids',
    });
    const accepted = await until(() =>
      logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((e) => e.audit === 'purge.accepted' && e.slackView === modal.viewId),
    );
    expect(accepted).toMatchObject({
      slackRequest: 'view_submission',
      slackUser: USERS.admin.id,
      slackTeam: expect.stringMatching(/^T/),
      slackTrigger: expect.any(String),
    });
    // Exactly one audit line for it: no later line of the request inherits the audit field.
    const acceptedLines = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.audit === 'purge.accepted' && e.purgeId === accepted.purgeId);
    expect(acceptedLines).toHaveLength(1);
    // Work outside any request (the workers) carries none.
    const submitted = await until(() =>
      logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((e) => e.audit === 'purge.submitted' && e.purgeId === accepted.purgeId),
    );
    expect(submitted.slackTrigger).toBeUndefined();
  });

  it('audits a purge IPS refused as purge.failed, with the fault code', async () => {
    h.ips.failNext(
      1,
      { kind: 'fault', fault: 'authorization', code: 20003, reason: 'User is not authorized for company' },
      'cdnCacheInvalidation',
    );
    const modal = await h.openModal(USERS.admin.id, '', 'C0AUDITFAIL');
    await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: 'https://s7d7.scene7.com/is/image/JJEsquire/audit-fail',
    });
    const failed = await until(() =>
      logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.audit === 'purge.failed'),
    );
    expect(failed).toMatchObject({ user: USERS.admin.id, company: 'JJEsquire', urls: 1, code: 20003 });
  });

  it('counts Slack rate limits and API errors by method', async () => {
    h.slack.failNext('chat.postMessage', 1, { kind: 'ratelimit', retryAfter: 1 });
    h.slack.failNext('chat.update', 1, { kind: 'error', error: 'message_not_found' });
    const modal = await h.openModal(USERS.admin.id, '', 'C0METRICS');
    await h.submit(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: 'https://s7d7.scene7.com/is/image/JJEsquire/metrics-2',
    });
    // Purges of earlier tests may still be posting: wait for both counts, whichever call they hit.
    await until(async () => {
      const m = (await get('/metrics')).text;
      return /dmpurge_slack_api_errors_total\{method="chat.update",error="message_not_found"\} 1/.test(m) &&
        /dmpurge_slack_rate_limited_total\{method="chat.postMessage"\} 1/.test(m)
        ? m
        : undefined;
    });
  });
});
