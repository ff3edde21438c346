import type { App } from '@slack/bolt';
import { type LogFields, withLogFields } from '../log-context.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function field(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * The ids that tie a log line to one Slack request: what it was (a command's name, or the
 * interaction type), the team, the user, its trigger id, and the view or event it concerns.
 * Slash commands carry flat `*_id` fields; interactions and events nest them.
 */
export function slackRequestFields(body: unknown): LogFields {
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    const s = str(value);
    if (s !== undefined) out[key] = s;
  };
  put('slackRequest', str(field(body, 'command')) ?? field(body, 'type'));
  put('slackTeam', str(field(body, 'team_id')) ?? field(field(body, 'team'), 'id'));
  put('slackUser', str(field(body, 'user_id')) ?? field(field(body, 'user'), 'id'));
  put('slackTrigger', field(body, 'trigger_id'));
  put('slackView', field(field(body, 'view'), 'id'));
  put('slackEvent', field(body, 'event_id'));
  return out;
}

/** Every listener of `app` runs with its request's Slack ids on each log line it writes. */
export function logSlackRequestIds(app: App): void {
  app.use(({ body, next }) => withLogFields(slackRequestFields(body), next));
}
