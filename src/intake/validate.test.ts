import { describe, expect, it } from 'vitest';
import { compileCompany } from './company.js';
import type { IntakeCompany } from './types.js';
import { checkUrlInDetail, findBadChar, validateUrl } from './validate.js';

const jj: IntakeCompany = {
  name: 'JJEsquire',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com'],
  templates: [],
};
const wild: IntakeCompany = { ...jj, hosts: ['*.scene7.com'] };
const S7 = 'https://s7d7.scene7.com';

describe('validateUrl accepts Dynamic Media URLs of the company', () => {
  it.each([
    `${S7}/is/image/JJEsquire/11008047`,
    `${S7}/is/image/JJEsquire/11008047?$thumbnail$`,
    `${S7}/is/image/JJEsquire/ID-1?$thumb$&wid=200&crop=0,0,100,100`,
    'http://images.jjesquire.com/is/content/JJEsquire/video.m3u8',
    `${S7}/is/static/JJEsquire/doc.pdf`,
    `${S7}/is/agm/JJEsquire/template?setAttr.name={text=hi}`,
    `${S7}/ir/render/JJEsquire/vignette?obj=wall`,
    `${S7}/e2/JJEsquire/folder/file.mp4`,
    `${S7}/is/image/JJEsquire/a(1)`,
    `${S7}/is/image/JJEsquire/.hidden`,
    `${S7}/is/image/JJEsquire/a%20b`,
    'HTTPS://s7d7.scene7.com/is/image/JJEsquire/upper-scheme',
    'https://S7D7.Scene7.com/is/image/JJEsquire/upper-host',
    `${S7}/is/image/JJEsquire/${'a'.repeat(2048 - `${S7}/is/image/JJEsquire/`.length)}`,
  ])('%s', (url) => {
    expect(validateUrl(url, jj)).toEqual({ ok: true });
    expect(checkUrlInDetail(url, compileCompany(jj))).toEqual({ ok: true });
  });

  it('matches wildcard hosts on one or more labels, never the bare domain', () => {
    expect(validateUrl('https://s7d9.scene7.com/is/image/JJEsquire/a', wild).ok).toBe(true);
    expect(validateUrl('https://a.b.scene7.com/is/image/JJEsquire/a', wild).ok).toBe(true);
    expect(validateUrl('https://scene7.com/is/image/JJEsquire/a', wild).ok).toBe(false);
    expect(validateUrl('https://evilscene7.com/is/image/JJEsquire/a', wild).ok).toBe(false);
    expect(validateUrl('https://.scene7.com/is/image/JJEsquire/a', wild).ok).toBe(false);
  });

  it('compares IDN hosts in punycode both ways and keeps the string as given', () => {
    const idn: IntakeCompany = { ...jj, hosts: ['bücher.example'] };
    expect(validateUrl('https://bücher.example/is/image/JJEsquire/a', idn).ok).toBe(true);
    expect(validateUrl('https://xn--bcher-kva.example/is/image/JJEsquire/a', idn).ok).toBe(true);
    const puny: IntakeCompany = { ...jj, hosts: ['xn--bcher-kva.example'] };
    expect(validateUrl('https://BÜCHER.example/is/image/JJEsquire/a', puny).ok).toBe(true);
  });

  it('refuses hosts spelt with characters a browser would map to another name', () => {
    const idn: IntakeCompany = { ...jj, hosts: ['bücher.example', '*.scene7.com'] };
    for (const host of ['ｓ７ｄ７.scene7.com', 's7d7。scene7。com', 'bu\u0308cher.example']) {
      expect(validateUrl(`https://${host}/is/image/JJEsquire/a`, idn)).toMatchObject({
        ok: false,
        code: 'host',
      });
    }
  });
});

describe('validateUrl rejects with a reason naming what is wrong', () => {
  const longUrl = `${S7}/is/image/JJEsquire/${'a'.repeat(2100 - `${S7}/is/image/JJEsquire/`.length)}`;
  it.each([
    [longUrl, 'too-long', 'URL is 2,100 characters; the limit is 2,048'],
    [
      `${S7}/is/image/JJEsquire/a b`,
      'bad-character',
      'URL contains a space at character 45; a URL cannot contain spaces',
    ],
    [
      `${S7}/is/image/JJEsquire/a\tb`,
      'bad-character',
      'URL contains whitespace (U+0009) at character 45; remove it',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u00a0b`,
      'bad-character',
      'URL contains whitespace (U+00A0) at character 45; remove it',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u200bb`,
      'bad-character',
      'URL contains an invisible character (U+200B) at character 45; retype the URL or paste it again',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u0007`,
      'bad-character',
      'URL contains a control character (U+0007) at character 45; remove it',
    ],
    [
      `${S7}/is/image/JJEsquire/a<b`,
      'bad-character',
      'URL contains the character < at character 45, which a URL cannot carry unencoded',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u202egpj.exe`,
      'bad-character',
      'URL contains an invisible character (U+202E) at character 45; retype the URL or paste it again',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u00adb`,
      'bad-character',
      'URL contains an invisible character (U+00AD) at character 45; retype the URL or paste it again',
    ],
    [
      `${S7}/is/image/JJEsquire/a\u{e0041}b`,
      'bad-character',
      'URL contains an invisible character (U+E0041) at character 45; retype the URL or paste it again',
    ],
    [
      `${S7}/is/image/JJEsquire/a\ud800b`,
      'bad-character',
      'URL contains a broken character (U+D800) at character 45; retype the URL or paste it again',
    ],
    [
      `${S7}/is/image/JJEsquire/caf\ufffd.jpg`,
      'bad-character',
      'URL contains an unreadable character (U+FFFD) at character 47; save the list as UTF-8 or retype the URL',
    ],
    [
      `${S7}/is/image/JJEsquire/a\uffff`,
      'bad-character',
      'URL contains a broken character (U+FFFF) at character 45; retype the URL or paste it again',
    ],
    [
      'https://ｓ７ｄ７.scene7.com/is/image/JJEsquire/a',
      'host',
      'host ｓ７ｄ７.scene7.com uses look-alike or decomposed characters (it stands for s7d7.scene7.com); type the host name plainly',
    ],
    [
      `${S7}\\is\\image\\JJEsquire\\a`,
      'bad-character',
      'URL contains the character \\ at character 24, which a URL cannot carry unencoded',
    ],
    [
      'ftp://s7d7.scene7.com/is/image/JJEsquire/a',
      'scheme',
      'only http and https URLs can be purged (this one is ftp:)',
    ],
    ['mailto:web@jjesquire.com', 'scheme', 'only http and https URLs can be purged (this one is mailto:)'],
    ['11008047', 'malformed', 'not a URL: it must start with https:// or http://'],
    [
      'https:/s7d7.scene7.com/is/image/JJEsquire/a',
      'malformed',
      'URL must start with https:// (two slashes after the colon)',
    ],
    ['https:///is/image/JJEsquire/a', 'malformed', 'URL has no host'],
    [
      'https://user:pw@s7d7.scene7.com/is/image/JJEsquire/a',
      'userinfo',
      'URL contains a user name or password (before @); remove it, delivery URLs have none',
    ],
    [
      'https://s7d7.scene7.com:443/is/image/JJEsquire/a',
      'port',
      'URL has an explicit port (:443); delivery URLs use the default port, remove it',
    ],
    [
      'https://example.com/is/image/JJEsquire/a',
      'host',
      'host example.com is not a delivery host of JJEsquire (allowed: s7d7.scene7.com, images.jjesquire.com)',
    ],
    [
      'https://s7d7.scene7.com./is/image/JJEsquire/a',
      'host',
      'host s7d7.scene7.com. is not a delivery host of JJEsquire (allowed: s7d7.scene7.com, images.jjesquire.com)',
    ],
    [
      'https://bücher.example/is/image/JJEsquire/a',
      'host',
      'host bücher.example (xn--bcher-kva.example) is not a delivery host of JJEsquire (allowed: s7d7.scene7.com, images.jjesquire.com)',
    ],
    [
      'https://s7d7.scene7%2Ecom/is/image/JJEsquire/a',
      'malformed',
      'host s7d7.scene7%2Ecom is percent-encoded; write the host name plainly',
    ],
    ['https://[::1]/is/image/JJEsquire/a', 'host', 'host [::1] is not a delivery host of JJEsquire'],
    [
      `${S7}/is/image/JJEsquire/a?$p$#top`,
      'fragment',
      'URL has a fragment (#top), which is never sent to the CDN; remove it',
    ],
    [
      `${S7}/foo/bar.jpg`,
      'path',
      'path /foo/bar.jpg is not a Dynamic Media path; accepted: /is/image/JJEsquire/…, /is/content/JJEsquire/…, ' +
        '/is/static/JJEsquire/…, /is/agm/JJEsquire/…, /ir/render/JJEsquire/…, /e2/JJEsquire/…',
    ],
    [`${S7}`, 'path', 'URL has no path; accepted: /is/image/JJEsquire/…'],
    [`${S7}/?x=1`, 'path', 'URL has no path; accepted: /is/image/JJEsquire/…'],
    [`${S7}/IS/IMAGE/JJEsquire/a`, 'path', 'path /IS/IMAGE/JJEsquire/a is not a Dynamic Media path'],
    [`${S7}/is/image//a`, 'path', 'path /is/image//a has no root ID'],
    [`${S7}/is/image/jjesquire/a`, 'root-case', 'root ID jjesquire must be written JJEsquire'],
    [`${S7}/e2/JJESQUIRE/a`, 'root-case', 'root ID JJESQUIRE must be written JJEsquire'],
    [
      `${S7}/is/image/JJ%45squire/a`,
      'root-encoded',
      'root ID JJ%45squire is percent-encoded; write it as JJEsquire (IPS compares the literal text)',
    ],
    [
      `${S7}/is/image/OtherCo/a`,
      'root-other',
      '/is/image/OtherCo/… belongs to another company, not JJEsquire',
    ],
    [
      `${S7}/is/content/Other%41/a`,
      'root-other',
      '/is/content/Other%41/… belongs to another company, not JJEsquire',
    ],
    [`${S7}/is/image/JJEsquire`, 'no-asset', 'URL names no asset after /is/image/JJEsquire/'],
    [`${S7}/is/image/JJEsquire/`, 'no-asset', 'URL names no asset after /is/image/JJEsquire/'],
    [`${S7}/is/image/JJEsquire/?$thumb$`, 'no-asset', 'URL names no asset after /is/image/JJEsquire/'],
    [`${S7}/is/image/JJEsquire/a/../b`, 'dot-segment', 'path contains a "." or ".." segment'],
    [`${S7}/is/image/JJEsquire/./b`, 'dot-segment', 'path contains a "." or ".." segment'],
    [`${S7}/is/image/JJEsquire/%2E%2e/b`, 'dot-segment', 'path contains a "." or ".." segment'],
    [`${S7}/is/image/JJEsquire/a/..`, 'dot-segment', 'path contains a "." or ".." segment'],
    [`${S7}/is/image/../JJEsquire/a`, 'dot-segment', 'path contains a "." or ".." segment'],
  ])('%s → %s', (url, code, reason) => {
    const result = validateUrl(url, jj);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.reason.startsWith(reason)).toBe(true);
  });

  it('lists wildcard entries as configured', () => {
    const result = validateUrl('https://example.com/is/image/JJEsquire/a', wild);
    expect(result).toEqual({
      ok: false,
      code: 'host',
      reason: 'host example.com is not a delivery host of JJEsquire (allowed: *.scene7.com)',
    });
  });

  it('accepts nothing for a company without hosts', () => {
    const none: IntakeCompany = { ...jj, hosts: [] };
    const result = validateUrl(`${S7}/is/image/JJEsquire/a`, none);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('(allowed: none configured)');
  });

  it('sees a changed host list of the same company object', () => {
    const company = { ...jj, hosts: ['a.example'] };
    expect(validateUrl('https://a.example/is/image/JJEsquire/x', company).ok).toBe(true);
    company.hosts = ['b.example'];
    expect(validateUrl('https://a.example/is/image/JJEsquire/x', company).ok).toBe(false);
  });

  it('escapes a root ID with regex characters instead of matching it loosely', () => {
    const dotted: IntakeCompany = { ...jj, rootId: 'JJ.Co' };
    expect(validateUrl(`${S7}/is/image/JJ.Co/a`, dotted).ok).toBe(true);
    expect(validateUrl(`${S7}/is/image/JJxCo/a`, dotted).ok).toBe(false);
  });
});

describe('findBadChar', () => {
  it.each([
    ['https://a/b', -1],
    ['https://a/é', -1],
    ['https://a/ b', 10],
    ['https://a/é\u2028', 11],
    ['https://a/"', 10],
    ['https://a/`', 10],
    ['https://a/\u0085', 10],
    ['https://a/é\u{1F600}', -1],
    ['https://a/\u{1F600}\u202e', 12],
    ['https://a/\udc00', 10],
    ['https://a/\ud83d', 10],
    ['https://a/\u2066', 10],
  ])('%j → %d', (url, at) => {
    expect(findBadChar(url)).toBe(at);
  });
});
