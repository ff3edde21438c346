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
    expect(all).toContain('purge.accepted');
    for (const secret of [SIM_DEFAULTS.password, h.env.slackBotToken, SIGNING_SECRET]) {
      expect(all).not.toContain(secret);
    }
  });
});
