/**
 * Slack escapes exactly `&`, `<` and `>` in message text. One left-to-right pass undoes them, so
 * `&amp;lt;` becomes `&lt;` (the user typed that text) and never `<`.
 */
export function unescapeSlack(text: string): string {
  let amp = text.indexOf('&');
  if (amp === -1) return text;
  // Hand-rolled: a regex replace with a callback costs more than the rest of intake per URL.
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const next = text.charCodeAt(amp + 1);
    let skip = 0;
    let char = '';
    if (next === 0x61 && text.startsWith('amp;', amp + 1)) {
      skip = 5;
      char = '&';
    } else if (next === 0x6c && text.startsWith('lt;', amp + 1)) {
      skip = 4;
      char = '<';
    } else if (next === 0x67 && text.startsWith('gt;', amp + 1)) {
      skip = 4;
      char = '>';
    }
    if (skip > 0) {
      out += text.slice(from, amp) + char;
      from = amp + skip;
      amp = text.indexOf('&', from);
    } else {
      amp = text.indexOf('&', amp + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}
