import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { loadingView, messageView, purgeFormView } from '../../blocks/modal.js';
import type { SlackDeps } from '../../deps.js';
import { failureText } from '../../failure-text.js';
import { COMPANY_BLOCK, FILE_BLOCK, URLS_BLOCK } from '../../ids.js';
import { type Submission, type SubmitOutcome, submitPurge } from '../../submit-purge.js';
import { within } from '../../within.js';

type Args = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

/**
 * The form's "Purge" button. Slack waits 3 s for the answer; when the work (user lookup, IPS roles,
 * file download) takes longer than the budget, the modal switches to a "checking" view and is
 * updated with the outcome once it is known.
 */
export function purgeModalSubmit(deps: SlackDeps) {
  return async ({ ack, body, view, client, logger }: Args): Promise<void> => {
    const values = view.state.values;
    const submission: Submission = {
      userId: body.user.id,
      companyName: values[COMPANY_BLOCK]?.[COMPANY_BLOCK]?.selected_option?.value ?? undefined,
      urlsText: values[URLS_BLOCK]?.[URLS_BLOCK]?.value ?? '',
      files: (values[FILE_BLOCK]?.[FILE_BLOCK]?.files ?? []).map((f) => ({ id: f.id, name: f.name })),
      context: deps.contexts.decode(view.private_metadata),
    };

    const work = submitPurge(deps, client, submission).catch((err: unknown): SubmitOutcome => {
      logger.error({ err, user: submission.userId }, 'purge submission failed');
      return {
        kind: 'message',
        text: failureText(err),
      };
    });
    const inTime = await within(work, deps.ackBudgetMs);

    if (inTime) {
      switch (inTime.kind) {
        case 'errors':
          await ack({ response_action: 'errors', errors: inTime.errors });
          break;
        case 'message':
          await ack({ response_action: 'update', view: messageView(inTime.text) });
          break;
        case 'started':
          await ack();
          break;
      }
      if (inTime.kind === 'started') await announce(deps, inTime);
      return;
    }

    await ack({ response_action: 'update', view: loadingView(view.private_metadata, 'Checking your URLs…') });
    const outcome = await work;
    const viewId = view.id;
    try {
      if (outcome.kind === 'started') {
        await client.views.update({
          view_id: viewId,
          view: messageView(
            `:broom: Purge \`${outcome.purge.id}\` started. The thread will tell you when the CDN is clean.`,
          ),
        });
        await announce(deps, outcome);
      } else if (outcome.kind === 'message') {
        await client.views.update({ view_id: viewId, view: messageView(outcome.text) });
      } else {
        // Errors can no longer be attached to the inputs, so the form comes back with them on top.
        const allowed = await deps.policy
          .allowedCompanies(submission.userId, deps.companies.list())
          .then((a) => a.allowed)
          .catch((err: unknown) => {
            // Without the list the form cannot be rebuilt; the reasons alone still answer the user.
            logger.warn({ err, user: submission.userId }, 'access check failed while rebuilding the form');
            return [];
          });
        const problems = Object.values(outcome.errors);
        await client.views.update({
          view_id: viewId,
          // A user who may purge nothing gets the reason alone: a form without companies is invalid
          // Block Kit, and Slack would leave the loading view spinning.
          view:
            allowed.length === 0
              ? messageView(`:no_entry: ${problems.join('\n')}`, view.private_metadata)
              : purgeFormView({
                  companies: allowed,
                  selectedCompany: submission.companyName,
                  initialUrls: submission.urlsText,
                  notes: problems.map((e) => `:warning: ${e}`),
                  privateMetadata: view.private_metadata,
                }),
        });
      }
    } catch (err) {
      logger.warn({ err, user: submission.userId }, 'could not update the purge modal');
    }
  };
}

async function announce(
  deps: SlackDeps,
  outcome: Extract<SubmitOutcome, { kind: 'started' }>,
): Promise<void> {
  try {
    await deps.notifier.progress(outcome.purge);
  } catch (err) {
    // The engine reports progress again as the purge moves; a lost first message is not fatal.
    deps.logger.warn({ err, purgeId: outcome.purge.id }, 'could not post the purge message');
  }
}
