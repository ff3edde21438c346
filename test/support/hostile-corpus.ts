/**
 * Hostile input shared by the hostile-input end-to-end test and the intake-to-envelope property:
 * fragments that attack the SOAP envelope, the tokenizer or the validator, and named cases with the
 * key words their rejection must carry. Everything is built for the JJEsquire fixture company
 * (root `JJEsquire`, hosts `s7d7.scene7.com` and `images.jjesquire.com`).
 */

export const JJ_ROOT = 'JJEsquire';
export const JJ_IMAGE = 'https://s7d7.scene7.com/is/image/JJEsquire';

/**
 * Pieces to splice into an otherwise valid URL. None of them may survive into a URL sent to IPS,
 * and none may cut the URL into shorter ones that would be sent instead.
 */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  // XML and SOAP structure, raw and as Slack/HTML entities.
  '</items>',
  '<items>',
  '</urlArray><urlArray><items>https://s7d7.scene7.com/is/image/OtherCo/x',
  ']]>',
  '<![CDATA[',
  '<!ENTITY e SYSTEM "file:///etc/passwd">',
  '<!DOCTYPE x>',
  '&e;',
  '&lt;',
  '&gt;',
  '&lt;/items&gt;',
  '&amp;lt;',
  '&#60;',
  '<',
  '>',
  '"',
  '`',
  '\\',
  // Controls and invisible or XML-illegal characters.
  '\u0000',
  '\u0007',
  '\u001b',
  '\u001a',
  '\u007f',
  '\u0090',
  '\u202e',
  '\u200f',
  '\u2066',
  '\u00ad',
  '\u200b',
  '\u{e0041}',
  '\ud800',
  '\udfff',
  '\ufffd',
  '\ufffe',
  '\uffff',
  // Path and authority tricks.
  '/../',
  '/./',
  '/%2e%2e/',
  '/.%2E/',
  '%2F..%2F',
  '#frag',
  '@evil.example',
  ':443',
];

/** Hosts that must not pass for a JJEsquire delivery host. */
export const HOSTILE_HOSTS: readonly string[] = [
  'evil.example',
  's7d9.scene7.com',
  's7d7.scene7.com.evil.example',
  's7d7.scene7.com.',
  'ѕ7d7.scene7.com', // Cyrillic ѕ
  'xn--7d7-ehd.scene7.com',
  'ｓ７ｄ７.scene7.com', // full-width
  's7d7。scene7。com', // ideographic full stops
  's7d7%2Escene7.com',
  'a@s7d7.scene7.com',
  's7d7.scene7.com:443',
  's7d7.scene7.com:8080',
  '127.0.0.1',
  '[::1]',
];

export interface HostileTextCase {
  name: string;
  /** What the user puts in the modal's URL box (raw: Slack does not escape plain_text_input values). */
  text: string;
  /** Key words of the reason shown to the user, never whole sentences. */
  reason: RegExp[];
}

const A = `${JJ_IMAGE}/a`;

/** One line each: every one must be refused inline on the urls block, sending nothing. */
export const HOSTILE_TEXT_CASES: readonly HostileTextCase[] = [
  {
    name: 'closing </items> and a second item',
    text: `${A}</items><items>https://s7d7.scene7.com/is/image/OtherCo/x`,
    reason: [/character </],
  },
  { name: 'a glued <tag> after a URL', text: `${A}<items>`, reason: [/character </] },
  // `&lt;/items&gt;` typed into the box is text, not markup (the box is raw): see hostile-input.e2e.
  { name: 'CDATA end ]]>', text: `${A}]]>b`, reason: [/character >/] },
  {
    name: 'a DOCTYPE with an external ENTITY',
    text: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n${JJ_IMAGE}/&e;x`,
    reason: [/Line 1/, /not a URL or asset ID/],
  },
  { name: 'NUL inside a URL', text: `${A}\u0000b`, reason: [/control character/, /U\+0000/] },
  { name: 'BEL inside a URL', text: `${A}\u0007b`, reason: [/control character/, /U\+0007/] },
  { name: 'BEL at the end of a URL', text: `${A}\u0007`, reason: [/control character/, /U\+0007/] },
  { name: 'DEL inside a URL', text: `${A}\u007fb`, reason: [/control character/, /U\+007F/] },
  // U+2028 is a line break like \n: here it splits the host, so neither half is a URL of the company.
  {
    name: 'U+2028 inside the host',
    text: 'https://s7d7.scene\u20287.com/is/image/JJEsquire/a',
    reason: [/not a delivery host/, /no scheme/],
  },
  { name: 'RTL override in the asset name', text: `${A}\u202egpj.exe`, reason: [/invisible/, /U\+202E/] },
  { name: 'right-to-left mark', text: `${A}\u200fb`, reason: [/invisible/, /U\+200F/] },
  { name: 'soft hyphen', text: `${A}\u00adb`, reason: [/invisible/, /U\+00AD/] },
  { name: 'a Unicode tag character', text: `${A}\u{e0041}b`, reason: [/invisible/, /U\+E0041/] },
  { name: 'a lone surrogate', text: `${A}\ud800b`, reason: [/broken character/, /U\+D800/] },
  { name: 'U+FFFF', text: `${A}\uffffb`, reason: [/broken character/, /U\+FFFF/] },
  {
    name: 'Cyrillic look-alike host',
    text: 'https://ѕ7d7.scene7.com/is/image/JJEsquire/a',
    reason: [/not a delivery host/, /xn--/],
  },
  {
    name: 'punycode host',
    text: 'https://xn--7d7-ehd.scene7.com/is/image/JJEsquire/a',
    reason: [/not a delivery host/],
  },
  {
    name: 'full-width host',
    text: 'https://ｓ７ｄ７.scene7.com/is/image/JJEsquire/a',
    reason: [/look-alike/, /s7d7\.scene7\.com/],
  },
  {
    name: 'ideographic full stops in the host',
    text: 'https://s7d7。scene7。com/is/image/JJEsquire/a',
    reason: [/look-alike/],
  },
  {
    name: 'trailing dot in the host',
    text: 'https://s7d7.scene7.com./is/image/JJEsquire/a',
    reason: [/not a delivery host/],
  },
  {
    name: 'percent-encoded host',
    text: 'https://s7d7%2Escene7.com/is/image/JJEsquire/a',
    reason: [/percent-encoded/],
  },
  {
    name: 'javascript: URL',
    text: `javascript:alert(document.cookie)//${A}`,
    reason: [/only http and https/, /javascript/],
  },
  {
    name: 'data: URL',
    text: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    reason: [/only http and https/, /data/],
  },
  { name: 'file: URL', text: 'file:///etc/passwd', reason: [/only http and https/] },
  { name: 'bare userinfo https://a@b', text: 'https://a@b', reason: [/user name or password/] },
  {
    name: 'userinfo before the real host',
    text: 'https://user:pw@s7d7.scene7.com/is/image/JJEsquire/a',
    reason: [/user name or password/],
  },
  {
    name: 'delivery host as userinfo of another host',
    text: 'https://s7d7.scene7.com@evil.example/is/image/JJEsquire/a',
    reason: [/user name or password/],
  },
  {
    name: 'explicit port',
    text: 'https://s7d7.scene7.com:443/is/image/JJEsquire/a',
    reason: [/port/, /:443/],
  },
  { name: 'empty port', text: 'https://s7d7.scene7.com:/is/image/JJEsquire/a', reason: [/port/] },
  { name: '.. into another company', text: `${JJ_IMAGE}/../OtherCo/a`, reason: [/"\.\." segment/] },
  {
    name: 'percent-encoded .. segments',
    text: `${JJ_IMAGE}/x/%2e%2E/%2E%2e/OtherCo/a`,
    reason: [/"\.\." segment/],
  },
  { name: 'mixed .%2E segment', text: `${JJ_IMAGE}/x/.%2E/y`, reason: [/"\.\." segment/] },
  {
    name: 'another company with .. back',
    text: 'https://s7d7.scene7.com/is/image/OtherCo/../JJEsquire/a',
    reason: [/"\.\." segment/],
  },
  {
    name: 'percent-encoded root ID',
    text: 'https://s7d7.scene7.com/is/image/JJ%45squire/a',
    reason: [/percent-encoded/, /JJEsquire/],
  },
  {
    name: 'fully percent-encoded root ID',
    text: 'https://s7d7.scene7.com/is/image/%4A%4A%45squire/a',
    reason: [/percent-encoded/],
  },
  {
    name: 'root ID in the wrong case',
    text: 'https://s7d7.scene7.com/is/image/jjesquire/a',
    reason: [/must be written JJEsquire/],
  },
  {
    name: "another company's root",
    text: 'https://s7d7.scene7.com/is/image/OtherCo/a',
    reason: [/another company/],
  },
  {
    name: 'backslash host confusion',
    text: 'https://s7d7.scene7.com\\@evil.example/is/image/JJEsquire/a',
    reason: [/character \\/],
  },
  { name: 'attribute-breaking quote', text: `${A}"onmouseover="alert(1)`, reason: [/character "/] },
  { name: 'fragment', text: `${A}#x`, reason: [/fragment/] },
  { name: 'a URL longer than 2048 characters', text: `${A}${'x'.repeat(2100)}`, reason: [/limit is 2,048/] },
  { name: 'a glued < between asset IDs', text: '1100<8047', reason: [/not a URL or asset ID/] },
];

/** `count` distinct valid JJEsquire URLs, each unique to `tag`. */
export function validUrls(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => `${JJ_IMAGE}/${tag}-${i}?$product$&wid=${100 + (i % 7)}`);
}

/** Text of at least `bytes` UTF-8 bytes made of whole lines of valid URLs. */
export function textOfSize(bytes: number, tag: string): string {
  const line = `${JJ_IMAGE}/${tag}?$product$\n`;
  return line.repeat(Math.ceil(bytes / line.length));
}

/** Bytes no UTF-8 decoder reads as text, without a NUL (so only the decoding check catches them). */
export function invalidUtf8(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = i % 2 === 0 ? 0xff : 0xc3 + (i % 7);
  return out;
}

/** The first bytes of a PNG: NULs in the header make it binary. */
export const PNG_HEADER = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

/** A Block Kit array nested `depth` levels deep (a hostile payload that must not blow the stack). */
export function nestedBlocks(depth: number, leaf: unknown): unknown[] {
  let node: unknown = leaf;
  for (let i = 0; i < depth; i++) node = { type: 'rich_text_section', elements: [node] };
  return [{ type: 'rich_text', elements: [node] }];
}
