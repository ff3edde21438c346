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
export function tokenizeLine(line: string, lineNo: number, sink: TokenSink): void {
  // Fast path: a line that is one plain token (the usual pasted URL) needs no scanning.
  if (!NEEDS_SCAN.test(line)) {
    sink.push(line, lineNo);
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
        sink.pushTarget(line.slice(i + 1, bar > i && bar < close ? bar : close), lineNo);
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
    sink.push(line.slice(start, i), lineNo);
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

// `&amp;` `&lt;` `&gt;`: the `;` belongs to the entity, never a separator. So does the `;` of such an
// entity typed literally and escaped by Slack (`&amp;amp;`), so escaped text splits where the typed did.
function endsWithEntityName(line: string, semicolon: number): boolean {
  const c = line.charCodeAt(semicolon - 1);
  let name = 0;
  if (c === 0x70) name = line.startsWith('amp', semicolon - 3) ? 3 : 0;
  else if (c === 0x74)
    name = line.startsWith('lt', semicolon - 2) || line.startsWith('gt', semicolon - 2) ? 2 : 0;
  if (name === 0) return false;
  const amp = semicolon - name - 1;
  return line.charCodeAt(amp) === 0x26 || line.startsWith('&amp;', amp - 4);
}

/**
 * Collects the candidates of one text: everything they share (source, file name, whether Slack
 * escaped the text) is fixed once here instead of passed along with every token.
 */
export class TokenSink {
  readonly out: Candidate[] = [];

  constructor(
    private readonly source: CandidateSource,
    private readonly slackEscaped: boolean,
    private readonly fileName: string | undefined,
  ) {}

  /** A token between separators: cleaned of wrapping punctuation. */
  push(raw: string, line: number): void {
    this.add(cleanToken(raw, this.slackEscaped), line);
  }

  /** The target of `<target|label>` markup: taken whole, so a trailing `.` or `)` stays. */
  pushTarget(raw: string, line: number): void {
    this.add((this.slackEscaped ? unescapeSlack(raw) : raw).trim(), line);
  }

  private add(value: string, line: number): void {
    if (value === '') return;
    this.out.push(
      this.fileName === undefined
        ? { value, line, source: this.source }
        : { value, line, source: this.source, fileName: this.fileName },
    );
  }
}
