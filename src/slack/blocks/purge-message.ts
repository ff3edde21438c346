import type { types } from '@slack/bolt';
import type { PurgeView } from '../../purge/model.js';
import { STATUS_ACTION } from '../ids.js';
import { errorLabel, faultAdvice } from './fault-advice.js';
import type { MessageContent } from './status.js';
import { stateLine } from './status.js';
import { clip, mrkdwnEscape, plural } from './text.js';

type KnownBlock = types.KnownBlock;

const MAX_LISTED = 15;

/** The message that stands for a purge and is updated in place as it moves. */
export function purgeMessage(p: PurgeView, note?: string): MessageContent {
  const head = `:broom: <@${p.requester}> asked to purge *${plural(p.counts.total, 'URL')}* of *${mrkdwnEscape(p.company.name)}* · \`${p.id}\``;
  const skipped = p.counts.skippedRecent
    ? `\n${plural(p.counts.skippedRecent, 'URL')} skipped: purged less than a minute before.`
    : '';
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${head}\n${stateLine(p)}${skipped}`, 3000) } },
  ];
  if (note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(note, 3000) }] });
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: STATUS_ACTION,
        value: p.id,
        text: { type: 'plain_text', text: 'Details' },
      },
    ],
  });
  return { text: `Purge ${p.id} of ${p.company.name}: ${p.counts.total} URLs (${p.status})`, blocks };
}

/** The threaded reply once the estimated completion has passed, or the purge failed. */
export function outcomeReply(p: PurgeView): MessageContent {
  const who = `<@${p.requester}>`;
  const company = mrkdwnEscape(p.company.name);
  const lines: string[] = [];
  if (p.status === 'done') {
    lines.push(
      `:white_check_mark: ${who} Done: the CDN has cleared *${plural(p.counts.total, 'URL')}* of *${company}* (purge \`${p.id}\`).`,
    );
  } else if (p.status === 'partial') {
    const cleared = p.counts.submitted;
    lines.push(
      `:warning: ${who} Partly done: *${cleared.toLocaleString('en-US')} of ${plural(p.counts.total, 'URL')}* of *${company}* cleared (purge \`${p.id}\`).`,
    );
  } else {
    lines.push(`:x: ${who} Purge \`${p.id}\` of *${company}* failed: nothing was purged.`);
    if (p.error)
      lines.push(
        `${mrkdwnEscape(errorLabel(p.error))}`,
        `*What to do:* ${faultAdvice(p.error, p.company.name)}`,
      );
  }
  if (p.handles.length)
    lines.push(
      `Handles: ${p.handles
        .slice(0, 10)
        .map((h) => `\`${h}\``)
        .join(', ')}${p.handles.length > 10 ? ', …' : ''}`,
    );
  if (p.counts.skippedRecent)
    lines.push(`${plural(p.counts.skippedRecent, 'URL')} skipped: purged less than a minute before.`);
  if (p.rejected.length) {
    lines.push(`*Rejected by Dynamic Media* (${p.rejected.length}):`);
    for (const r of p.rejected.slice(0, MAX_LISTED))
      lines.push(`• ${mrkdwnEscape(clip(r.url, 200))} — ${mrkdwnEscape(clip(r.reason, 160))}`);
    if (p.rejected.length > MAX_LISTED)
      lines.push(`…and ${p.rejected.length - MAX_LISTED} more (\`/purge status ${p.id}\`).`);
    lines.push('*What to do:* check those URLs (host, path, root ID), then purge the corrected ones.');
  }
  if (p.status !== 'failed') {
    for (const f of p.failures) {
      lines.push(`:x: ${plural(f.urls.length, 'URL')} not purged — ${mrkdwnEscape(errorLabel(f.error))}`);
      for (const u of f.urls.slice(0, 5)) lines.push(`• ${mrkdwnEscape(clip(u, 200))}`);
      if (f.urls.length > 5) lines.push(`…and ${f.urls.length - 5} more`);
      lines.push(`*What to do:* ${faultAdvice(f.error, p.company.name)}`);
    }
  }
  const text = clip(lines.join('\n'), 3000);
  return {
    text: clip(lines[0] ?? `Purge ${p.id}`, 300),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** The company channel's copy of a purge (design.md: `channel` in the purge config). */
export function announcement(p: PurgeView): MessageContent {
  const line = `:broom: <@${p.requester}> · ${plural(p.counts.total, 'URL')} of *${mrkdwnEscape(p.company.name)}* · \`${p.id}\`\n${stateLine(p)}`;
  return {
    text: `Purge ${p.id} of ${p.company.name} (${p.status})`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: line } }],
  };
}
