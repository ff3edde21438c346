import type { types } from '@slack/bolt';
import type { FailedUrls, PurgeErrorInfo, PurgeSummary, PurgeView } from '../../purge/model.js';
import { errorLabel } from './fault-advice.js';
import { clip, fitLines, mrkdwnCode, mrkdwnEscape, plural, SECTION_TEXT_MAX, slackDate } from './text.js';

type KnownBlock = types.KnownBlock;

export interface MessageContent {
  text: string;
  blocks: KnownBlock[];
}

const URL_SHOWN = 200;
const REASON_SHOWN = 200;

/** One line saying where a purge stands; nothing reads as done before it is. */
export function stateLine(p: PurgeSummary, now = Date.now()): string {
  switch (p.status) {
    case 'queued':
      return p.nextAttemptAt !== undefined && p.nextAttemptAt > now
        ? `:hourglass_flowing_sand: Waiting for the ${mrkdwnEscape(p.company.name)} rate limit; goes at ${slackDate(p.nextAttemptAt)}`
        : ':hourglass_flowing_sand: Queued';
    case 'submitting': {
      const waiting =
        p.nextAttemptAt !== undefined && p.nextAttemptAt > now
          ? `; next call at ${slackDate(p.nextAttemptAt)}`
          : '';
      return `:arrows_counterclockwise: Sending to Dynamic Media (${p.counts.submitted.toLocaleString('en-US')} of ${plural(p.counts.total, 'URL')} sent${waiting})`;
    }
    case 'clearing': {
      if (p.dueAt === undefined) return ':cloud: Sent; the CDN is clearing';
      const secs = Math.max(0, Math.round((p.dueAt - now) / 1000));
      return `:cloud: Sent; the CDN is clearing (≈ ${secs} s, until ${slackDate(p.dueAt)})`;
    }
    case 'done':
      return ':white_check_mark: Done: the CDN is clean';
    case 'partial':
      return `:warning: Finished with problems: ${p.counts.submitted.toLocaleString('en-US')} of ${plural(p.counts.total, 'URL')} cleared; see the thread`;
    case 'failed':
      return ':x: Failed: nothing was purged; see the thread';
  }
}

export interface FailureGroup {
  readonly error: Readonly<PurgeErrorInfo>;
  readonly count: number;
  /** The first few URLs of the group, enough to show. */
  readonly sample: readonly string[];
}

/**
 * Failed batches grouped by their error: one bad password fails every batch alike, and ten
 * copies of the same advice would bury everything else.
 */
export function groupFailures(failures: readonly FailedUrls[], sampleSize = 5): FailureGroup[] {
  const groups = new Map<string, { error: Readonly<PurgeErrorInfo>; count: number; sample: string[] }>();
  for (const f of failures) {
    const key = `${f.error.kind}\u0000${String(f.error.code)}\u0000${f.error.reason}`;
    let g = groups.get(key);
    if (!g) {
      g = { error: f.error, count: 0, sample: [] };
      groups.set(key, g);
    }
    g.count += f.urls.length;
    for (const u of f.urls) {
      if (g.sample.length >= sampleSize) break;
      g.sample.push(u);
    }
  }
  return [...groups.values()];
}

/** A list item naming a URL and, optionally, why. */
export function urlItem(url: string, reason?: string): string {
  const shown = mrkdwnCode(clip(url, URL_SHOWN));
  return reason === undefined ? `• ${shown}` : `• ${shown} — ${mrkdwnEscape(clip(reason, REASON_SHOWN))}`;
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

const SKIPPED_LISTED = 10;

/** The URLs left out because they had just been purged (design: "listed as such"). */
export function skippedSection(p: PurgeView): KnownBlock | undefined {
  if (p.skippedRecent.length === 0) return undefined;
  const items = p.skippedRecent.slice(0, SKIPPED_LISTED).map((u) => urlItem(u));
  return section(
    fitLines(
      [
        `*Skipped* — purged for ${mrkdwnEscape(p.company.name)} just before, so not sent again (${p.skippedRecent.length.toLocaleString('en-US')}):`,
        ...items,
      ],
      SECTION_TEXT_MAX,
      {
        hidden: p.skippedRecent.length - items.length,
        more: (n) => `…and ${n.toLocaleString('en-US')} more`,
      },
    ),
  );
}

export function statusBlocks(p: PurgeView): MessageContent {
  const lines = [
    `*Purge ${mrkdwnCode(p.id)}* · *${mrkdwnEscape(p.company.name)}* · requested by <@${p.requester}> ${slackDate(p.createdAt, '{date_short_pretty} {time}')}`,
    stateLine(p),
    `${plural(p.counts.total, 'URL')} in ${plural(p.counts.batches, 'IPS call')}` +
      (p.counts.skippedRecent
        ? ` · ${plural(p.counts.skippedRecent, 'URL')} skipped (purged moments before)`
        : ''),
  ];
  if (p.handles.length) lines.push(`Handles: ${p.handles.map(mrkdwnCode).join(', ')}`);
  if (p.finishedAt !== undefined)
    lines.push(`Finished ${slackDate(p.finishedAt, '{date_short_pretty} {time}')}`);
  for (const g of groupFailures(p.failures))
    lines.push(`:x: ${plural(g.count, 'URL')} not purged — ${mrkdwnEscape(errorLabel(g.error))}`);
  if (p.rejected.length) {
    lines.push(`:warning: ${plural(p.rejected.length, 'URL')} rejected by Dynamic Media:`);
    for (const r of p.rejected.slice(0, 10)) lines.push(urlItem(r.url, r.reason));
  }
  const text = fitLines(lines, SECTION_TEXT_MAX, { more: (n) => `…and ${plural(n, 'more line')}` });
  const skipped = skippedSection(p);
  return { text: `Purge ${p.id}: ${p.status}`, blocks: skipped ? [section(text), skipped] : [section(text)] };
}

/** `viewer` sees their own purges, and their companies' purges marked with who asked for them. */
export function historyBlocks(purges: readonly PurgeSummary[], viewer: string): MessageContent {
  if (purges.length === 0) {
    return { text: 'You have not purged anything yet. `/purge` opens the form.', blocks: [] };
  }
  const lines = purges.map(
    (p) =>
      `${mrkdwnCode(p.id)} ${slackDate(p.createdAt, '{date_short} {time}')} · ${mrkdwnEscape(p.company.name)} · ${plural(p.counts.total, 'URL')}` +
      `${p.requester === viewer ? '' : ` · by <@${p.requester}>`} · ${stateLine(p)}`,
  );
  const onlyOwn = purges.every((p) => p.requester === viewer);
  const title = onlyOwn
    ? `Your last ${plural(purges.length, 'purge')}`
    : `The last ${plural(purges.length, 'purge')} you can see (yours and your companies')`;
  const head = `*${title}*`;
  return {
    text: title,
    blocks: [
      section(
        fitLines([head, ...lines], SECTION_TEXT_MAX, { more: (n) => `…and ${plural(n, 'more purge')}` }),
      ),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '`/purge status &lt;id&gt;` shows one in full.' }],
      },
    ],
  };
}
