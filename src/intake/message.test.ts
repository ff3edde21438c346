import { describe, expect, it } from 'vitest';
import { IntakeLimitError, MAX_INPUT_BYTES } from './errors.js';
import { candidatesFromMessage } from './message.js';

const U = 'https://s7d7.scene7.com/is/image/JJEsquire';

describe('candidatesFromMessage: mrkdwn text', () => {
  it('takes link targets and bare URLs, ignores prose, mentions and specials', () => {
    const text =
      `<!here> please purge <${U}/a?$thumb$&amp;wid=200|the hero image> and <${U}/b>\n` +
      `also ${U}/c, thanks <@U012ABC> in <#C0123|web-ops> and 11008047 (an ID in prose)`;
    const { candidates, ignored } = candidatesFromMessage({ text });
    expect(candidates).toEqual([
      { value: `${U}/a?$thumb$&wid=200`, line: 1, source: 'text' },
      { value: `${U}/b`, line: 1, source: 'text' },
      { value: `${U}/c`, line: 2, source: 'text' },
    ]);
    expect(ignored).toEqual([]);
  });

  it('reports non-web links as ignored with a reason', () => {
    const { candidates, ignored } = candidatesFromMessage({
      text: 'mail <mailto:web@jjesquire.com|web@jjesquire.com> or <tel:+1555|call>',
    });
    expect(candidates).toEqual([]);
    expect(ignored).toEqual([
      {
        input: 'mailto:web@jjesquire.com',
        line: 1,
        reason: 'mailto: link is not a web URL; only http and https URLs can be purged',
        code: 'not-web-link',
        source: 'text',
      },
      {
        input: 'tel:+1555',
        line: 1,
        reason: 'tel: link is not a web URL; only http and https URLs can be purged',
        code: 'not-web-link',
        source: 'text',
      },
    ]);
  });

  it('unescapes only &amp; &lt; &gt;, once', () => {
    const { candidates } = candidatesFromMessage({ text: `<${U}/a?x=&amp;lt;&amp;y=&quot;>` });
    expect(candidates.map((c) => c.value)).toEqual([`${U}/a?x=&lt;&y=&quot;`]);
  });

  it('keeps repeats within one source for runIntake to count', () => {
    const { candidates } = candidatesFromMessage({ text: `<${U}/a> <${U}/a>` });
    expect(candidates).toHaveLength(2);
  });
});

describe('candidatesFromMessage: rich_text blocks', () => {
  const blocks = [
    {
      type: 'rich_text',
      block_id: 'x1',
      elements: [
        {
          type: 'rich_text_section',
          elements: [
            { type: 'text', text: 'Purge ' },
            { type: 'link', url: `${U}/a?$p$&wid=1`, text: 'hero' },
            { type: 'text', text: ' and\nthis one ' },
            { type: 'user', user_id: 'U1' },
          ],
        },
        {
          type: 'rich_text_list',
          style: 'bullet',
          elements: [
            { type: 'rich_text_section', elements: [{ type: 'link', url: `${U}/b` }] },
            { type: 'rich_text_section', elements: [{ type: 'text', text: `bare ${U}/c.` }] },
          ],
        },
        { type: 'rich_text_quote', elements: [{ type: 'link', url: 'mailto:a@b.c' }] },
        { type: 'rich_text_preformatted', elements: [{ type: 'text', text: `${U}/d\n${U}/e&amp;x` }] },
      ],
    },
  ];

  it('walks sections, lists, quotes and preformatted text with rendered line numbers', () => {
    const { candidates, ignored } = candidatesFromMessage({ blocks });
    expect(candidates.map((c) => [c.value, c.line, c.source])).toEqual([
      [`${U}/a?$p$&wid=1`, 1, 'blocks'],
      [`${U}/b`, 3, 'blocks'],
      [`${U}/c`, 4, 'blocks'],
      [`${U}/d`, 6, 'blocks'],
      // rich_text is JSON, not mrkdwn: Slack does not escape it, so `&amp;` there was typed.
      [`${U}/e&amp;x`, 7, 'blocks'],
    ]);
    expect(ignored.map((r) => r.input)).toEqual(['mailto:a@b.c']);
  });

  it('does not repeat URLs the text already gave', () => {
    const text = `Purge <${U}/a?$p$&amp;wid=1|hero>`;
    const { candidates } = candidatesFromMessage({ text, blocks });
    expect(candidates.map((c) => [c.value, c.source])).toEqual([
      [`${U}/a?$p$&wid=1`, 'text'],
      [`${U}/b`, 'blocks'],
      [`${U}/c`, 'blocks'],
      [`${U}/d`, 'blocks'],
      [`${U}/e&amp;x`, 'blocks'],
    ]);
  });

  it('a rich_text link that is an entity-escaped copy of a link in the text is that link, not a second URL', () => {
    const url = `${U}/a?$p$&wid=1&hei=2`;
    const escaped = `${U}/a?$p$&amp;wid=1&amp;hei=2`;
    const linkBlock = (u: string) => [
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: u }] }] },
    ];
    // Slack may send link.url raw or escaped; either way the user gets one URL, the one they posted.
    for (const u of [url, escaped]) {
      const { candidates } = candidatesFromMessage({ text: `Purge <${escaped}>`, blocks: linkBlock(u) });
      expect(candidates.map((c) => [c.value, c.source])).toEqual([[url, 'text']]);
    }
    // Only rich_text links are read that way: a raw snippet listing both keeps both, as typed.
    const snippet = candidatesFromMessage({
      text: `Purge <${escaped}>`,
      files: [{ name: 'list.txt', plain_text: `${url}\n${escaped}` }],
    });
    expect(snippet.candidates.map((c) => [c.value, c.source])).toEqual([
      [url, 'text'],
      [escaped, 'file'],
    ]);
    // Without the text to compare with, the rich_text value is taken as it is.
    expect(candidatesFromMessage({ blocks: linkBlock(escaped) }).candidates.map((c) => c.value)).toEqual([
      escaped,
    ]);
  });

  it('reads mrkdwn in section blocks of bot messages, unescaping it', () => {
    const { candidates } = candidatesFromMessage({
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `Updated: <${U}/a?x=1&amp;y=2|a>` }, fields: [] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `see ${U}/b&amp;c` }] },
        { type: 'context', elements: [{ type: 'plain_text', text: `raw ${U}/c&amp;d` }] },
      ],
    });
    expect(candidates.map((c) => c.value)).toEqual([`${U}/a?x=1&y=2`, `${U}/b&c`, `${U}/c&amp;d`]);
  });

  it('takes rich_text link URLs and text as raw (Slack sends them unescaped in JSON)', () => {
    const { candidates } = candidatesFromMessage({
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'link', url: `${U}/a?$p$&wid=1` },
                { type: 'link', url: `${U}/b?x=&amp;lt;` },
                { type: 'text', text: ` ${U}/c?x=1&amp;y=2&lt;z` },
              ],
            },
          ],
        },
      ],
    });
    expect(candidates.map((c) => c.value)).toEqual([
      `${U}/a?$p$&wid=1`,
      `${U}/b?x=&amp;lt;`,
      `${U}/c?x=1&amp;y=2&lt;z`,
    ]);
  });

  it('matches a link typed with a literal &amp; in text (escaped) and blocks (raw) as one URL', () => {
    const typed = `${U}/a?x=1&amp;y=2`;
    const { candidates } = candidatesFromMessage({
      text: `<${typed.replace('&', '&amp;')}>`,
      blocks: [
        {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'link', url: typed }] }],
        },
      ],
    });
    expect(candidates).toEqual([{ value: typed, line: 1, source: 'text' }]);
  });

  it('survives malformed and deeply nested blocks', () => {
    let deep: unknown = { type: 'link', url: `${U}/deep` };
    for (let i = 0; i < 200; i++) deep = { type: 'rich_text_section', elements: [deep] };
    const weird = [null, 3, 'x', [], { type: 'link', url: 42 }, { elements: 'no' }, deep];
    expect(() => candidatesFromMessage({ blocks: weird })).not.toThrow();
  });
});

describe('candidatesFromMessage: attachments and files', () => {
  it('reads link fields and text of attachments, line = attachment position', () => {
    const attachments = [
      { title_link: `${U}/a`, from_url: `${U}/b`, image_url: `${U}/c?$p$&amp;x=1`, fallback: `<${U}/d|d>` },
      { original_url: `${U}/e`, text: `x ${U}/f`, pretext: 'nothing here', fields: [{ value: `<${U}/g>` }] },
      'not an attachment',
    ];
    const { candidates } = candidatesFromMessage({ attachments });
    expect(candidates.map((c) => [c.value, c.line, c.source])).toEqual([
      [`${U}/a`, 1, 'attachments'],
      [`${U}/b`, 1, 'attachments'],
      [`${U}/c?$p$&x=1`, 1, 'attachments'],
      [`${U}/d`, 1, 'attachments'],
      [`${U}/e`, 2, 'attachments'],
      [`${U}/f`, 2, 'attachments'],
      [`${U}/g`, 2, 'attachments'],
    ]);
  });

  it('reads snippet text (plain_text before preview) and reports files without text', () => {
    const { candidates, ignored } = candidatesFromMessage({
      files: [
        { name: 'urls.txt', preview: `${U}/preview`, plain_text: `# list\n${U}/a\nprose ${U}/b&amp;c` },
        { name: 'short.txt', preview: `${U}/c` },
        { name: 'photo.png' },
        {},
      ],
    });
    // Snippets are files, not mrkdwn: their text is raw.
    expect(candidates.map((c) => [c.value, c.line, c.source, c.fileName])).toEqual([
      [`${U}/a`, 2, 'file', 'urls.txt'],
      [`${U}/b&amp;c`, 3, 'file', 'urls.txt'],
      [`${U}/c`, 1, 'file', 'short.txt'],
    ]);
    expect(ignored.map((r) => [r.input, r.code])).toEqual([
      ['photo.png', 'file-no-text'],
      ['file 4', 'file-no-text'],
    ]);
    expect(ignored[0]?.reason).toContain('upload it in the purge form');
  });

  it('returns nothing for an empty message', () => {
    expect(candidatesFromMessage({})).toEqual({ candidates: [], ignored: [] });
  });

  it('caps the whole message at MAX_INPUT_BYTES', () => {
    const half = 'x'.repeat(MAX_INPUT_BYTES / 2 + 10);
    expect(() => candidatesFromMessage({ text: half, files: [{ plain_text: half }] })).toThrow(
      IntakeLimitError,
    );
    expect(() => candidatesFromMessage({ text: half })).not.toThrow();
  });
});
