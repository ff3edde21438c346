import { afterEach, describe, expect, it } from 'vitest';
import { type ReadinessCheck, readinessRoutes, runChecks } from './readiness.js';
import { type RunningHttpServer, startHttpServer } from './server.js';

const ok = (name: string): ReadinessCheck => ({ name, check: async () => ({ ok: true }) });

describe('runChecks', () => {
  it('names each check with its outcome', async () => {
    const results = await runChecks([
      ok('redis'),
      { name: 'companies', check: async () => ({ ok: false, detail: 'Acme not resolved' }) },
      {
        name: 'thrower',
        check: async () => {
          throw new Error('connection refused');
        },
      },
    ]);
    expect(results).toEqual([
      { name: 'redis', ok: true },
      { name: 'companies', ok: false, detail: 'Acme not resolved' },
      { name: 'thrower', ok: false, detail: 'connection refused' },
    ]);
  });

  it('fails a check that never answers instead of hanging', async () => {
    const results = await runChecks([{ name: 'hung', check: () => new Promise(() => {}) }], 20);
    expect(results).toEqual([{ name: 'hung', ok: false, detail: 'no answer within 20 ms' }]);
  });
});

describe('readinessRoutes', () => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function get(checks: ReadinessCheck[], shuttingDown = false) {
    running = await startHttpServer(
      readinessRoutes({ isShuttingDown: () => shuttingDown, checks }),
      0,
      '127.0.0.1',
    );
    const res = await fetch(`http://127.0.0.1:${running.port}/readyz`);
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('is 200 when every check passes (and with no checks at all)', async () => {
    expect(await get([ok('redis'), ok('companies')])).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: [
          { name: 'redis', ok: true },
          { name: 'companies', ok: true },
        ],
      },
    });
    await running?.close();
    expect((await get([])).status).toBe(200);
  });

  it('is 503 naming the failing check', async () => {
    const failing: ReadinessCheck = {
      name: 'redis',
      check: async () => ({ ok: false, detail: 'ECONNREFUSED' }),
    };
    expect(await get([failing, ok('companies')])).toEqual({
      status: 503,
      body: {
        status: 'not_ready',
        checks: [
          { name: 'redis', ok: false, detail: 'ECONNREFUSED' },
          { name: 'companies', ok: true },
        ],
      },
    });
  });

  it('is 503 while shutting down, without running the checks', async () => {
    let ran = false;
    const spy: ReadinessCheck = {
      name: 'spy',
      check: async () => {
        ran = true;
        return { ok: true };
      },
    };
    expect(await get([spy], true)).toEqual({ status: 503, body: { status: 'stopping', checks: [] } });
    expect(ran).toBe(false);
  });
});
