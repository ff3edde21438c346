/**
 * Character-level XML rules the simulator enforces as strictly as a Java XML parser would, so that a
 * client escaping bug shows up as a fault here rather than in production.
 */

/** A request the simulator cannot read as XML; answered with ipsApiFault 30003. */
export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; finding them is the point
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Throws when the document holds a character XML 1.0 does not allow anywhere. */
export function assertXmlChars(doc: string): void {
  const m = ILLEGAL_CHAR.exec(doc);
  if (m) {
    const cp = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new XmlSyntaxError(`character U+${cp} is not allowed in XML (offset ${m.index})`);
  }
}

/** XML 1.0 section 2.11: a parser sees every CR or CRLF as LF (only `&#13;` keeps a CR). */
export function normalizeLineEnds(doc: string): string {
  return doc.includes('\r') ? doc.replace(/\r\n?/g, '\n') : doc;
}

function decodeReference(name: string): string {
  const named = NAMED[name];
  if (named !== undefined) return named;
  let cp = Number.NaN;
  if (/^#[0-9]+$/.test(name)) cp = Number.parseInt(name.slice(1), 10);
  else if (/^#x[0-9a-fA-F]+$/.test(name)) cp = Number.parseInt(name.slice(2), 16);
  else throw new XmlSyntaxError(`undefined entity '&${name};'`);
  if (!isXmlChar(cp)) throw new XmlSyntaxError(`character reference '&${name};' is not an XML character`);
  return String.fromCodePoint(cp);
}

/**
 * Decodes the character data between tags (not CDATA). Refuses a bare `&`, unknown entities and `]]>`
 * (which XML forbids in character data).
 */
export function decodeText(raw: string): string {
  if (raw.includes(']]>')) throw new XmlSyntaxError("']]>' is not allowed in character data");
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp);
    if (semi < 0 || semi - amp > 12) throw new XmlSyntaxError("bare '&' in character data");
    out += raw.slice(last, amp) + decodeReference(raw.slice(amp + 1, semi));
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

/** fast-xml-parser's entity hook, with the same strict rules as `decodeText` (numeric references included). */
export const strictEntityDecoder = {
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new XmlSyntaxError('DOCTYPE entities are not allowed in a SOAP message');
  },
  reset(): void {},
  setXmlVersion(): void {},
  decode(text: string): string {
    return text.indexOf('&') < 0 ? text : decodeText(text);
  },
};

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

/**
 * Escapes character data for responses (reasons echo URLs, which may hold `&` and `<`). CR goes out as
 * `&#13;`, as Java XML writers do, since a raw CR would reach the client as LF.
 */
export function escapeText(s: string): string {
  return /[&<>\r]/.test(s) ? s.replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c) : s;
}
