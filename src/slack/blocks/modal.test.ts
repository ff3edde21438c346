import { describe, expect, it } from 'vitest';
import { COMPANY_BLOCK, FILE_BLOCK, PURGE_MODAL, URLS_BLOCK } from '../ids.js';
import { companyFromOptionValue, ignoredNote, purgeFormView, rejectionSummary } from './modal.js';

const companies = [
  { name: 'JJEsquire', rootId: 'JJEsquire', handle: 'c|6' },
  { name: 'Example.com', rootId: 'Example.com', handle: 'c|111' },
];

type Select = {
  initial_option?: { value: string };
  options?: { value: string }[];
  option_groups?: { label: { text: string }; options: { value: string }[] }[];
};
const selectOf = (v: ReturnType<typeof purgeFormView>) =>
  (v.blocks.find((b) => (b as { block_id?: string }).block_id === COMPANY_BLOCK) as { element: Select })
    .element;

describe('company options beyond Slack’s limits', () => {
  it('a name longer than an option value may be travels as its handle and resolves back', () => {
    const long = { name: `Very Long Company Name ${'x'.repeat(80)}`, rootId: 'VLC', handle: 'c|77' };
    const all = [...companies, long];
    const select = selectOf(purgeFormView({ companies: all, privateMetadata: 'm' }));
    const values = select.options!.map((o) => o.value);
    expect(values).toEqual(['JJEsquire', 'Example.com', '#c|77']);
    expect(values.every((v) => v.length <= 75)).toBe(true);
    const directory = {
      list: () => all,
      get: (n: string) => all.find((c) => c.name.toLowerCase() === n.toLowerCase()),
    };
    expect(companyFromOptionValue('#c|77', directory)).toBe(long);
    expect(companyFromOptionValue('jjesquire', directory)?.handle).toBe('c|6');
    expect(companyFromOptionValue('#c|999', directory)).toBeUndefined();
  });

  it('more than 100 companies are offered in groups of at most 100, none left out', () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      name: `Co${String(i).padStart(3, '0')}`,
      rootId: `Co${i}`,
      handle: `c|${i}`,
    }));
    const select = selectOf(purgeFormView({ companies: many, privateMetadata: 'm' }));
    expect(select.options).toBeUndefined();
    const groups = select.option_groups!;
    expect(groups.map((g) => g.options.length)).toEqual([100, 100, 50]);
    expect(groups[0]?.label.text).toBe('Co000 – Co099');
    expect(new Set(groups.flatMap((g) => g.options.map((o) => o.value))).size).toBe(250);
  });
});

describe('purgeFormView', () => {
  it('has the contract ids and block_id = action_id', () => {
    const view = purgeFormView({ companies, privateMetadata: 'm' });
    expect(view.callback_id).toBe(PURGE_MODAL);
    const inputs = view.blocks.filter((b) => b.type === 'input') as {
      block_id: string;
      element: { action_id: string; type: string };
    }[];
    expect(inputs.map((b) => [b.block_id, b.element.action_id, b.element.type])).toEqual([
      [COMPANY_BLOCK, COMPANY_BLOCK, 'static_select'],
      [URLS_BLOCK, URLS_BLOCK, 'plain_text_input'],
      [FILE_BLOCK, FILE_BLOCK, 'file_input'],
    ]);
  });

  it('preselects the only company, and none when there are several', () => {
    const one = purgeFormView({ companies: companies.slice(0, 1), privateMetadata: 'm' });
    const many = purgeFormView({ companies, privateMetadata: 'm' });
    const select = (v: typeof one) =>
      (v.blocks[0] as { element: { initial_option?: { value: string } } }).element;
    expect(select(one).initial_option?.value).toBe('JJEsquire');
    expect(select(many).initial_option).toBeUndefined();
  });

  it('never prefills more than Slack accepts', () => {
    const view = purgeFormView({ companies, privateMetadata: 'm', initialUrls: 'x'.repeat(5000) });
    const urls = view.blocks.find((b) => (b as { block_id?: string }).block_id === URLS_BLOCK) as {
      element: { initial_value: string };
    };
    expect(urls.element.initial_value.length).toBe(3000);
  });
});

describe('rejectionSummary', () => {
  it('lists lines with reasons and the totals, within the limit', () => {
    const rejected = Array.from({ length: 200 }, (_, i) => ({
      input: `https://example.com/is/image/JJEsquire/${i}`,
      line: i + 1,
      reason: 'host example.com is not a delivery host of JJEsquire (allowed: s7d7.scene7.com)',
    }));
    const text = rejectionSummary(rejected, 5);
    expect(text.length).toBeLessThanOrEqual(1900);
    expect(text).toContain('Line 1: https://example.com/is/image/JJEsquire/0 — host example.com');
    expect(text).toMatch(/…and \d+ more\./);
    expect(text).toContain('200 of 205 lines cannot be purged');
  });
});

describe('rejectionSummary names the source of each line', () => {
  it('file name for files, the attached list for prefills, plain Line for the box', () => {
    const reason = 'not a URL or asset ID';
    const text = rejectionSummary(
      [
        { input: 'a', line: 2, reason, source: 'prefill' },
        { input: 'b', line: 2, reason, source: 'text' },
        { input: 'c', line: 2, reason, source: 'file', fileName: 'urls.csv' },
        { input: 'd', line: 2, reason },
      ],
      0,
    );
    expect(text.split('\n')).toEqual([
      `attached list line 2: a — ${reason}`,
      `Line 2: b — ${reason}`,
      `file urls.csv line 2: c — ${reason}`,
      `Line 2: d — ${reason}`,
      '4 of 4 lines cannot be purged; fix or remove them and submit again.',
    ]);
  });

  it('clips a long file name', () => {
    const text = rejectionSummary(
      [{ input: 'x', line: 1, reason: 'r', source: 'file', fileName: `${'n'.repeat(200)}.csv` }],
      0,
    );
    expect(text.split('\n')[0]?.length).toBeLessThan(100);
  });
});

describe('ignoredNote', () => {
  it('is absent when nothing was ignored and escapes what it lists', () => {
    expect(ignoredNote([])).toBeUndefined();
    expect(ignoredNote([{ input: 'https://x/<b>', reason: 'not a Dynamic Media URL' }])).toContain(
      '&lt;b&gt;',
    );
  });
});
