import { IpsRequestError } from './errors.js';

/**
 * Could `s` need anything at all? Markup characters, CR (a parser turns a raw CR into LF), controls,
 * any surrogate (pairs are fine but are re-checked on the slow path) and U+FFFE/U+FFFF.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_WORK = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Characters XML 1.0 cannot carry. With `u`, a well-formed pair is one code point: only lone surrogates match. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;
/** The same without NUL, which the list fast path uses as its separator. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
const ILLEGAL_EXCEPT_NUL = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;

/** The characters `String.prototype.trim` removes (fast-xml-parser trims text with it). */
function isTrimmable(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
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

function hasTrimmableEdge(s: string): boolean {
  return s.length > 0 && (isTrimmable(s.charCodeAt(0)) || isTrimmable(s.charCodeAt(s.length - 1)));
}

function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function assertLegal(s: string, what: string, operation: string): void {
  const bad = ILLEGAL.exec(s);
  if (bad === null) return;
  // Name the character and where it is, never the value: it may be a password.
  throw new IpsRequestError(
    operation,
    `${what} contains ${codePointLabel(s.charCodeAt(bad.index))} at character ${bad.index + 1}, which XML cannot carry`,
  );
}

/**
 * `includes` is a vectorised scan and `replaceAll` with a string runs natively, which together beat
 * one regex with a replacer callback. `&` goes first so the entities added after it stay intact.
 */
function escapeMarkup(s: string): string {
  let o = s;
  if (o.includes('&')) o = o.replaceAll('&', '&amp;');
  if (o.includes('<')) o = o.replaceAll('<', '&lt;');
  if (o.includes('>')) o = o.replaceAll('>', '&gt;');
  if (o.includes('"')) o = o.replaceAll('"', '&quot;');
  if (o.includes("'")) o = o.replaceAll("'", '&apos;');
  if (o.includes('\r')) o = o.replaceAll('\r', '&#13;');
  return o;
}

/**
 * Readers that trim text (fast-xml-parser's default among them) would drop edge whitespace; a
 * character reference survives trimming and means the same to a conforming parser.
 */
function protectEdges(s: string): string {
  let out = s;
  const first = out.charCodeAt(0);
  if (isTrimmable(first)) out = `&#${first};${out.slice(1)}`;
  const last = out.charCodeAt(out.length - 1);
  if (isTrimmable(last)) out = `${out.slice(0, -1)}&#${last};`;
  return out;
}

/**
 * Escapes `s` for XML text content. Throws `IpsRequestError` when `s` holds a character XML 1.0
 * cannot represent (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE, U+FFFF).
 */
export function escapeXml(s: string, what = 'value', operation = 'request'): string {
  const edges = hasTrimmableEdge(s);
  if (!edges && !NEEDS_WORK.test(s)) return s;
  assertLegal(s, what, operation);
  const escaped = escapeMarkup(s);
  return edges ? protectEdges(escaped) : escaped;
}

/**
 * `<tag>v</tag>` for every value, escaped as `escapeXml` would. The usual case (a thousand URLs)
 * is checked and escaped as one NUL-joined string instead of a thousand small ones; NUL cannot occur
 * in a legal value, so the separator is unambiguous. Errors name the value's 1-based position.
 */
export function xmlTextElements(
  tag: string,
  values: readonly string[],
  what: string,
  operation: string,
): string {
  if (values.length === 0) return '';
  let bulk = true;
  for (const v of values) {
    if (hasTrimmableEdge(v) || v.includes('\0')) {
      bulk = false;
      break;
    }
  }
  if (bulk) {
    const joined = values.join('\0');
    if (!ILLEGAL_EXCEPT_NUL.test(joined)) {
      return `<${tag}>${escapeMarkup(joined).replaceAll('\0', `</${tag}><${tag}>`)}</${tag}>`;
    }
  }
  let out = '';
  for (let i = 0; i < values.length; i++) {
    try {
      out += `<${tag}>${escapeXml(values[i] as string, what, operation)}</${tag}>`;
    } catch (err) {
      if (!(err instanceof IpsRequestError)) throw err;
      throw new IpsRequestError(operation, `${what} ${i + 1} of ${values.length}: ${err.message}`, {
        cause: err,
      });
    }
  }
  return out;
}

/**
 * Entity decoding for fast-xml-parser: the five predefined entities and numeric character
 * references, nothing else. SOAP forbids a DOCTYPE, so replies never define entities of their own
 * (and `parse.ts` refuses one that tries); an unknown reference is left as written.
 */
const ENTITY_REF = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeRef(
  ref: string,
  hex: string | undefined,
  dec: string | undefined,
  name: string | undefined,
): string {
  if (name !== undefined) return PREDEFINED[name] ?? ref;
  const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
  const legal =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return legal ? String.fromCodePoint(code) : ref;
}

export function decodeXmlEntities(s: string): string {
  return s.includes('&') ? s.replace(ENTITY_REF, decodeRef) : s;
}
