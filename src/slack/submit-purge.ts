import type { webApi } from '@slack/bolt';
import type { Company } from '../access/company-directory.js';
import {
  type Candidate,
  candidatesFromFile,
  candidatesFromText,
  IntakeLimitError,
  runIntake,
} from '../intake/index.js';
import type { PurgeView } from '../purge/model.js';
import { companyFromOptionValue, rejectionSummary } from './blocks/modal.js';
import { plural, slackDate } from './blocks/text.js';
import type { SlackDeps } from './deps.js';
import { readUploadedFile, UploadError, type UploadedFile } from './file-reader.js';
import { COMPANY_BLOCK, URLS_BLOCK } from './ids.js';
import type { ModalContext } from './modal-context.js';

type WebClient = webApi.WebClient;

export interface Submission {
  userId: string;
  companyName: string | undefined;
  urlsText: string;
  files: UploadedFile[];
  context: ModalContext | undefined;
}

export type SubmitOutcome =
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'started'; purge: PurgeView; company: Company }
  | { kind: 'message'; text: string };

/**
 * Everything that happens between "Purge" and the modal closing: authorization (again, from
 * scratch), reading the inputs, intake, and handing the purge to the engine.
 */
export async function submitPurge(deps: SlackDeps, client: WebClient, s: Submission): Promise<SubmitOutcome> {
  if (!s.context) {
    return errorsOn(URLS_BLOCK, 'This form has expired or was changed. Close it and run /purge again.');
  }
  const company = s.companyName ? companyFromOptionValue(s.companyName, deps.companies) : undefined;
  const decision = await deps.policy.decide(s.userId, company);
  if (!decision.allowed || !company) {
    deps.logger.warn(
      {
        audit: 'purge.denied',
        user: s.userId,
        company: s.companyName?.slice(0, 80),
        reason: decision.allowed ? 'unknown-company' : decision.reason,
      },
      'purge denied',
    );
    return errorsOn(COMPANY_BLOCK, decision.allowed ? 'Choose a company from the list.' : decision.message);
  }

  let candidates: Candidate[];
  try {
    candidates = await gatherCandidates(deps, client, s);
  } catch (err) {
    if (err instanceof UploadError || err instanceof IntakeLimitError)
      return errorsOn(URLS_BLOCK, err.message);
    throw err;
  }
  if (candidates.length === 0) {
    return errorsOn(URLS_BLOCK, 'Paste at least one URL or asset ID, or upload a list.');
  }

  let intake: ReturnType<typeof runIntake>;
  try {
    intake = runIntake(candidates, company, deps.limits);
  } catch (err) {
    if (err instanceof IntakeLimitError) return errorsOn(URLS_BLOCK, err.message);
    throw err;
  }
  if (intake.rejected.length > 0) {
    return errorsOn(URLS_BLOCK, rejectionSummary(intake.rejected, intake.accepted.length));
  }

  const result = await deps.purges.accept({
    company: { name: company.name, handle: company.handle, rootId: company.rootId },
    requester: s.userId,
    origin: { kind: s.context.kind, channel: s.context.channel, threadTs: s.context.threadTs },
    urls: intake.accepted,
  });
  switch (result.kind) {
    case 'denied':
      // Access changed since the check above (an admin list edit, an IPS role lost): the engine has the last word.
      return errorsOn(COMPANY_BLOCK, result.message);
    case 'accepted':
      deps.logger.info(
        {
          audit: 'purge.accepted',
          purgeId: result.purge.id,
          user: s.userId,
          company: company.name,
          urls: result.purge.counts.total,
        },
        'purge accepted',
      );
      return { kind: 'started', purge: result.purge, company };
    case 'duplicate':
      return {
        kind: 'message',
        text: `:repeat: You asked for the same ${plural(result.purge.counts.total, 'URL')} of *${company.name}* at ${slackDate(result.purge.createdAt)}: that is purge \`${result.purge.id}\`, already under way. Its thread will say when the CDN is clean; \`/purge status ${result.purge.id}\` shows where it stands.`,
      };
    case 'all-recent':
      return {
        kind: 'message',
        text: `:white_check_mark: Nothing to do: all ${plural(result.skippedRecent.length, 'URL')} were purged for *${company.name}* in the last ${plural(deps.limits.dedupeSeconds, 'second')}. If the CDN still shows the old file, wait a minute and purge again.`,
      };
  }
}

async function gatherCandidates(deps: SlackDeps, client: WebClient, s: Submission): Promise<Candidate[]> {
  const out: Candidate[] = [];
  if (s.context?.stateId) {
    const stashed = await deps.prefills.get(s.context.stateId);
    if (stashed === undefined) {
      throw new UploadError(
        'FILE_UNREADABLE',
        'The attached URL list has expired (forms keep it for an hour). Run the command again.',
      );
    }
    // Stashed by the command or shortcut already unescaped: raw, like the box and files.
    out.push(...candidatesFromText(stashed, { source: 'prefill' }));
  }
  // What the form sends is raw (Slack escapes only mrkdwn and command text): read it as typed.
  if (s.urlsText.trim()) out.push(...candidatesFromText(s.urlsText));
  for (const f of s.files) {
    const { name, content } = await readUploadedFile(client, deps.botToken, f);
    out.push(...candidatesFromFile(content, name));
  }
  return out;
}

function errorsOn(block: string, text: string): SubmitOutcome {
  return { kind: 'errors', errors: { [block]: text.slice(0, 2000) } };
}
