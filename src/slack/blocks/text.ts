/** Slack's limit for a section's text and for any single text object in a message. */
export const SECTION_TEXT_MAX = 3000;
/** Slack's limit for blocks in one message. */
export const MESSAGE_BLOCKS_MAX = 50;

/** Escapes user text for mrkdwn: Slack treats only these three characters as control characters. */
export function mrkdwnEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Shows text verbatim as inline code. Escaping alone leaves `*`, `_`, `~` free to format parts of a
 * URL (and Slack to auto-link it); inside a code span they stay literal. A backtick would end the
 * span, so it is shown as a look-alike: this is display only, the URL sent to IPS is untouched.
 */
export function mrkdwnCode(s: string): string {
  return `\`${mrkdwnEscape(s.replace(/`/g, 'ˋ').replace(/\n/g, ' '))}\``;
}

/** Cuts text to `max` characters, marking the cut, so Block Kit limits are never exceeded. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * `clip` for text that is already mrkdwn: never leaves half an entity (`&am`), an open `<@U…` or
 * `<!date…` token, or an unclosed code span behind, any of which Slack would render as garbage.
 */
export function clipMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && amp >= cut.length - 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const line = cut.slice(cut.lastIndexOf('\n') + 1);
  if ((line.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return `${cut}…`;
}

export interface FitOptions {
  /** The line that says how many were left out (called only when some were). */
  more?: (omitted: number) => string;
  /** Lines always kept at the end (what to do next). */
  tail?: readonly string[];
  /** Lines the caller already left out before calling; they count as omitted. */
  hidden?: number;
}

/**
 * Joins whole lines within `max` characters instead of cutting the text mid-line, so the list
 * stays readable and the `tail` (what to do next) is never lost to the limit.
 */
export function fitLines(lines: readonly string[], max: number, opts: FitOptions = {}): string {
  const { more, tail = [], hidden = 0 } = opts;
  const tailText = tail.join('\n');
  const budget = Math.max(0, max - (tailText ? tailText.length + 1 : 0));
  // An upper bound of the "more" line: the count only shrinks as lines get in.
  const reserve = more ? more(lines.length + hidden).length + 1 : 0;
  const all = lines.join('\n');
  const kept: string[] = [];
  if (all.length + (hidden > 0 ? reserve : 0) <= budget) kept.push(...lines);
  else {
    const room = Math.max(0, budget - reserve);
    let used = 0;
    for (const line of lines) {
      const cost = line.length + (kept.length ? 1 : 0);
      if (used + cost > room) break;
      kept.push(line);
      used += cost;
    }
    const first = lines[0];
    if (kept.length === 0 && first !== undefined && room > 1) kept.push(clipMrkdwn(first, room));
  }
  const omitted = lines.length - kept.length + hidden;
  if (more && omitted > 0) kept.push(more(omitted));
  if (tailText) kept.push(tailText);
  return clipMrkdwn(kept.join('\n'), max);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `<!date^…>` renders in the reader's own time zone, with a plain fallback. */
export function slackDate(ms: number, format = '{time}'): string {
  const fallback = new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback} UTC>`;
}
