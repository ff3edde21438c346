import { cleanToken } from './clean.js';
import { unescapeSlack } from './unescape.js';

/**
 * Finding links in Slack message parts. Only links and things that look like URLs count; the prose
 * around them is ignored. Targets of explicit links are taken whole (only unescaped, when Slack
 * escaped them, and trimmed); bare URLs lose the punctuation prose puts after them.
 */
export interface LinkSink {
  /** A URL candidate found at 1-based `line` of the scanned text. */
  add(value: string, line: number): void;
  /** A link that cannot be purged, with why. */
  ignore(input: string, line: number, reason: string): void;
}

const WEB_LINK = /^https?:\/\//i;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;
// `<target|label>` markup, or a bare URL up to whitespace or markup.
const MRKDWN_TOKEN = /<([^<>\n]*)>|https?:\/\/[^\s<>]+/gi;
const BARE_URL = /https?:\/\/[^\s<>]+/gi;

/**
 * An explicit link target: `<…>` markup, a rich_text `link.url`, an attachment URL field.
 * `slackEscaped`: it comes from mrkdwn, where Slack escapes `&` `<` `>`; JSON values are raw.
 */
export function addLinkTarget(raw: string, line: number, sink: LinkSink, slackEscaped: boolean): void {
  const target = (slackEscaped ? unescapeSlack(raw) : raw).trim();
  if (target === '') return;
  if (WEB_LINK.test(target)) {
    sink.add(target, line);
    return;
  }
  const scheme = SCHEME.exec(target);
  if (scheme !== null) {
    sink.ignore(
      target,
      line,
      `${scheme[1] ?? ''}: link is not a web URL; only http and https URLs can be purged`,
    );
  }
}

/** Slack mrkdwn (message text, attachment text): links in markup plus bare URLs; always escaped. */
export function scanMrkdwn(text: string, firstLine: number, sink: LinkSink): void {
  scan(text, MRKDWN_TOKEN, firstLine, sink, true);
}

/** Raw text (rich_text `text` elements, plain_text, snippets): bare URLs only, taken as written. */
export function scanBareUrls(text: string, firstLine: number, sink: LinkSink): void {
  scan(text, BARE_URL, firstLine, sink, false);
}

function scan(text: string, pattern: RegExp, firstLine: number, sink: LinkSink, escaped: boolean): void {
  if (!text.includes('://') && !text.includes('<')) return;
  const re = new RegExp(pattern.source, pattern.flags);
  let line = firstLine;
  // Position of the next line break not yet counted (-1: none left).
  let nextBreak = text.indexOf('\n');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    while (nextBreak !== -1 && nextBreak < m.index) {
      line++;
      nextBreak = text.indexOf('\n', nextBreak + 1);
    }
    const markup = m[1];
    if (markup === undefined) {
      const value = cleanToken(m[0], escaped);
      if (value !== '') sink.add(value, line);
      continue;
    }
    const first = markup.charCodeAt(0);
    // `<@U…>` users, `<#C…|name>` channels, `<!here>` specials: not links.
    if (first === 0x40 || first === 0x23 || first === 0x21) continue;
    const bar = markup.indexOf('|');
    addLinkTarget(bar >= 0 ? markup.slice(0, bar) : markup, line, sink, escaped);
  }
}
