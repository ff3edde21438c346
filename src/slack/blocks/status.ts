import type { types } from '@slack/bolt';
import type { PurgeView } from '../../purge/model.js';
import { errorLabel } from './fault-advice.js';
import { clip, mrkdwnEscape, plural, slackDate } from './text.js';

type KnownBlock = types.KnownBlock;

export interface MessageContent {
  text: string;
  blocks: KnownBlock[];
}

/** One line saying where a purge stands; nothing reads as done before it is. */
export function stateLine(p: PurgeView): string {
  switch (p.status) {
    case 'queued':
      return p.nextAttemptAt && p.nextAttemptAt > Date.now()
        ? `:hourglass_flowing_sand: Waiting for the ${p.company.name} rate limit; goes at ${slackDate(p.nextAttemptAt)}`
        : ':hourglass_flowing_sand: Queued';
    case 'submitting': {
      const waiting =
        p.nextAttemptAt && p.nextAttemptAt > Date.now() ? `; next call at ${slackDate(p.nextAttemptAt)}` : '';
      return `:arrows_counterclockwise: Sending to Dynamic Media (${p.counts.submitted.toLocaleString('en-US')} of ${p.counts.total.toLocaleString('en-US')} URLs sent${waiting})`;
    }
    case 'clearing': {
      const secs = p.dueAt ? Math.max(0, Math.round((p.dueAt - Date.now()) / 1000)) : undefined;
      return `:cloud: CDN clearing${secs !== undefined ? ` (≈ ${secs} s, until ${slackDate(p.dueAt!)})` : ''}`;
    }
    case 'done':
      return ':white_check_mark: Done: the CDN is clean';
    case 'partial':
      return ':warning: Partly done';
    case 'failed':
      return ':x: Failed';
  }
}

export function statusBlocks(p: PurgeView): MessageContent {
  const lines = [
    `*Purge \`${p.id}\`* · *${mrkdwnEscape(p.company.name)}* · requested by <@${p.requester}> ${slackDate(p.createdAt, '{date_short_pretty} {time}')}`,
    stateLine(p),
    `${plural(p.counts.total, 'URL')} in ${plural(p.counts.batches, 'IPS call')}` +
      (p.counts.skippedRecent
        ? ` · ${plural(p.counts.skippedRecent, 'URL')} skipped (purged moments before)`
        : ''),
  ];
  if (p.handles.length) lines.push(`Handles: ${p.handles.map((h) => `\`${h}\``).join(', ')}`);
  if (p.finishedAt) lines.push(`Finished ${slackDate(p.finishedAt, '{date_short_pretty} {time}')}`);
  for (const f of p.failures)
    lines.push(`:x: ${plural(f.urls.length, 'URL')} not purged — ${mrkdwnEscape(errorLabel(f.error))}`);
  if (p.rejected.length) {
    lines.push(`:warning: ${plural(p.rejected.length, 'URL')} rejected by Dynamic Media:`);
    for (const r of p.rejected.slice(0, 10))
      lines.push(`• ${mrkdwnEscape(clip(r.url, 200))} — ${mrkdwnEscape(clip(r.reason, 200))}`);
    if (p.rejected.length > 10) lines.push(`…and ${p.rejected.length - 10} more`);
  }
  const text = clip(lines.join('\n'), 3000);
  return {
    text: `Purge ${p.id}: ${p.status}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

export function historyBlocks(purges: readonly PurgeView[]): MessageContent {
  if (purges.length === 0) {
    return { text: 'You have not purged anything yet. `/purge` opens the form.', blocks: [] };
  }
  const lines = purges.map(
    (p) =>
      `\`${p.id}\` ${slackDate(p.createdAt, '{date_short} {time}')} · ${mrkdwnEscape(p.company.name)} · ${plural(p.counts.total, 'URL')} · ${stateLine(p)}`,
  );
  return {
    text: `Your last ${purges.length} purges`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(`*Your last ${plural(purges.length, 'purge')}*\n${lines.join('\n')}`, 3000),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '`/purge status <id>` shows one in full.' }] },
    ],
  };
}
