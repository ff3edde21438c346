import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { candidatesFromMessage, IntakeLimitError } from '../../../intake/index.js';
import { ignoredNote, messageView } from '../../blocks/modal.js';
import type { SlackDeps } from '../../deps.js';
import { failureText } from '../../failure-text.js';
import { openPurgeModal } from '../../open-purge-modal.js';
import { splitMessageLinks } from '../../shortcut-links.js';

type Args = AllMiddlewareArgs & SlackShortcutMiddlewareArgs<MessageShortcut>;

/** Message shortcut: the links of a message prefill the form; the answer goes to the message's thread. */
export function purgeFromMessage(deps: SlackDeps) {
  return async ({ shortcut, ack, client, logger, respond }: Args): Promise<void> => {
    await ack();
    try {
      const message = shortcut.message as Parameters<typeof candidatesFromMessage>[0] & {
        ts: string;
        thread_ts?: string;
      };
      let extracted: ReturnType<typeof candidatesFromMessage>;
      try {
        extracted = candidatesFromMessage(message);
      } catch (err) {
        if (!(err instanceof IntakeLimitError)) throw err;
        await client.views.open({
          trigger_id: shortcut.trigger_id,
          view: messageView(
            `:warning: ${err.message} Copy the URLs into \`/purge\`, or upload them there as a .txt or .csv file.`,
          ),
        });
        return;
      }
      const { candidates, ignored } = extracted;
      const split = splitMessageLinks(candidates, deps.companies.list());
      const prefill = split.keep;
      const notes: string[] = [];
      const skipped = [...ignored, ...split.ignored];
      const note = ignoredNote(skipped);
      if (note) notes.push(note);
      if (prefill.length === 0)
        notes.push(
          skipped.length > 0
            ? 'None of the links in that message can be purged: paste the URLs below.'
            : 'No links found in that message: paste the URLs below.',
        );
      await openPurgeModal(deps, client, {
        triggerId: shortcut.trigger_id,
        userId: shortcut.user.id,
        context: {
          kind: 'shortcut',
          channel: shortcut.channel.id,
          threadTs: message.thread_ts ?? message.ts,
        },
        prefill,
        notes,
        prefillSource: 'the message',
      });
    } catch (err) {
      logger.error({ err, user: shortcut.user.id }, 'purge_from_message failed');
      // The response_url works where an ephemeral post does not (DMs, channels without the bot).
      const text = failureText(err, 'the purge form could not open');
      await respond({ response_type: 'ephemeral', text }).catch(() =>
        client.chat
          .postEphemeral({ channel: shortcut.channel.id, user: shortcut.user.id, text })
          .catch(() => undefined),
      );
    }
  };
}
