import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;

export const HELP_TEXT = [
  '*dm-purge* clears stale Dynamic Media images and files from the CDN.',
  '',
  '• `/purge` — open the purge form',
  '• `/purge <urls or asset IDs>` — open the form with them filled in',
  '• `/purge status [purge-id]` — your latest purge, or that one',
  "• `/purge history` — the last 10 purges you can see (yours, and your companies' if you are their admin)",
  '• `/purge help` — this message',
  '• Message menu ⋯ → *Purge CDN URLs* — purge the links in a message; the answer goes to its thread',
  '',
  '*Examples*',
  '`/purge https://s7d7.scene7.com/is/image/JJEsquire/11008047?$product$`',
  '`/purge 11008047 11008048` (asset IDs become one URL per preset, from the company templates)',
  '',
  'Every URL is checked before anything is sent: it must be an `http(s)` Dynamic Media URL on one of the',
  "company's delivery hosts, with the company root ID written exactly as in Dynamic Media",
  '(`/is/image/<root>/…`, `/is/content/<root>/…`, `/is/static/…`, `/is/agm/…`, `/ir/render/…`, `/e2/…`).',
  'The query (`?$preset$`) is part of what the CDN caches: list each preset you need cleared.',
].join('\n');

export function helpBlocks(prefix?: string): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (prefix) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: prefix } });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: HELP_TEXT } });
  return blocks;
}
