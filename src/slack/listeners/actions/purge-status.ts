import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { statusBlocks } from '../../blocks/status.js';
import type { SlackDeps } from '../../deps.js';
import { failureText } from '../../failure-text.js';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** "Details" on a purge message: the full status, only to the clicker, only if they may see it. */
export function purgeStatusAction(deps: SlackDeps) {
  return async ({ ack, action, body, respond, logger }: Args): Promise<void> => {
    await ack();
    try {
      const purge = await deps.purges.get(action.value ?? '');
      const allowed =
        purge !== undefined &&
        (purge.requester === body.user.id ||
          (await deps.policy.decide(body.user.id, deps.companies.get(purge.company.name))).allowed);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...(allowed && purge
          ? statusBlocks(purge)
          : { text: 'Only the requester and the company’s admins can see this purge’s details.' }),
      });
    } catch (err) {
      logger.warn({ err }, 'purge status action failed');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: failureText(err, 'the details could not be loaded'),
      }).catch(() => undefined);
    }
  };
}
