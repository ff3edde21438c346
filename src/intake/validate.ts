import { domainToUnicode } from 'node:url';
import { type CompiledCompany, compileCompany, toAsciiHost } from './company.js';
import { formatCount, shorten } from './format.js';
import type { IntakeCompany, RejectionCode, ValidationResult } from './types.js';
import { isSeparatorSpace } from './whitespace.js';

/**
 * Checks one URL against a company's rules (design.md, "Validate before sending"). Parses scheme,
 * authority and path by hand: the string is never rewritten, and WHATWG `URL` is only consulted
 * for hosts that are not plain ASCII names.
 */
export function validateUrl(url: string, company: IntakeCompany): ValidationResult {
  return checkUrl(url, compileCompany(company));
}

export const MAX_URL_LENGTH = 2048;

const OK: ValidationResult = { ok: true };

/** Path roots Dynamic Media serves from; `<root>` follows each. */
export const DM_PATH_PREFIXES = [
  '/is/image/',
  '/is/content/',
  '/is/static/',
  '/is/agm/',
  '/ir/render/',
  '/e2/',
];

/**
 * Index of the first character a URL cannot carry: whitespace, controls, invisible formatting
 * characters (zero-width, bidi overrides, soft hyphen, tags), characters XML cannot carry (a lone
 * surrogate, U+FFFE, U+FFFF; they would fail the whole IPS call), the U+FFFD a decoder leaves for
 * bytes that were not UTF-8, and `<` `>` `"` `\\` and backtick (WHATWG would encode or reinterpret
 * them), else -1.
 */
export function findBadChar(url: string): number {
  // The regex finds the first character outside printable ASCII (or a forbidden one) natively;
  // only then does the loop decide whether a non-ASCII character is acceptable.
  const first = url.search(SUSPECT);
  if (first < 0) return -1;
  for (let i = first; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      if (c === 0x3c || c === 0x3e || c === 0x22 || c === 0x5c || c === 0x60) return i;
      continue;
    }
    if (c <= 0x9f) return i;
    if (isSeparatorSpace(c) || c >= 0xfffd) return i;
    if (c >= 0xd800 && c <= 0xdfff) {
      const low = url.charCodeAt(i + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) return i;
      if (isInvisible(url.codePointAt(i) ?? 0)) return i;
      i++;
      continue;
    }
    if (isInvisible(c)) return i;
  }
  return -1;
}

const FORMAT_CHAR = /^\p{Cf}$/u;

/** Unicode format characters: rendered as nothing, so the URL sent is not the one the user sees. */
function isInvisible(codePoint: number): boolean {
  return FORMAT_CHAR.test(String.fromCodePoint(codePoint));
}

const SUSPECT = /[^!-~]|[<>"\\`]/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const PLAIN_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

function fail(code: RejectionCode, reason: string): ValidationResult {
  return { ok: false, code, reason };
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeBadChar(char: string, at: number): string {
  const where = `at character ${formatCount(at + 1)}`;
  if (char === ' ') return `URL contains a space ${where}; a URL cannot contain spaces`;
  if (/\s/.test(char)) return `URL contains whitespace (${codePoint(char)}) ${where}; remove it`;
  const c = char.charCodeAt(0);
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
    return `URL contains a control character (${codePoint(char)}) ${where}; remove it`;
  }
  if (c === 0xfffd) {
    // What a decoder leaves for bytes that were not UTF-8: the real character is lost.
    return `URL contains an unreadable character (U+FFFD) ${where}; save the list as UTF-8 or retype the URL`;
  }
  if ((c >= 0xd800 && c <= 0xdfff && char.length === 1) || c === 0xfffe || c === 0xffff) {
    return `URL contains a broken character (${codePoint(char)}) ${where}; retype the URL or paste it again`;
  }
  if (isInvisible(char.codePointAt(0) ?? 0)) {
    return `URL contains an invisible character (${codePoint(char)}) ${where}; retype the URL or paste it again`;
  }
  return `URL contains the character ${char} ${where}, which a URL cannot carry unencoded`;
}

export function checkUrl(url: string, co: CompiledCompany): ValidationResult {
  if (url.length <= MAX_URL_LENGTH && co.fastAccept.test(url)) return OK;
  return checkUrlInDetail(url, co);
}

/** Every rule, one at a time, so the first broken one is the reason given. */
export function checkUrlInDetail(url: string, co: CompiledCompany): ValidationResult {
  const n = url.length;
  if (n > MAX_URL_LENGTH) {
    return fail(
      'too-long',
      `URL is ${formatCount(n)} characters; the limit is ${formatCount(MAX_URL_LENGTH)}`,
    );
  }
  const bad = findBadChar(url);
  if (bad >= 0)
    return fail('bad-character', describeBadChar(String.fromCodePoint(url.codePointAt(bad) ?? 0), bad));

  // Fast path for the usual lower-case schemes; anything else goes through the general checks.
  let colon: number;
  if (url.startsWith('https://')) colon = 5;
  else if (url.startsWith('http://')) colon = 4;
  else {
    colon = url.indexOf(':');
    const problem = checkScheme(url, colon);
    if (problem !== undefined) return problem;
  }
  const hostStart = colon + 3;
  let pathStart = hostStart;
  while (pathStart < n) {
    const c = url.charCodeAt(pathStart);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    pathStart++;
  }
  const authority = url.slice(hostStart, pathStart);
  // Fast path: the host exactly as configured (config hosts are lower-case ASCII names).
  if (!co.exactHost(authority)) {
    const problem = checkAuthority(url, authority, co);
    if (problem !== undefined) return problem;
  }

  const hash = url.indexOf('#', pathStart);
  if (hash >= 0) {
    return fail(
      'fragment',
      `URL has a fragment (${shorten(url.slice(hash), 30)}), which is never sent to the CDN; remove it`,
    );
  }
  const query = url.indexOf('?', pathStart);
  const pathEnd = query < 0 ? n : query;
  // Fast path: `<prefix><root>/<asset>` with the root written exactly, no dot segments.
  const prefix = dmPrefixAt(url, pathStart);
  if (prefix !== undefined) {
    const rootStart = pathStart + prefix.length;
    const rootEnd = rootStart + co.rootId.length;
    if (
      rootEnd + 1 < pathEnd &&
      url.charCodeAt(rootEnd) === 0x2f &&
      url.startsWith(co.rootId, rootStart) &&
      !mayHaveDotSegment(url, rootEnd, pathEnd)
    ) {
      return OK;
    }
  }
  return checkPath(url.slice(pathStart, pathEnd), co);
}

function checkAuthority(url: string, authority: string, co: CompiledCompany): ValidationResult | undefined {
  if (authority.includes('@')) {
    return fail(
      'userinfo',
      'URL contains a user name or password (before @); remove it, delivery URLs have none',
    );
  }
  let host = authority;
  const portColon = authority.lastIndexOf(':');
  if (portColon >= 0 && portColon > authority.lastIndexOf(']')) {
    const port = authority.slice(portColon + 1);
    return fail(
      'port',
      `URL has an explicit port (:${shorten(port, 10)}); delivery URLs use the default port, remove it`,
    );
  }
  if (host === '') return fail('malformed', 'URL has no host');
  if (host.includes('%')) {
    // WHATWG would decode it, but IPS receives the literal text and could fail the whole call.
    return fail('malformed', `host ${shorten(host, 60)} is percent-encoded; write the host name plainly`);
  }
  let asciiHost = host.toLowerCase();
  if (!PLAIN_HOST.test(asciiHost)) {
    const whatwg = whatwgHostname(url);
    if (whatwg === undefined || whatwg === '') {
      return fail('malformed', `host ${shorten(host, 60)} is not a valid host name`);
    }
    const canonical = domainToUnicode(whatwg);
    if (/[\u0080-\uffff]/.test(host) && canonical !== host.toLowerCase()) {
      // Full-width letters, an ideographic full stop…: a browser maps them to another name, but IPS
      // receives these characters, so the URL sent would not be the one the CDN caches.
      return fail(
        'host',
        `host ${shorten(host, 60)} uses look-alike or decomposed characters (it stands for ${canonical || whatwg}); type the host name plainly`,
      );
    }
    asciiHost = whatwg;
    if (whatwg !== host.toLowerCase()) host = `${host} (${whatwg})`;
  }
  if (!co.hostAllowed(asciiHost)) {
    return fail(
      'host',
      `host ${shorten(host, 100)} is not a delivery host of ${co.name} (allowed: ${co.allowedText})`,
    );
  }
  return undefined;
}

function checkScheme(url: string, colon: number): ValidationResult | undefined {
  if (colon < 1 || !SCHEME.test(url.slice(0, colon))) {
    return fail('malformed', 'not a URL: it must start with https:// or http://');
  }
  const scheme = url.slice(0, colon).toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    return fail('scheme', `only http and https URLs can be purged (this one is ${shorten(scheme, 20)}:)`);
  }
  if (url.charCodeAt(colon + 1) !== 0x2f || url.charCodeAt(colon + 2) !== 0x2f) {
    return fail('malformed', `URL must start with ${scheme}:// (two slashes after the colon)`);
  }
  return undefined;
}

function whatwgHostname(url: string): string | undefined {
  try {
    return toAsciiHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

function acceptedShapes(co: CompiledCompany): string {
  return DM_PATH_PREFIXES.map((p) => `${p}${co.rootId}/…`).join(', ');
}

function dmPrefixAt(url: string, at: number): string | undefined {
  for (const p of DM_PATH_PREFIXES) if (url.startsWith(p, at)) return p;
  return undefined;
}

/** Cheap pre-check: a dot segment needs a `/.` or a `/%` somewhere in the path. */
function mayHaveDotSegment(url: string, from: number, to: number): boolean {
  for (let i = from; i < to - 1; i++) {
    if (url.charCodeAt(i) === 0x2f) {
      const next = url.charCodeAt(i + 1);
      if (next === 0x2e || next === 0x25) return true;
    }
  }
  return false;
}

function checkPath(path: string, co: CompiledCompany): ValidationResult {
  const prefix = dmPrefixAt(path, 0);
  if (prefix === undefined) {
    const what =
      path === '' || path === '/' ? 'URL has no path' : `path ${shorten(path)} is not a Dynamic Media path`;
    return fail('path', `${what}; accepted: ${acceptedShapes(co)}`);
  }
  if (hasDotSegment(path)) {
    return fail('dot-segment', 'path contains a "." or ".." segment; write the asset path without them');
  }
  const rootEnd = path.indexOf('/', prefix.length);
  const root = rootEnd < 0 ? path.slice(prefix.length) : path.slice(prefix.length, rootEnd);
  if (root !== co.rootId) {
    if (root === '')
      return fail('path', `path ${shorten(path)} has no root ID; accepted: ${acceptedShapes(co)}`);
    const lower = root.toLowerCase();
    if (lower === co.rootLower) return fail('root-case', `root ID ${root} must be written ${co.rootId}`);
    if (root.includes('%')) {
      const decoded = safeDecode(root);
      if (decoded !== undefined && decoded.toLowerCase() === co.rootLower) {
        return fail(
          'root-encoded',
          `root ID ${shorten(root, 60)} is percent-encoded; write it as ${co.rootId} (IPS compares the literal text)`,
        );
      }
    }
    return fail('root-other', `${prefix}${shorten(root, 60)}/… belongs to another company, not ${co.name}`);
  }
  if (rootEnd < 0 || rootEnd === path.length - 1) {
    return fail('no-asset', `URL names no asset after ${prefix}${co.rootId}/`);
  }
  return OK;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

// WHATWG resolves `.`/`..` (also as %2e) so the CDN would see another path than the one sent.
function hasDotSegment(path: string): boolean {
  if (!path.includes('.') && !path.includes('%')) return false;
  let start = 0;
  while (start <= path.length) {
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    const len = end - start;
    if (len >= 1 && len <= 6) {
      const seg = path.slice(start, end).toLowerCase();
      if (
        seg === '.' ||
        seg === '..' ||
        seg === '%2e' ||
        seg === '.%2e' ||
        seg === '%2e.' ||
        seg === '%2e%2e'
      ) {
        return true;
      }
    }
    start = end + 1;
  }
  return false;
}
