import { COMPANY_BLOCK, FILE_BLOCK, PURGE_MODAL, URLS_BLOCK } from '../../src/slack/ids.js';
import { type AppProcess, COMPANY, FAULT_SIGNING_SECRET } from '../support/app-process.js';
import { nextTriggerId, slashCommandBody, viewSubmissionBody } from '../support/slack-payloads.js';
import { postToSlackEndpoint } from '../support/slack-signing.js';
import type { SlackSimulator } from '../support/slack-simulator.js';

/** What Slack does for a user of the purge modal, against one app replica or another. */

export interface HttpAnswer {
  status: number;
  body: string;
  json: unknown;
}

export interface OpenedModal {
  viewId: string;
  triggerId: string;
  privateMetadata: string;
  /** The view as first opened (it may be a loading view that is updated later). */
  view: Record<string, unknown>;
}

/** `/purge <text>` as Slack POSTs it; the response_url is served by the simulator. */
export async function command(
  app: AppProcess,
  slack: SlackSimulator,
  o: { userId: string; channel: string; text?: string },
): Promise<HttpAnswer & { responseUrl: string; triggerId: string }> {
  const responseUrl = slack.responseUrl();
  const triggerId = nextTriggerId();
  const res = await postToSlackEndpoint(
    app.events,
    slashCommandBody({ text: o.text ?? '', userId: o.userId, channelId: o.channel, responseUrl, triggerId }),
    FAULT_SIGNING_SECRET,
  );
  return { ...res, responseUrl, triggerId };
}

/** `/purge` on `app`, then the views.open it makes. */
export async function openModal(
  app: AppProcess,
  slack: SlackSimulator,
  o: { userId: string; channel: string },
): Promise<OpenedModal> {
  const res = await command(app, slack, o);
  if (res.status !== 200) throw new Error(`/purge answered ${res.status}: ${res.body}`);
  return modalOpenedFor(slack, res.triggerId);
}

/** The modal the app opened (views.open) with `triggerId`, once it has. */
export async function modalOpenedFor(
  slack: SlackSimulator,
  triggerId: string,
  timeoutMs = 20_000,
): Promise<OpenedModal> {
  const opened = await slack.waitFor(
    (c) => c.method === 'views.open' && c.args.trigger_id === triggerId,
    timeoutMs,
  );
  const view = opened.args.view as Record<string, unknown>;
  return {
    viewId: String((opened.response.view as { id?: string } | undefined)?.id ?? ''),
    triggerId,
    privateMetadata: String(view.private_metadata ?? ''),
    view,
  };
}

/** The view the modal ends up showing: the opened one, or its update when it opened loading. */
export async function settledModalText(slack: SlackSimulator, modal: OpenedModal): Promise<string> {
  if (!JSON.stringify(modal.view).includes(':hourglass_flowing_sand:')) return JSON.stringify(modal.view);
  const upd = await slack.waitFor(
    (c) => c.method === 'views.update' && c.args.view_id === modal.viewId,
    20_000,
  );
  return JSON.stringify(upd.args.view);
}

/** Presses "Purge" on `modal`, posting the submission to `app` (any replica: the metadata is signed). */
export function submitModal(
  app: AppProcess,
  o: {
    userId: string;
    modal: OpenedModal;
    urls: string[];
    company?: string;
    /** Uploaded lists (`slack.addFile`), for more URLs than Slack's text box holds. */
    files?: { id: string; name: string }[];
  },
): Promise<HttpAnswer> {
  const values = {
    [COMPANY_BLOCK]: {
      [COMPANY_BLOCK]: {
        type: 'static_select',
        selected_option: {
          text: { type: 'plain_text', text: o.company ?? COMPANY },
          value: o.company ?? COMPANY,
        },
      },
    },
    [URLS_BLOCK]: { [URLS_BLOCK]: { type: 'plain_text_input', value: o.urls.join('\n') } },
    [FILE_BLOCK]: { [FILE_BLOCK]: { type: 'file_input', files: o.files ?? [] } },
  };
  return postToSlackEndpoint(
    app.events,
    viewSubmissionBody({
      userId: o.userId,
      view: {
        id: o.modal.viewId,
        callback_id: PURGE_MODAL,
        private_metadata: o.modal.privateMetadata,
        state: { values },
      },
    }),
    FAULT_SIGNING_SECRET,
  );
}

/**
 * Opens the modal on `open` and submits it to `submit` (default the same replica); throws unless
 * the submission was acked as accepted (HTTP 200, empty body: the modal just closes).
 */
export async function purge(
  slack: SlackSimulator,
  o: { open: AppProcess; submit?: AppProcess; userId: string; channel: string; urls: string[] },
): Promise<void> {
  const modal = await openModal(o.open, slack, { userId: o.userId, channel: o.channel });
  const res = await submitModal(o.submit ?? o.open, { userId: o.userId, modal, urls: o.urls });
  if (res.status !== 200 || res.body !== '') {
    throw new Error(`the submission was not accepted: ${res.status} ${res.body.slice(0, 500)}`);
  }
}
