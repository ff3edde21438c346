/** Character classes shared by the tokenizers. */

/**
 * Whitespace separates tokens, including any Unicode space (NBSP from rich-text copy). Other control
 * characters (NUL, BEL, DEL, …) do not: splitting on an invisible character would turn one pasted
 * string into several URLs and asset IDs nobody typed, so it stays in its token and is rejected there.
 */
export function isSeparatorSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x80) return false;
  return (
    c === 0xa0 ||
    c === 0x85 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** True when `text` at `at` starts `http://` or `https://` (any case) or a Slack link `<`. */
export function startsUrlOrLink(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 0x3c) return true;
  if (c !== 0x68 && c !== 0x48) return false;
  const head = text.slice(at, at + 8).toLowerCase();
  return head.startsWith('http://') || head === 'https://';
}

/** C0 controls, DEL and C1 controls. */
export function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}
