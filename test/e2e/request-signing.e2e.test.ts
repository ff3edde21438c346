import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURGE_MODAL } from '../../src/slack/ids.js';
import { type Harness, startHarness, USERS, until } from '../support/app-harness.js';
import { slashCommandBody, viewSubmissionBody } from '../support/slack-payloads.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const URL = 'https://s7d7.scene7.com/is/image/JJEsquire/signed?$product$';

function command(triggerId: string): string {
  return slashCommandBody({
    text: URL,
    userId: USERS.admin.id,
    channelId: 'C0SIGN',
    triggerId,
    responseUrl: h.slack.responseUrl(),
  });
}

describe('Slack request signatures', () => {
  it('refuses a bad signature and a stale timestamp with 401 and does nothing', async () => {
    const bad = await h.post(command('trig-bad-signature'), { badSignature: true });
    expect(bad.status).toBe(401);

    // Signed correctly, but six minutes old: a replay.
    const stale = await h.post(command('trig-stale'), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);

    // A correctly signed request sent after them is served, so by the time its modal opens the
    // refused ones would have opened theirs too.
    const good = await h.post(command('trig-good'));
    expect(good.status).toBe(200);
    await h.slack.waitFor((c) => c.method === 'views.open' && c.args.trigger_id === 'trig-good');

    const opened = h.slack.callsTo('views.open').map((c) => c.args.trigger_id);
    expect(opened).toEqual(['trig-good']);
    expect(h.slack.responses).toEqual([]);
  });

  it('refuses a view submission with a bad signature: no IPS call, no message', async () => {
    const form = await h.openModal(USERS.admin.id, '', 'C0SIGN');
    const body = viewSubmissionBody({
      userId: USERS.admin.id,
      view: {
        id: form.viewId,
        callback_id: PURGE_MODAL,
        private_metadata: form.privateMetadata,
        state: {
          values: {
            company: {
              company: {
                type: 'static_select',
                selected_option: { text: { type: 'plain_text', text: 'JJEsquire' }, value: 'JJEsquire' },
              },
            },
            urls: { urls: { type: 'plain_text_input', value: URL } },
            file: { file: { type: 'file_input', files: [] } },
          },
        },
      },
    });
    const forged = await h.post(body, { badSignature: true });
    expect(forged.status).toBe(401);
    const replayed = await h.post(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(replayed.status).toBe(401);

    // The genuine submission goes through; the refused ones left no trace before it.
    const ok = await h.post(body);
    expect(ok.status).toBe(200);
    const call = await until(() => h.ips.calls.find((c) => c.operation === 'cdnCacheInvalidation'));
    await until(() => h.slack.messages('C0SIGN').find((m) => /Done/.test(m.text ?? '')));
    expect(h.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation')).toEqual([call]);
    expect(h.slack.messages('C0SIGN')).toHaveLength(2);
  });
});
