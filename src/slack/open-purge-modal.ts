import type { webApi } from '@slack/bolt';
import { loadingView, messageView, purgeFormView } from './blocks/modal.js';
import { plural } from './blocks/text.js';
import type { SlackDeps } from './deps.js';
import { URLS_INPUT_MAX } from './ids.js';
import type { ModalContext } from './modal-context.js';
import { within } from './within.js';

type WebClient = webApi.WebClient;

export interface OpenModalArgs {
  triggerId: string;
  userId: string;
  context: Omit<ModalContext, 'stateId'>;
  /** URLs or asset IDs to prefill, one per line. */
  prefill: string[];
  notes: string[];
  /** Where the prefill came from, for the note when it is too long for the box. */
  prefillSource: string;
}

/** How long the company/access check may take before the modal opens in a loading state. */
const QUICK_MS = 300;

/**
 * Opens the purge form. The trigger expires 3 s after the user acted, so when the access check is
 * slow (users.info, IPS roles) the modal opens at once in a loading state and is filled in later.
 */
export async function openPurgeModal(deps: SlackDeps, client: WebClient, args: OpenModalArgs): Promise<void> {
  const notes = [...args.notes];
  const text = args.prefill.join('\n');
  let stateId: string | undefined;
  let initialUrls: string | undefined = text || undefined;
  if (text.length > URLS_INPUT_MAX) {
    stateId = await deps.prefills.put(text);
    initialUrls = undefined;
    notes.unshift(
      `${plural(args.prefill.length, 'URL')} from ${args.prefillSource} are attached (too many for the box) and will be purged with anything you add below.`,
    );
  }
  const meta = deps.contexts.encode({ ...args.context, stateId });
  const companies = deps.companies.list();

  const build = async () => {
    try {
      const { allowed, denial } = await deps.policy.allowedCompanies(args.userId, companies);
      if (allowed.length === 0) {
        deps.logger.info(
          {
            audit: 'purge.denied',
            user: args.userId,
            reason: denial && !denial.allowed ? denial.reason : 'no-companies',
          },
          'purge form denied',
        );
        const why =
          companies.length === 0
            ? 'dm-purge is still connecting to Dynamic Media and knows no companies yet. Try again in a minute.'
            : denial && !denial.allowed
              ? denial.message
              : 'You may not purge any company.';
        return messageView(`:no_entry: ${why}`, meta);
      }
      return purgeFormView({
        companies: allowed,
        selectedCompany: allowed.length === 1 ? allowed[0]?.name : undefined,
        initialUrls,
        notes,
        privateMetadata: meta,
      });
    } catch (err) {
      deps.logger.warn({ err, user: args.userId }, 'access check failed while opening the purge form');
      return messageView(
        ':warning: dm-purge could not check your access just now (Slack or Dynamic Media did not answer). Try again in a minute.',
        meta,
      );
    }
  };

  const pending = build();
  // A smaller ack budget (tests, or an operator who prefers an instant modal) shortens the wait too.
  const quickMs = Math.min(QUICK_MS, deps.ackBudgetMs);
  const quick = await within(pending, quickMs);
  if (quick) {
    await client.views.open({ trigger_id: args.triggerId, view: quick });
    return;
  }
  const opened = await client.views.open({ trigger_id: args.triggerId, view: loadingView(meta) });
  const view = await pending;
  if (opened.view?.id) await client.views.update({ view_id: opened.view.id, view });
}
