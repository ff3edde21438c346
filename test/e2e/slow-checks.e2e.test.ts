import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { purgeKeys } from '../../src/purge/keys.js';
import { type Harness, type ModalState, startHarness, USERS, until } from '../support/app-harness.js';
import { TEST_REDIS_URL } from '../support/redis.js';

/**
 * An ack budget of 1 ms stands in for a slow check: with the IPS role lookup taking 150 ms, the
 * work can never finish within it, so every submission takes the "checking…" path. No test here
 * measures time; they only look at what Slack was told, and in which order.
 */
let h: Harness;
let redis: Redis;
const IPS_LATENCY_MS = 150;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0, verifyWithIps: true, ackBudgetMs: 1 });
  redis = new Redis(TEST_REDIS_URL);
});
afterEach(() => {
  h.ips.setLatency(0);
});
afterAll(async () => {
  redis?.disconnect();
  await h?.close();
});

const URL = 'https://s7d7.scene7.com/is/image/JJEsquire/slow?$product$';

/** Forgets the cached IPS member lists, so the next access check asks IPS (slowly) again. */
async function expireRoleCache(): Promise<void> {
  const base = `${purgeKeys(h.prefix).tag}:ipsmembers:`;
  const keys = await redis.keys(`${base}*`);
  if (keys.length > 0) await redis.del(...keys);
}

function blocksText(view: Record<string, unknown> | undefined): string {
  const blocks = (view?.blocks ?? []) as { text?: { text?: string }; elements?: { text?: string }[] }[];
  return blocks
    .map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')].join('\n'))
    .join('\n');
}

/** Submits with a slow role check; returns the HTTP answer and the views.update that followed it. */
async function slowSubmit(userId: string, modal: ModalState, input: { company: string; urls: string }) {
  await expireRoleCache();
  h.ips.setLatency(IPS_LATENCY_MS);
  const updatesBefore = h.slack.callsTo('views.update').length;
  const res = await h.submit(userId, modal, input);
  expect(res.status).toBe(200);
  const ack = res.json as { response_action?: string; view?: Record<string, unknown> };
  // Slack got its answer in time: the modal switched to a loading state.
  expect(ack.response_action).toBe('update');
  expect(blocksText(ack.view)).toContain(':hourglass_flowing_sand: Checking your URLs');
  const update = await h.slack.waitFor(
    (c) =>
      c.method === 'views.update' &&
      c.args.view_id === modal.viewId &&
      h.slack.callsTo('views.update').indexOf(c) >= updatesBefore,
  );
  expect(update.response.ok).toBe(true);
  const view = update.args.view as Record<string, unknown>;
  return { ack, update, view, text: blocksText(view) };
}

describe('checks slower than the ack budget', () => {
  it('opening: the modal opens in a loading state and is then filled in', async () => {
    await expireRoleCache();
    h.ips.setLatency(IPS_LATENCY_MS);
    const res = await h.command('', USERS.ipsAdmin.id, 'C0SLOW');
    expect(res.status).toBe(200);
    const opened = await h.slack.waitFor(
      (c) => c.method === 'views.open' && c.args.trigger_id === res.triggerId,
    );
    expect(blocksText(opened.args.view as Record<string, unknown>)).toContain(':hourglass_flowing_sand:');
    const modal = await h.modalFor(res.triggerId);
    expect(modal.companies).toEqual(['JJEsquire']);
    const filled = h.slack.callsTo('views.update').find((c) => c.args.view_id === modal.viewId);
    expect(filled?.response.ok).toBe(true);
  });

  it('a valid purge: acked with a loading view, then the modal says it started, and the purge goes through', async () => {
    const modal = await h.openModal(USERS.ipsAdmin.id, '', 'C0SLOW');
    const before = h.ips.calls.length;
    const { update, text } = await slowSubmit(USERS.ipsAdmin.id, modal, { company: 'JJEsquire', urls: URL });
    const [purge] = await h.app.engine.service.latestForUser(USERS.ipsAdmin.id, 1);
    expect(text).toContain(`Purge \`${purge!.id}\` started`);

    const call = await until(() =>
      h.ips.calls.slice(before).find((c) => c.operation === 'cdnCacheInvalidation'),
    );
    expect(call.urls).toEqual([URL]);
    // The role check (a getCompanyMembers call) came before the modal was told anything.
    const members = h.ips.calls.slice(before).find((c) => c.operation === 'getCompanyMembers');
    expect(members).toBeDefined();
    expect(update.at).toBeGreaterThanOrEqual(members!.at);
    await until(() => h.slack.messages('C0SLOW').find((m) => /Done/.test(m.text ?? '')));
  });

  it('invalid URLs: the form comes back with the reasons on top and the typed text kept', async () => {
    const modal = await h.openModal(USERS.ipsAdmin.id);
    const before = h.ips.calls.length;
    const typed = `${URL}\nhttps://example.com/not-dm.jpg`;
    const { view, text } = await slowSubmit(USERS.ipsAdmin.id, modal, { company: 'JJEsquire', urls: typed });
    expect(text).toMatch(/:warning: Line 2: .*not a delivery host of JJEsquire/);
    expect(text).toContain('1 of 2 lines cannot be purged');
    expect(view.submit).toBeDefined();
    const urls = (view.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find(
      (b) => b.block_id === 'urls',
    );
    expect(urls?.element?.initial_value).toBe(typed);
    expect(h.ips.calls.slice(before).some((c) => c.operation === 'cdnCacheInvalidation')).toBe(false);
  });

  it('a denied user: the loading view is replaced by the reason, never left spinning', async () => {
    const form = await h.openModal(USERS.ipsAdmin.id);
    const before = h.ips.calls.length;
    const { view, text } = await slowSubmit(USERS.ipsViewer.id, form, { company: 'JJEsquire', urls: URL });
    expect(text).toMatch(/Only company admins may purge JJEsquire/);
    expect(view.submit).toBeUndefined();
    expect(h.ips.calls.slice(before).some((c) => c.operation === 'cdnCacheInvalidation')).toBe(false);
  });
});
