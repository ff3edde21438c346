import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { COMPANY_BLOCK, FILE_BLOCK, PURGE_MODAL, URLS_BLOCK } from '../../src/slack/ids.js';
import { nextTriggerId, slashCommandBody, viewSubmissionBody } from '../../test/support/slack-payloads.js';
import { signedHeaders } from '../../test/support/slack-signing.js';
import type { SlackSimulator } from '../../test/support/slack-simulator.js';
import { BENCH_SIGNING_SECRET } from './app-process.js';

/** Plays Slack against the app's request URL: signed slash commands and modal submissions. */

export interface Posted {
  status: number;
  body: string;
  /** From just before the request was sent until its whole answer arrived. */
  ms: number;
}

/**
 * undici's request API rather than fetch: it costs the load generator far less per request, which
 * matters when 200 answers arrive at once and each one's clock runs until it is read.
 */
const agent = new Agent({ connections: 512, keepAliveTimeout: 30_000 });

/** Signs first, so the clock covers only the HTTP exchange, as Slack's 3-second timer does. */
async function post(url: string, rawBody: string): Promise<Posted> {
  const headers = signedHeaders(BENCH_SIGNING_SECRET, rawBody);
  const start = performance.now();
  const res = await request(url, { method: 'POST', headers, body: rawBody, dispatcher: agent });
  const body = await res.body.text();
  return { status: res.statusCode, body, ms: performance.now() - start };
}

export async function purgeCommand(
  events: string,
  slack: SlackSimulator,
  p: { userId: string; channelId: string; text?: string },
): Promise<Posted & { triggerId: string }> {
  const triggerId = nextTriggerId();
  const body = slashCommandBody({ ...p, triggerId, responseUrl: slack.responseUrl() });
  return { ...(await post(events, body)), triggerId };
}

/** The modal's view id once the form (not a loading view) is showing for `triggerId`. */
export async function formViewId(slack: SlackSimulator, triggerId: string): Promise<string> {
  const opened = await slack.waitFor(
    (c) => c.method === 'views.open' && c.args.trigger_id === triggerId,
    30_000,
  );
  const viewId = String((opened.response.view as { id?: unknown } | undefined)?.id ?? '');
  if (!viewId) throw new Error(`views.open for ${triggerId} failed: ${JSON.stringify(opened.response)}`);
  if (!hasCompanySelect(opened.args.view)) {
    const updated = await slack.waitFor(
      (c) => c.method === 'views.update' && c.args.view_id === viewId && hasCompanySelect(c.args.view),
      30_000,
    );
    if (updated.response.ok !== true)
      throw new Error(`views.update failed: ${JSON.stringify(updated.response)}`);
  }
  return viewId;
}

function hasCompanySelect(view: unknown): boolean {
  const blocks = (view as { blocks?: { block_id?: string }[] } | undefined)?.blocks ?? [];
  return blocks.some((b) => b.block_id === COMPANY_BLOCK);
}

/** Submits the purge form with an uploaded file, as Slack posts a view_submission. */
export function submitWithFile(
  events: string,
  slack: SlackSimulator,
  p: { userId: string; viewId: string; company: string; file: { id: string; name: string } },
): Promise<Posted> {
  const view = slack.views.get(p.viewId)?.view;
  const body = viewSubmissionBody({
    userId: p.userId,
    view: {
      id: p.viewId,
      callback_id: PURGE_MODAL,
      private_metadata: String(view?.private_metadata ?? ''),
      state: {
        values: {
          [COMPANY_BLOCK]: {
            [COMPANY_BLOCK]: {
              type: 'static_select',
              selected_option: { text: { type: 'plain_text', text: p.company }, value: p.company },
            },
          },
          [URLS_BLOCK]: { [URLS_BLOCK]: { type: 'plain_text_input', value: null } },
          [FILE_BLOCK]: { [FILE_BLOCK]: { type: 'file_input', files: [p.file] } },
        },
      },
    },
  });
  return post(events, body);
}
