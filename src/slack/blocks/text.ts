/** Escapes user text for mrkdwn: Slack treats only these three characters as control characters. */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to `max` characters, marking the cut, so Block Kit limits are never exceeded. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `<!date^…>` renders in the reader's own time zone, with a plain fallback. */
export function slackDate(ms: number, format = '{time}'): string {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback} UTC>`;
}
