import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpsRequestError } from './errors.js';
import { decodeXmlEntities, escapeXml, xmlTextElements } from './xml.js';

/** Characters XML 1.0 cannot carry, as code units (lone surrogates are checked separately). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: test oracle for illegal characters
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('escapeXml', () => {
  it('returns plain text unchanged (same string)', () => {
    const s = 'https://s7d7.scene7.com/is/image/JJEsquire/polo?$thumbnail$';
    expect(escapeXml(s)).toBe(s);
    expect(escapeXml('')).toBe('');
  });

  it('escapes the five markup characters, ampersand first', () => {
    expect(escapeXml('a&b')).toBe('a&amp;b');
    expect(escapeXml('&lt;')).toBe('&amp;lt;');
    expect(escapeXml('<x>')).toBe('&lt;x&gt;');
    expect(escapeXml(`"q" 'a'`)).toBe('&quot;q&quot; &apos;a&apos;');
    expect(escapeXml('x]]>y')).toBe('x]]&gt;y');
    expect(escapeXml('?$p$&wid=200&hei=100')).toBe('?$p$&amp;wid=200&amp;hei=100');
  });

  it('keeps non-ASCII and astral characters as they are', () => {
    expect(escapeXml('Grüße/ü')).toBe('Grüße/ü');
    expect(escapeXml('shoe-😀-👍🏽')).toBe('shoe-😀-👍🏽');
    expect(escapeXml('\u0085\u007f\uFFFD')).toBe('\u0085\u007f\uFFFD');
  });

  it('keeps tab and LF, and writes CR as a reference so parsers do not turn it into LF', () => {
    expect(escapeXml('a\tb\nc')).toBe('a\tb\nc');
    expect(escapeXml('a\r\nb')).toBe('a&#13;\nb');
  });

  it('writes edge whitespace as references so trimming readers keep it', () => {
    expect(escapeXml(' a ')).toBe('&#32;a&#32;');
    expect(escapeXml('\ta\n')).toBe('&#9;a&#10;');
    expect(escapeXml(' ')).toBe('&#32;');
    expect(escapeXml('\u00a0x\u3000')).toBe('&#160;x&#12288;');
    expect(escapeXml('\r')).toBe('&#13;');
  });

  it.each([
    ['\u0000', 'U+0000', 1],
    ['ab\u0001', 'U+0001', 3],
    ['x\u000by', 'U+000B', 2],
    ['x\u001f', 'U+001F', 2],
    ['a\uD800b', 'U+D800', 2],
    ['a\uDC00', 'U+DC00', 2],
    ['😀\uDE00', 'U+DE00', 3],
    ['\uFFFE', 'U+FFFE', 1],
    ['ok\uFFFF', 'U+FFFF', 3],
  ])('refuses %j naming %s at character %i', (input, label, position) => {
    const err = thrown(() => escapeXml(input, 'URL', 'cdnCacheInvalidation'));
    expect(err).toBeInstanceOf(IpsRequestError);
    const e = err as IpsRequestError;
    expect(e.code).toBe('IPS_INVALID_REQUEST');
    expect(e.operation).toBe('cdnCacheInvalidation');
    expect(e.message).toContain(`${label} at character ${position}`);
    expect(e.message).toMatch(/^URL /);
  });

  it('never puts the value itself in the error message', () => {
    const secret = 'hunter2-secret\u0001';
    const err = thrown(() => escapeXml(secret, 'password')) as Error;
    expect(err.message).not.toContain('hunter2');
  });
});

describe('xmlTextElements', () => {
  it('wraps each value, escaped', () => {
    expect(xmlTextElements('items', ['a&b', '<c>', 'plain'], 'URL', 'op')).toBe(
      '<items>a&amp;b</items><items>&lt;c&gt;</items><items>plain</items>',
    );
    expect(xmlTextElements('items', [], 'URL', 'op')).toBe('');
    expect(xmlTextElements('items', [''], 'URL', 'op')).toBe('<items></items>');
  });

  it('names the 1-based index of the value with an illegal character', () => {
    const err = thrown(() =>
      xmlTextElements('items', ['ok', 'ok', 'bad\u0002'], 'URL', 'cdnCacheInvalidation'),
    );
    expect(err).toBeInstanceOf(IpsRequestError);
    expect((err as Error).message).toBe(
      'URL 3 of 3: URL contains U+0002 at character 4, which XML cannot carry',
    );
  });

  it('refuses NUL inside a value even though the fast path joins on NUL', () => {
    expect(() => xmlTextElements('items', ['a', 'b\u0000c'], 'URL', 'op')).toThrow(/URL 2 of 2: .*U\+0000/);
  });

  it('refuses a lone surrogate split across two values', () => {
    // Joined, "\uD83D" + "\uDE00" would look like a valid pair.
    expect(() => xmlTextElements('items', ['a\uD83D', '\uDE00b'], 'URL', 'op')).toThrow(
      /URL 1 of 2: .*U\+D83D/,
    );
  });

  it('matches escapeXml value by value, fast path or not (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom(
        '&',
        '<',
        '>',
        '"',
        "'",
        ']]>',
        '\r',
        '\n',
        '\t',
        ' ',
        '\u00a0',
        'ü',
        '😀',
        '\uD800',
        '\u0000',
        '\u0007',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 12 }), { minLength: 1, maxLength: 20 }), (values) => {
        let expected: string | Error;
        try {
          expected = values.map((v) => `<items>${escapeXml(v)}</items>`).join('');
        } catch (err) {
          expected = err as Error;
        }
        if (expected instanceof Error) {
          expect(() => xmlTextElements('items', values, 'value', 'op')).toThrow(IpsRequestError);
          expect(values.some((v) => ILLEGAL.test(v))).toBe(true);
        } else {
          expect(xmlTextElements('items', values, 'value', 'op')).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeXmlEntities', () => {
  it('decodes the predefined entities and character references only', () => {
    expect(decodeXmlEntities('a&amp;b&lt;&gt;&quot;&apos;')).toBe('a&b<>"\'');
    expect(decodeXmlEntities('&#233;&#xE9;&#x1F600;&#13;&#10;')).toBe('éé😀\r\n');
    expect(decodeXmlEntities('&amp;lt;')).toBe('&lt;');
    expect(decodeXmlEntities('&nbsp;&bogus;&#0;&#xD800;&#xFFFE;&#x110000;')).toBe(
      '&nbsp;&bogus;&#0;&#xD800;&#xFFFE;&#x110000;',
    );
    expect(decodeXmlEntities('no refs')).toBe('no refs');
  });
});
