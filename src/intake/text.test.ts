import { describe, expect, it } from 'vitest';
import { IntakeLimitError, MAX_INPUT_BYTES } from './errors.js';
import { candidatesFromFile, candidatesFromText } from './text.js';

const U = 'https://s7d7.scene7.com/is/image/JJEsquire';
const values = (text: string) => candidatesFromText(text).map((c) => c.value);
const valuesAndLines = (text: string) => candidatesFromText(text).map((c) => [c.value, c.line]);
const escapedValues = (text: string) => candidatesFromText(text, { slackEscaped: true }).map((c) => c.value);

describe('candidatesFromText splits tokens', () => {
  it.each([
    ['one per line', `${U}/a\n${U}/b\r\n${U}/c\r${U}/d`, [`${U}/a`, `${U}/b`, `${U}/c`, `${U}/d`]],
    [
      'commas and semicolons between tokens',
      `${U}/a,${U}/b;${U}/c , 11008047;22`,
      [`${U}/a`, `${U}/b`, `${U}/c`, '11008047', '22'],
    ],
    ['tabs and runs of spaces', `${U}/a\t\t${U}/b    11008047`, [`${U}/a`, `${U}/b`, '11008047']],
    ['Unicode spaces', `${U}/a\u00a0${U}/b\u3000c1`, [`${U}/a`, `${U}/b`, 'c1']],
    ['commas inside a query stay', `${U}/a?crop=0,0,100,100&wid=5`, [`${U}/a?crop=0,0,100,100&wid=5`]],
    ['semicolons inside a query stay', `${U}/a?x=1;y=2`, [`${U}/a?x=1;y=2`]],
    ['a comma in a query before another URL separates', `${U}/a?wid=1,${U}/b`, [`${U}/a?wid=1`, `${U}/b`]],
    [
      'a semicolon in a query before Slack markup separates',
      `${U}/a?wid=1;<${U}/b>`,
      [`${U}/a?wid=1`, `${U}/b`],
    ],
    ['a comma in a path separates', `${U}/a.jpg,${U}/b.jpg`, [`${U}/a.jpg`, `${U}/b.jpg`]],
    ['a comma-separated asset ID list', '1,2;3', ['1', '2', '3']],
    ['entities keep their semicolon', `${U}/a?x=1&amp;y=2&lt;b`, [`${U}/a?x=1&amp;y=2&lt;b`]],
    [
      'host/path without scheme keeps query commas',
      's7d7.scene7.com/is/image/X/y?crop=0,0,1,1',
      ['s7d7.scene7.com/is/image/X/y?crop=0,0,1,1'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it('gives 1-based input lines and skips blank and comment lines', () => {
    const text = `# purge list\n\n${U}/a ${U}/b\n   # indented comment ${U}/c\n\n11008047\n#${U}/d`;
    expect(valuesAndLines(text)).toEqual([
      [`${U}/a`, 3],
      [`${U}/b`, 3],
      ['11008047', 6],
    ]);
    expect(candidatesFromText(`${U}/a`)[0]?.source).toBe('text');
  });

  it('keeps control characters inside their token, so the token is refused instead of split', () => {
    expect(values(`${U}/a\u0000b ${U}/c\u0007`)).toEqual([`${U}/a\u0000b`, `${U}/c\u0007`]);
    expect(values(`${U}/a\u007fb`)).toEqual([`${U}/a\u007fb`]);
    // A control character on its own (a DOS end-of-file mark) is not a token.
    expect(values(`${U}/a\n\u001a`)).toEqual([`${U}/a`]);
  });

  it('a < glued to a token is part of it unless it opens a web link', () => {
    expect(values(`${U}/a<items>`)).toEqual([`${U}/a<items`]);
    expect(values(`${U}/a</items><items>${U}/b`)).toEqual([`${U}/a</items><items>${U}/b`]);
    expect(values('1100<8047')).toEqual(['1100<8047']);
    expect(values(`see:<${U}/a|label>`)).toEqual(['see', `${U}/a`]);
  });

  it('keeps a # inside a line', () => {
    expect(values(`${U}/a#top x#y`)).toEqual([`${U}/a#top`, 'x#y']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(candidatesFromText('')).toEqual([]);
    expect(candidatesFromText(' \n\t\r\n ')).toEqual([]);
  });
});

describe('candidatesFromText reads Slack markup', () => {
  it.each([
    ['link with label', `<${U}/a?$t$&wid=200|my label, with commas; and spaces>`, [`${U}/a?$t$&wid=200`]],
    ['link without label', `<${U}/a>`, [`${U}/a`]],
    ['adjacent links', `<${U}/a><${U}/b|b>`, [`${U}/a`, `${U}/b`]],
    ['link target punctuation is kept', `<${U}/a.|label>.`, [`${U}/a.`]],
    ['unclosed < is dropped as punctuation', `<${U}/a`, [`${U}/a`]],
  ])('%s', (_name, text, expected) => {
    expect(values(text)).toEqual(expected);
  });
});

describe('Slack escaping is undone only for text Slack escaped', () => {
  it('takes raw text (modal box, prefill, files) as typed: a literal entity stays', () => {
    // Typed into the modal: `&amp;` is five characters of the CDN cache key, not `&`.
    expect(values(`${U}/shoe?$product$&amp;wid=200`)).toEqual([`${U}/shoe?$product$&amp;wid=200`]);
    expect(values(`${U}/a&lt;b&gt;c`)).toEqual([`${U}/a&lt;b&gt;c`]);
    expect(values(`<${U}/a?x=1&amp;y=2|label>`)).toEqual([`${U}/a?x=1&amp;y=2`]);
    expect(
      candidatesFromText(`${U}/a?x=1&amp;y=2`, { source: 'prefill' }).map((c) => [c.value, c.source]),
    ).toEqual([[`${U}/a?x=1&amp;y=2`, 'prefill']]);
    expect(candidatesFromFile(`${U}/a?x=1&amp;y=2`, 'urls.txt').map((c) => c.value)).toEqual([
      `${U}/a?x=1&amp;y=2`,
    ]);
    expect(candidatesFromFile(`id,url\n1,"${U}/b?x=1&amp;y=2"`, 'urls.csv').map((c) => c.value)).toEqual([
      `${U}/b?x=1&amp;y=2`,
    ]);
  });

  it('undoes &amp; &lt; &gt; once in escaped text (slash command text)', () => {
    expect(escapedValues(`${U}/shoe?$product$&amp;wid=200`)).toEqual([`${U}/shoe?$product$&wid=200`]);
    // The user typed `&amp;`: Slack sent `&amp;amp;`, one unescape gives back what was typed.
    expect(escapedValues(`${U}/shoe?$product$&amp;amp;wid=200`)).toEqual([`${U}/shoe?$product$&amp;wid=200`]);
    expect(escapedValues(`${U}/a?x=1&amp;y=2&lt;&gt;`)).toEqual([`${U}/a?x=1&y=2<`]);
    expect(escapedValues(`<${U}/a?$t$&amp;wid=200|label>`)).toEqual([`${U}/a?$t$&wid=200`]);
    expect(escapedValues(`${U}/a?x=&amp;lt;`)).toEqual([`${U}/a?x=&lt;`]);
    expect(
      candidatesFromFile(`${U}/a?x=1&amp;y=2`, 'urls.txt', { slackEscaped: true }).map((c) => c.value),
    ).toEqual([`${U}/a?x=1&y=2`]);
  });
});

describe('candidates say where they came from', () => {
  it('text, prefill and file sources, files with their name', () => {
    expect(candidatesFromText(`${U}/a`)).toEqual([{ value: `${U}/a`, line: 1, source: 'text' }]);
    expect(candidatesFromText(`\n${U}/a`, { source: 'prefill' })).toEqual([
      { value: `${U}/a`, line: 2, source: 'prefill' },
    ]);
    expect(candidatesFromFile(`${U}/a\n${U}/b`, 'urls.txt')[1]).toEqual({
      value: `${U}/b`,
      line: 2,
      source: 'file',
      fileName: 'urls.txt',
    });
    expect(candidatesFromFile(`name,url\nx,${U}/a`, 'urls.csv')).toEqual([
      { value: `${U}/a`, line: 2, source: 'file', fileName: 'urls.csv' },
    ]);
  });
});

describe('candidatesFromText drops punctuation around tokens', () => {
  it.each([
    [`${U}/a.`, `${U}/a`],
    [`${U}/a,`, `${U}/a`],
    [`${U}/a:`, `${U}/a`],
    [`${U}/a!?`, `${U}/a`],
    [`'${U}/a'`, `${U}/a`],
    [`"${U}/a".`, `${U}/a`],
    [`“${U}/a”`, `${U}/a`],
    [`(${U}/a)`, `${U}/a`],
    [`(${U}/a).`, `${U}/a`],
    [`${U}/a(1)`, `${U}/a(1)`],
    [`(${U}/a(1))`, `${U}/a(1)`],
    [`${U}/a(1)).`, `${U}/a(1)`],
    [`${U}/a?$thumb$`, `${U}/a?$thumb$`],
    [`\`${U}/a\``, `${U}/a`],
    ['11008047.', '11008047'],
  ])('%s → %s', (text, expected) => {
    expect(values(text)).toEqual([expected]);
  });
});

describe('CSV with a header row', () => {
  it('reads only the URL column, with quoted fields', () => {
    const csv = [
      'sku,Image URL,notes',
      `1,${U}/a,"first, with comma"`,
      `2,"${U}/b?crop=0,0,10,10","quote ""inside"""`,
      '# comment row',
      '3,,empty url',
      `4,${U}/c`,
    ].join('\n');
    expect(candidatesFromText(csv).map((c) => [c.value, c.line])).toEqual([
      [`${U}/a`, 2],
      [`${U}/b?crop=0,0,10,10`, 3],
      [`${U}/c`, 6],
    ]);
  });

  it('counts lines of quoted fields that span lines, and handles CRLF', () => {
    const csv = `id,url,note\r\n1,${U}/a,"two\r\nlines"\r\n2,${U}/b,x\r\n`;
    expect(candidatesFromFile(csv, 'list.csv').map((c) => [c.value, c.line, c.source])).toEqual([
      [`${U}/a`, 2, 'file'],
      [`${U}/b`, 4, 'file'],
    ]);
  });

  it('prefers a url column over link and asset columns', () => {
    expect(values(`asset,link,URL\nx,${U}/l,${U}/u`)).toEqual([`${U}/u`]);
    expect(values(`asset,link\nx,${U}/l`)).toEqual([`${U}/l`]);
    expect(values('name,Asset ID\nx,11008047')).toEqual(['11008047']);
  });

  it('takes semicolon and tab separated headers', () => {
    expect(values(`name;url\nx;${U}/a`)).toEqual([`${U}/a`]);
    expect(candidatesFromFile(`name\turl\nx\t${U}/a`, 'list.tsv').map((c) => c.value)).toEqual([`${U}/a`]);
  });

  it('skips a BOM, leading comments and blank lines before the header', () => {
    expect(valuesAndLines(`\ufeff# export\n\nname,url\nx,${U}/a`)).toEqual([[`${U}/a`, 4]]);
  });

  it('drops a one-column title line and reads the rest as text', () => {
    expect(valuesAndLines(`URL\n${U}/a, ${U}/b\n11008047`)).toEqual([
      [`${U}/a`, 2],
      [`${U}/b`, 2],
      ['11008047', 3],
    ]);
  });

  it('does not take a first line of URLs for a header', () => {
    expect(values(`${U}/url,${U}/link`)).toEqual([`${U}/url`, `${U}/link`]);
    expect(values('name,size\nx,1')).toEqual(['name', 'size', 'x', '1']);
  });
});

describe('input size cap', () => {
  it('accepts exactly MAX_INPUT_BYTES and rejects one byte more before any work', () => {
    expect(candidatesFromText('a'.repeat(MAX_INPUT_BYTES))).toHaveLength(1);
    const over = () => candidatesFromText('a'.repeat(MAX_INPUT_BYTES + 1));
    expect(over).toThrow(IntakeLimitError);
    try {
      over();
    } catch (err) {
      expect(err).toMatchObject({
        code: 'INTAKE_TOO_LARGE',
        limit: MAX_INPUT_BYTES,
        actual: MAX_INPUT_BYTES + 1,
      });
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    const text = 'é'.repeat(MAX_INPUT_BYTES / 2 + 1);
    expect(() => candidatesFromFile(text, 'x.txt')).toThrow(/the limit is 1,048,576 bytes/);
  });
});

describe('entities and separators', () => {
  it('the ; of a typed entity never separates, escaped by Slack or not', () => {
    const typed = `${U}/a&amp;b ${U}/c&lt;d`;
    expect(values(typed)).toEqual([`${U}/a&amp;b`, `${U}/c&lt;d`]);
    const escaped = typed.replaceAll('&', '&amp;');
    expect(escapedValues(escaped)).toEqual([`${U}/a&amp;b`, `${U}/c&lt;d`]);
    // Any other `;` outside a query still separates.
    expect(values(`${U}/a;${U}/b&x;c`)).toEqual([`${U}/a`, `${U}/b&x`, 'c']);
  });
});
