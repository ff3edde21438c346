import { unescapeSlack } from './unescape.js';
import { isControl } from './whitespace.js';

/**
 * Turns a raw token into the exact candidate string: Slack-unescape (only text Slack escaped), trim,
 * then drop wrapping punctuation that prose puts around URLs. Never changes anything inside the URL.
 */

// `.` `,` `;` `:` `!` `?` `'` `"` `>` and the backtick (code spans); `)` is handled separately.
function isTrailingJunk(c: number): boolean {
  return (
    c === 0x2e ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x3a ||
    c === 0x21 ||
    c === 0x3f ||
    c === 0x27 ||
    c === 0x22 ||
    c === 0x3e ||
    c === 0x60
  );
}

// `<` `(` quotes (straight and typographic) and the backtick.
function isLeadingJunk(c: number): boolean {
  return (
    c === 0x3c ||
    c === 0x28 ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x60 ||
    c === 0x201c ||
    c === 0x2018 ||
    c === 0x00ab
  );
}

function isTypographicCloser(c: number): boolean {
  return c === 0x201d || c === 0x2019 || c === 0x00bb;
}

/** Strips wrapping punctuation from an already unescaped, trimmed token. */
export function stripPunctuation(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && isLeadingJunk(token.charCodeAt(start))) start++;
  let opens = -1;
  let closes = 0;
  while (end > start) {
    const c = token.charCodeAt(end - 1);
    if (c === 0x3b && endsEntity(token, end - 1)) break;
    if (isTrailingJunk(c) || isTypographicCloser(c)) {
      end--;
      continue;
    }
    if (c === 0x29) {
      // A `)` stays when it closes a `(` inside the URL (balanced parens are part of the path).
      if (opens < 0) {
        opens = 0;
        for (let i = start; i < end; i++) {
          const k = token.charCodeAt(i);
          if (k === 0x28) opens++;
          else if (k === 0x29) closes++;
        }
      }
      if (closes > opens) {
        closes--;
        end--;
        continue;
      }
    }
    break;
  }
  return start === 0 && end === token.length ? token : token.slice(start, end);
}

// The `;` of `&amp;` `&lt;` `&gt;` closes the entity the user typed (raw text, or escaped text after
// the unescape): it is part of the URL, as it is for the tokenizer, not prose punctuation.
function endsEntity(token: string, semicolon: number): boolean {
  return (
    token.startsWith('&amp', semicolon - 4) ||
    token.startsWith('&lt', semicolon - 3) ||
    token.startsWith('&gt', semicolon - 3)
  );
}

/**
 * Token → candidate value ('' when nothing is left). `slackEscaped`: the token comes from text Slack
 * escaped; unescaping raw text would turn a typed `&amp;` into `&`, another CDN object.
 */
export function cleanToken(raw: string, slackEscaped: boolean): string {
  const value = stripPunctuation((slackEscaped ? unescapeSlack(raw) : raw).trim());
  // A control character on its own (a DOS end-of-file mark) holds nothing to purge; inside a token it
  // stays, so the token is rejected rather than split.
  return value !== '' && isControl(value.charCodeAt(0)) && onlyControls(value) ? '' : value;
}

function onlyControls(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (!isControl(value.charCodeAt(i))) return false;
  return true;
}
