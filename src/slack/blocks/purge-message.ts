import type { types } from '@slack/bolt';
import type { PurgeView } from '../../purge/model.js';
import { STATUS_ACTION } from '../ids.js';
import { errorLabel, faultAdvice } from './fault-advice.js';
import type { MessageContent } from './status.js';
import { groupFailures, section, skippedSection, stateLine, urlItem } from './status.js';
import { clipMrkdwn, fitLines, mrkdwnCode, mrkdwnEscape, plural, SECTION_TEXT_MAX } from './text.js';

type KnownBlock = types.KnownBlock;

/** Rejected URLs listed in the reply; the rest are counted and left to `/purge status`. */
const MAX_REJECTED_LISTED = 15;
/** Distinct errors shown, each with its own advice. */
const MAX_FAILURE_GROUPS = 5;
const URLS_PER_FAILURE = 5;
const MAX_HANDLES = 10;
/** The notification text (push, sidebar) only needs the headline. */
const FALLBACK_TEXT_MAX = 300;

/** The message that stands for a purge and is updated in place as it moves. */
export function purgeMessage(p: PurgeView, note?: string): MessageContent {
  const lines = [
    `:broom: <@${p.requester}> asked to purge *${plural(p.counts.total, 'URL')}* of *${mrkdwnEscape(p.company.name)}* · ${mrkdwnCode(p.id)}`,
    stateLine(p),
  ];
  if (p.counts.skippedRecent)
    lines.push(`${plural(p.counts.skippedRecent, 'URL')} skipped: purged just before.`);
  const blocks: KnownBlock[] = [section(fitLines(lines, SECTION_TEXT_MAX))];
  if (note)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clipMrkdwn(note, SECTION_TEXT_MAX) }],
    });
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
  return {
    text: clipMrkdwn(
      `Purge ${p.id} of ${mrkdwnEscape(p.company.name)}: ${plural(p.counts.total, 'URL')} (${p.status})`,
      FALLBACK_TEXT_MAX,
    ),
    blocks,
  };
}

function headline(p: PurgeView): string {
  const who = `<@${p.requester}>`;
  const company = `*${mrkdwnEscape(p.company.name)}*`;
  const id = mrkdwnCode(p.id);
  switch (p.status) {
    case 'done':
      return `:white_check_mark: ${who} Done: the CDN has cleared *${plural(p.counts.total, 'URL')}* of ${company} (purge ${id}).`;
    case 'partial':
      return `:warning: ${who} Purge ${id} of ${company} finished with problems: *${p.counts.submitted.toLocaleString('en-US')} of ${plural(p.counts.total, 'URL')}* cleared from the CDN.`;
    case 'failed':
      return `:x: ${who} Purge ${id} of ${company} failed: nothing was purged.`;
    default:
      // Not an outcome yet (the engine never asks for one this early); say where it stands instead.
      return `${who} Purge ${id} of ${company}: ${stateLine(p)}`;
  }
}

/** The threaded reply once the estimated completion has passed, or the purge failed. */
export function outcomeReply(p: PurgeView): MessageContent {
  const head = headline(p);
  const summary = [head];
  if (p.handles.length) {
    const shown = p.handles.slice(0, MAX_HANDLES).map(mrkdwnCode).join(', ');
    const rest = p.handles.length - MAX_HANDLES;
    summary.push(`Handles: ${shown}${rest > 0 ? ` and ${rest.toLocaleString('en-US')} more` : ''}`);
  }
  const blocks: KnownBlock[] = [section(fitLines(summary, SECTION_TEXT_MAX))];
  const skipped = skippedSection(p);
  if (skipped) blocks.push(skipped);

  const groups = groupFailures(p.failures, URLS_PER_FAILURE);
  for (const g of groups.slice(0, MAX_FAILURE_GROUPS)) {
    const lines = [
      `:x: ${plural(g.count, 'URL')} not purged — ${mrkdwnEscape(errorLabel(g.error))}`,
      ...g.sample.map((u) => urlItem(u)),
    ];
    blocks.push(
      section(
        fitLines(lines, SECTION_TEXT_MAX, {
          hidden: g.count - g.sample.length,
          more: (n) => `…and ${n.toLocaleString('en-US')} more`,
          tail: [`*What to do:* ${faultAdvice(g.error, p.company.name)}`],
        }),
      ),
    );
  }
  if (groups.length > MAX_FAILURE_GROUPS) {
    blocks.push(
      section(
        `…and ${plural(groups.length - MAX_FAILURE_GROUPS, 'other error')} (${mrkdwnCode(`/purge status ${p.id}`)}).`,
      ),
    );
  }
  if (groups.length === 0 && p.rejected.length === 0 && p.status === 'failed' && p.error) {
    blocks.push(
      section(
        fitLines([mrkdwnEscape(errorLabel(p.error))], SECTION_TEXT_MAX, {
          tail: [`*What to do:* ${faultAdvice(p.error, p.company.name)}`],
        }),
      ),
    );
  }

  if (p.rejected.length) {
    const items = p.rejected.slice(0, MAX_REJECTED_LISTED).map((r) => urlItem(r.url, r.reason));
    const total = p.rejected.length;
    const lines = [`*Rejected by Dynamic Media* (${total.toLocaleString('en-US')}):`, ...items];
    const text = fitLines(lines, SECTION_TEXT_MAX, {
      more: (n) => `…and ${n.toLocaleString('en-US')} more (${mrkdwnCode(`/purge status ${p.id}`)})`,
      hidden: total - items.length,
      tail: ['*What to do:* check those URLs (host, path, root ID), then purge the corrected ones.'],
    });
    blocks.push(section(text));
  }

  return { text: clipMrkdwn(head, FALLBACK_TEXT_MAX), blocks };
}

/** The company channel's copy of a purge (design.md: `channel` in the purge config). */
export function announcement(p: PurgeView): MessageContent {
  const lines = [
    `:broom: <@${p.requester}> · ${plural(p.counts.total, 'URL')} of *${mrkdwnEscape(p.company.name)}* · ${mrkdwnCode(p.id)}`,
    stateLine(p),
  ];
  return {
    text: clipMrkdwn(`Purge ${p.id} of ${mrkdwnEscape(p.company.name)} (${p.status})`, FALLBACK_TEXT_MAX),
    blocks: [section(fitLines(lines, SECTION_TEXT_MAX))],
  };
}
