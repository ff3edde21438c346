import { randomBytes } from 'node:crypto';
import {
  SIM_APP_ID,
  SIM_BOT_ID,
  SIM_TEAM_DOMAIN,
  SIM_TEAM_ID,
  SIM_VERIFICATION_TOKEN,
} from './slack-sim-defaults.js';

/**
 * Raw request bodies exactly as Slack POSTs them to an app's request URL: slash commands as a
 * form, interactions as `payload=<urlencoded JSON>`. Text fields are placed as given: pass user
 * text through `slackEscape` first when it should arrive the way Slack escapes it (`&` → `&amp;`).
 */

type Json = Record<string, unknown>;

let triggerCounter = 0;

/** A fresh, unique trigger_id shaped like Slack's ("<digits>.<digits>.<hex>"). */
export function nextTriggerId(): string {
  triggerCounter += 1;
  return `${Date.now()}${String(triggerCounter).padStart(4, '0')}.${1_000_000_000 + triggerCounter}.${randomBytes(16).toString('hex')}`;
}

/** Slack's escaping of user text: `&`, `<`, `>` arrive as entities. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function actionTs(): string {
  const now = Date.now();
  return `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`;
}

function userOf(userId: string, teamId: string): Json {
  const name = userId.toLowerCase();
  return { id: userId, username: name, name, team_id: teamId };
}

function team(teamId: string): Json {
  return { id: teamId, domain: SIM_TEAM_DOMAIN };
}

function interaction(payload: Json): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function slashCommandBody(p: {
  text?: string;
  userId: string;
  channelId: string;
  triggerId?: string;
  responseUrl: string;
  teamId?: string;
  command?: string;
}): string {
  const teamId = p.teamId ?? SIM_TEAM_ID;
  return new URLSearchParams({
    token: SIM_VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: SIM_TEAM_DOMAIN,
    channel_id: p.channelId,
    channel_name: p.channelId.startsWith('D') ? 'directmessage' : p.channelId.toLowerCase(),
    user_id: p.userId,
    user_name: p.userId.toLowerCase(),
    command: p.command ?? '/purge',
    text: p.text ?? '',
    api_app_id: SIM_APP_ID,
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId ?? nextTriggerId(),
  }).toString();
}

export function viewSubmissionBody(p: {
  userId: string;
  view: {
    id: string;
    callback_id: string;
    private_metadata?: string;
    hash?: string;
    state: { values: Record<string, Record<string, unknown>> };
  };
  triggerId?: string;
  teamId?: string;
}): string {
  const teamId = p.teamId ?? SIM_TEAM_ID;
  return interaction({
    type: 'view_submission',
    team: team(teamId),
    user: userOf(p.userId, teamId),
    api_app_id: SIM_APP_ID,
    token: SIM_VERIFICATION_TOKEN,
    trigger_id: p.triggerId ?? nextTriggerId(),
    view: {
      id: p.view.id,
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: p.view.private_metadata ?? '',
      callback_id: p.view.callback_id,
      state: p.view.state,
      hash: p.view.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Purge', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Purge', emoji: true },
      previous_view_id: null,
      root_view_id: p.view.id,
      app_id: SIM_APP_ID,
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: SIM_BOT_ID,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export function messageShortcutBody(p: {
  userId: string;
  channelId: string;
  message: Record<string, unknown>;
  callbackId?: string;
  triggerId?: string;
  responseUrl: string;
  teamId?: string;
}): string {
  const teamId = p.teamId ?? SIM_TEAM_ID;
  return interaction({
    type: 'message_action',
    token: SIM_VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: team(teamId),
    user: userOf(p.userId, teamId),
    channel: { id: p.channelId, name: p.channelId.toLowerCase() },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: p.callbackId ?? 'purge_from_message',
    trigger_id: p.triggerId ?? nextTriggerId(),
    response_url: p.responseUrl,
    message_ts: p.message.ts,
    message: { type: 'message', ...p.message },
  });
}

export function blockActionsBody(p: {
  userId: string;
  actions: Record<string, unknown>[];
  view?: Record<string, unknown>;
  container?: Record<string, unknown>;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
}): string {
  const teamId = SIM_TEAM_ID;
  const ts = actionTs();
  const container: Json =
    p.container ??
    (p.view
      ? { type: 'view', view_id: p.view.id }
      : { type: 'message', message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false });
  const payload: Json = {
    type: 'block_actions',
    user: userOf(p.userId, teamId),
    api_app_id: SIM_APP_ID,
    token: SIM_VERIFICATION_TOKEN,
    container,
    trigger_id: p.triggerId ?? nextTriggerId(),
    team: team(teamId),
    enterprise: null,
    is_enterprise_install: false,
    actions: p.actions.map((a) => ({ action_ts: ts, ...a })),
  };
  if (p.view) {
    payload.view = p.view;
    if (p.view.state !== undefined) payload.state = p.view.state;
  }
  if (p.channelId) payload.channel = { id: p.channelId, name: p.channelId.toLowerCase() };
  if (p.messageTs) payload.message = { type: 'message', ts: p.messageTs };
  return interaction(payload);
}
