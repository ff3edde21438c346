import { cleanToken } from './clean.js';
import type { Candidate, CandidateSource } from './types.js';
import { unescapeSlack } from './unescape.js';
import { isSeparatorSpace, startsUrlOrLink } from './whitespace.js';

// Anything but printable ASCII other than `,` `;` `<`: spaces, separators, markup, non-ASCII.
const NEEDS_SCAN = /[^!-+\--:=-~]/;

/**
 * Splits one line of pasted text into candidates. Separators are whitespace, `,` and `;`, except
 * inside a URL's query, where Image Serving modifiers use them (`crop=0,0,100,100`) and a split
 * would purge a different object; there a `,`/`;` only separates when another URL follows it.
 * Slack link markup `<url|label>` counts as one token: the label is dropped.
 */
export function tokenizeLine(line: string, lineNo: number, source: CandidateSource, out: Candidate[]): void {
  // Fast path: a line that is one plain token (the usual pasted URL) needs no scanning.
  if (!NEEDS_SCAN.test(line)) {
    push(line, lineNo, source, out);
    return;
  }
  const n = line.length;
  let i = 0;
  let nextClose = -2;
  let nextBar = -2;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 0x2c || c === 0x3b || isSeparatorSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x3c) {
      // Next `>` and `|` are remembered: re-searching from every `<` would be quadratic.
      if (nextClose !== -1 && nextClose <= i) nextClose = line.indexOf('>', i + 1);
      const close = nextClose;
      if (close > i) {
        if (nextBar !== -1 && nextBar <= i) nextBar = line.indexOf('|', i + 1);
        const bar = nextBar;
        // An explicit link target is taken whole: a trailing `.` or `)` there is part of the URL.
        const target = unescapeSlack(line.slice(i + 1, bar > i && bar < close ? bar : close)).trim();
        if (target !== '') out.push({ value: target, line: lineNo, source });
        i = close + 1;
        continue;
      }
    }
    const start = i;
    let pathLike = false;
    let inQuery = false;
    for (; i < n; i++) {
      c = line.charCodeAt(i);
      if (isSeparatorSpace(c)) break;
      if (c === 0x3c && i > start && opensMarkup(line, i)) break;
      if (c === 0x2f) pathLike = true;
      else if (c === 0x3f) {
        if (pathLike) inQuery = true;
      } else if (c === 0x2c || c === 0x3b) {
        if (c === 0x3b && endsWithEntityName(line, i)) continue;
        if (inQuery && !startsUrlOrLink(line, i + 1)) continue;
        break;
      }
    }
    push(line.slice(start, i), lineNo, source, out);
  }
}

/**
 * In Slack-formatted text a `<` always opens markup, so it ends the token before it. Typed into the
 * modal, a `<` glued to a token is just a character: `…/a<b>` must be rejected whole, not become the
 * URL `…/a` plus an asset ID `b`. Only a `<` that starts a web link ends a token.
 */
function opensMarkup(line: string, lt: number): boolean {
  return line.charCodeAt(lt + 1) !== 0x3c && startsUrlOrLink(line, lt + 1);
}

// `&amp;` `&lt;` `&gt;`: the `;` belongs to the entity, never a separator.
function endsWithEntityName(line: string, semicolon: number): boolean {
  const c = line.charCodeAt(semicolon - 1);
  if (c === 0x70) return line.startsWith('&amp', semicolon - 4);
  if (c === 0x74) return line.startsWith('&lt', semicolon - 3) || line.startsWith('&gt', semicolon - 3);
  return false;
}

function push(raw: string, line: number, source: CandidateSource, out: Candidate[]): void {
  const value = cleanToken(raw);
  if (value !== '') out.push({ value, line, source });
}
