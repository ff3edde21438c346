import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  type AppProcess,
  IPS_ROLE_ADMIN,
  purgeUrl,
  type ReadyzAnswer,
  spawnApp,
  startWorld,
  type World,
} from '../support/app-process.js';
import { waitFor } from '../support/engine-fixtures.js';
import type { SimFailure } from '../support/ips-simulator.js';
import { invalidationsOf, outcomeReplies, purgeIdsIn, settledReplies } from './outcomes.js';
import { openModal, purge, settledModalText, submitModal } from './slack-driver.js';

/**
 * IPS misbehaving under a real app process: hangs past the timeout, resets, 503 bursts and SOAP
 * faults on each operation the app uses. Retryable trouble is retried up to `engine.attempts`; a
 * fault or an exhausted retry budget is reported. Either way the requester hears back once.
 */

const ATTEMPTS = 4;
const HEADERS_TIMEOUT_MS = 500;

describe('IPS faults on cdnCacheInvalidation and access checks', () => {
  let w: World;
  let app: AppProcess;

  beforeAll(async () => {
    w = await startWorld({
      estimatedSeconds: 1,
      config: {
        verifyWithIps: true,
        engine: { attempts: ATTEMPTS, backoffMs: 100 },
        ips: { headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: HEADERS_TIMEOUT_MS },
      },
    });
    app = await spawnApp(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  /** One purge of one URL in its own channel, with `failures` armed for its IPS calls. */
  async function purgeThrough(tag: string, failures: SimFailure[]) {
    for (const f of failures) w.ips.failNext(1, f, 'cdnCacheInvalidation');
    const url = purgeUrl(tag);
    const channel = `C0IPS${tag.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
    const answered = outcomeReplies(w.slack.calls).size;
    await purge(w.slack, { open: app, userId: ADMIN.id, channel, urls: [url] });
    const id = await waitFor(() => purgeIdsIn(w.slack.calls, channel)[0], 'the purge message');
    const { counts } = await settledReplies(w, answered + 1, 60_000);
    expect(counts.get(id)).toBe(1);
    return { url, reply: outcomeReplies(w.slack.calls).get(id)![0]!, calls: invalidationsOf(w, url) };
  }

  it('a call that hangs past the headers timeout is abandoned and sent again', async () => {
    const { reply, calls } = await purgeThrough('hang', [{ kind: 'hang' }]);
    expect(reply.text).toMatch(/Done/);
    expect(calls.map((c) => c.httpStatus)).toEqual([0, 200]);
  });

  it('connection resets are retried', async () => {
    const { reply, calls } = await purgeThrough('reset', [{ kind: 'reset' }, { kind: 'reset' }]);
    expect(reply.text).toMatch(/Done/);
    expect(calls.map((c) => c.httpStatus)).toEqual([0, 0, 200]);
  });

  it('a 503 burst shorter than the attempts is retried through', async () => {
    const burst: SimFailure[] = Array(ATTEMPTS - 1).fill({ kind: 'http', status: 503 });
    const { reply, calls } = await purgeThrough('burst', burst);
    expect(reply.text).toMatch(/Done/);
    expect(calls.map((c) => c.httpStatus)).toEqual([503, 503, 503, 200]);
  });

  it('a 503 burst that outlasts the attempts is reported as failed, once', async () => {
    const burst: SimFailure[] = Array(ATTEMPTS).fill({ kind: 'http', status: 503 });
    const { reply, calls } = await purgeThrough('outlast', burst);
    expect(reply.text).toMatch(/^:x: .*failed: nothing was purged/);
    expect(calls.map((c) => c.httpStatus)).toEqual([503, 503, 503, 503]);
  });

  it('a SOAP fault is final: reported with its code, never sent again', async () => {
    const fault: SimFailure = { kind: 'fault', fault: 'ipsApi', code: 30000, reason: 'Unexpected exception' };
    const { reply, calls } = await purgeThrough('fault', [fault]);
    expect(reply.text).toMatch(/^:x: .*failed: nothing was purged/);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.faultCode).toBe(30000);
    const post = w.slack.calls.find(
      (c) => c.method === 'chat.postMessage' && c.status === 200 && c.response.ts === reply.ts,
    );
    expect(JSON.stringify(post?.args.blocks)).toContain('30000');
  });

  it('getCompanyMembers failing during the IPS-role check: the user is told, and the next try works', async () => {
    w.ips.failNext(1, { kind: 'http', status: 503 }, 'getCompanyMembers');
    const refused = await openModal(app, w.slack, { userId: IPS_ROLE_ADMIN.id, channel: 'C0ROLES' });
    expect(await settledModalText(w.slack, refused)).toContain('could not check your access');

    const modal = await openModal(app, w.slack, { userId: IPS_ROLE_ADMIN.id, channel: 'C0ROLES' });
    expect(await settledModalText(w.slack, modal)).toContain('JJEsquire');
    const answered = outcomeReplies(w.slack.calls).size;
    const res = await submitModal(app, { userId: IPS_ROLE_ADMIN.id, modal, urls: [purgeUrl('roles')] });
    expect(res).toMatchObject({ status: 200, body: '' });
    await settledReplies(w, answered + 1, 60_000);
    const id = purgeIdsIn(w.slack.calls, 'C0ROLES')[0]!;
    expect(
      outcomeReplies(w.slack.calls)
        .get(id)
        ?.map((r) => r.text),
    ).toEqual([expect.stringMatching(/Done/)]);
  });
});

describe('IPS faults at start-up', () => {
  const cases = [
    { operation: 'getCompanyInfo', discoverCompanies: false, names: 'JJEsquire' },
    {
      operation: 'getCompanyMembership',
      discoverCompanies: true,
      names: '(companies administered by the IPS account)',
    },
  ];

  it.for(cases)(
    '$operation failing: /readyz is 503 naming what is missing, /purge says so, and all recovers',
    { timeout: 180_000 },
    async ({ operation, discoverCompanies, names }, { expect, onTestFinished }) => {
      const w = await startWorld({ config: { discoverCompanies } });
      onTestFinished(() => w.close());
      // Transport trouble first, then a SOAP fault: both are retried with backoff until they stop.
      w.ips.failNext(2, { kind: 'http', status: 503 }, operation);
      w.ips.failNext(
        10_000,
        { kind: 'fault', fault: 'ipsApi', code: 30000, reason: 'Unexpected exception' },
        operation,
      );
      const app = await spawnApp(w, { waitReady: false });

      const notReady = await waitFor(async () => {
        const r = await app.readyz().catch(() => undefined);
        return r && r.status === 503 && companiesCheck(r)?.detail?.includes('fault 30000') ? r : undefined;
      }, 'a 503 naming the IPS fault');
      expect(companiesCheck(notReady)).toMatchObject({ ok: false });
      expect(companiesCheck(notReady)?.detail).toContain(names);
      expect(notReady.body?.checks?.find((c) => c.name === 'redis')).toMatchObject({ ok: true });

      const modal = await openModal(app, w.slack, { userId: ADMIN.id, channel: 'C0STARTUP' });
      expect(await settledModalText(w.slack, modal)).toContain('still connecting to Dynamic Media');

      w.ips.reset();
      await app.waitReady(90_000);
      await purge(w.slack, {
        open: app,
        userId: ADMIN.id,
        channel: 'C0STARTUP',
        urls: [purgeUrl('startup')],
      });
      const { counts } = await settledReplies(w, 1, 60_000);
      expect([...counts.values()]).toEqual([1]);
    },
  );
});

function companiesCheck(r: ReadyzAnswer) {
  return r.body?.checks?.find((c) => c.name === 'ips companies');
}
