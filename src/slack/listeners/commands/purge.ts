import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { mayBeUrlOrAssetId, unescapeSlack } from '../../../intake/index.js';
import { helpBlocks } from '../../blocks/help.js';
import { historyBlocks, statusBlocks } from '../../blocks/status.js';
import type { SlackDeps } from '../../deps.js';
import { failureText } from '../../failure-text.js';
import { openPurgeModal } from '../../open-purge-modal.js';
import { visibleHistory } from '../../visible-history.js';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

const PURGE_ID = /^p-[0-9A-Z]{4,12}$/i;
const HISTORY_LENGTH = 10;

export type ParsedCommand =
  | { kind: 'help'; unknown?: string }
  | { kind: 'status'; purgeId?: string }
  | { kind: 'history' }
  | { kind: 'open'; prefill: string };

/**
 * `/purge` text (Slack-escaped) → what to do. A lone word that is neither a subcommand nor something
 * intake could read as a URL or asset ID gets help rather than a form that would reject it. The
 * prefill is unescaped here, once: from then on it is raw text, as if typed into the form.
 */
export function parsePurgeCommand(text: string): ParsedCommand {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'open', prefill: '' };
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (word === 'help' || word === '-h' || word === '--help' || word === '?') return { kind: 'help' };
  if (word === 'status') {
    const id = rest[0];
    if (id === undefined) return { kind: 'status' };
    return PURGE_ID.test(id)
      ? { kind: 'status', purgeId: id.toUpperCase().replace(/^P-/, 'p-') }
      : { kind: 'help', unknown: trimmed };
  }
  if (word === 'history') return { kind: 'history' };
  if (rest.length === 0 && !mayBeUrlOrAssetId(unescapeSlack(first))) return { kind: 'help', unknown: first };
  // Slack escapes `&`, `<` and `>` in command text; the form must show the URL as the user typed it.
  return { kind: 'open', prefill: unescapeSlack(trimmed) };
}

export function purgeCommand(deps: SlackDeps) {
  return async ({ command, ack, client, respond, logger }: Args): Promise<void> => {
    const parsed = parsePurgeCommand(command.text ?? '');
    if (parsed.kind === 'help') {
      await ack({
        response_type: 'ephemeral',
        text: 'dm-purge help',
        blocks: helpBlocks(
          parsed.unknown
            ? `I don't know \`${parsed.unknown.slice(0, 80)}\`. Here is what I can do:`
            : undefined,
        ),
      });
      return;
    }
    // Acknowledge before any I/O: Slack shows the user an error after 3 s.
    await ack();
    // Let requests that already arrived be acknowledged before this one's follow-up work runs.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      switch (parsed.kind) {
        case 'status': {
          const id = parsed.purgeId ?? (await deps.purges.latestForUser(command.user_id, 1))[0]?.id;
          const purge = id === undefined ? undefined : await deps.purges.get(id);
          const visible =
            purge &&
            (purge.requester === command.user_id ||
              (await mayView(deps, command.user_id, purge.company.name)));
          await respond({
            response_type: 'ephemeral',
            ...(visible && purge
              ? statusBlocks(purge)
              : {
                  text: parsed.purgeId
                    ? `No purge ${parsed.purgeId} that you may see. \`/purge history\` lists yours.`
                    : 'You have not purged anything yet. `/purge` opens the form.',
                }),
          });
          return;
        }
        case 'history': {
          const purges = await visibleHistory(deps, command.user_id, HISTORY_LENGTH);
          await respond({ response_type: 'ephemeral', ...historyBlocks(purges, command.user_id) });
          return;
        }
        case 'open':
          await openPurgeModal(deps, client, {
            triggerId: command.trigger_id,
            userId: command.user_id,
            context: { kind: 'command', channel: command.channel_id },
            prefill: parsed.prefill ? parsed.prefill.split(/\s+/) : [],
            notes: [],
            prefillSource: 'your command',
          });
          return;
      }
    } catch (err) {
      logger.error({ err, user: command.user_id }, '/purge failed');
      await respond({
        response_type: 'ephemeral',
        text: failureText(err),
      }).catch(() => undefined);
    }
  };
}

async function mayView(deps: SlackDeps, userId: string, companyName: string): Promise<boolean> {
  const d = await deps.policy.decide(userId, deps.companies.get(companyName));
  return d.allowed;
}
