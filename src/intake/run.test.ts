import { describe, expect, it } from 'vitest';
import { IntakeLimitError } from './errors.js';
import { runIntake } from './run.js';
import { candidatesFromFile, candidatesFromText } from './text.js';
import type { Candidate, IntakeCompany } from './types.js';

const U = 'https://s7d7.scene7.com/is/image/JJEsquire';
const jj: IntakeCompany = {
  name: 'JJEsquire',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com'],
  templates: [],
};
const withTemplates: IntakeCompany = {
  ...jj,
  templates: [`${U}/<ID>?$thumbnail$`, `${U}/<ID>?$product$&id=<ID>`],
};
const limits = { maxUrlsPerPurge: 100 };
const cands = (...values: string[]): Candidate[] =>
  values.map((value, i) => ({ value, line: i + 1, source: 'text' }));

describe('runIntake classifies each candidate', () => {
  it.each([
    ['plain text', 'not-url-or-id', 'not a URL or asset ID'],
    ['a b', 'not-url-or-id', 'not a URL or asset ID'],
    ['JJEsquire/a/b', 'not-url-or-id', 'not a URL or asset ID'],
    ['-leading-dash', 'not-url-or-id', 'not a URL or asset ID'],
    [
      's7d7.scene7.com/is/image/JJEsquire/a',
      'no-scheme',
      'URL has no scheme: write it with https:// in front, exactly as it is used on the site',
    ],
    ['//s7d7.scene7.com/is/image/JJEsquire/a', 'no-scheme', 'URL has no scheme'],
    ['s7d7.scene7.com:80/is/image/JJEsquire/a', 'no-scheme', 'URL has no scheme'],
    ['s7d7.scene7.com', 'host-not-url', 's7d7.scene7.com is a host name, not a URL'],
    [
      'OtherCo/11008047',
      'id-other-company',
      'OtherCo/11008047 belongs to another company (root ID OtherCo), not JJEsquire',
    ],
    ['ftp://s7d7.scene7.com/is/image/JJEsquire/a', 'scheme', 'only http and https URLs can be purged'],
    [
      '11008047',
      'no-templates',
      '`11008047` is an asset ID, but JJEsquire has no URL templates configured: paste full URLs ' +
        '(e.g. https://s7d7.scene7.com/is/image/JJEsquire/11008047) or ask an admin to add `templates` for ' +
        'JJEsquire in purge.config.yml',
    ],
    [
      'jjesquire/11008047',
      'no-templates',
      '`jjesquire/11008047` is an asset ID, but JJEsquire has no URL templates configured: paste full URLs ' +
        '(e.g. https://s7d7.scene7.com/is/image/JJEsquire/11008047)',
    ],
  ])('%s → %s', (value, code, reason) => {
    const result = runIntake(cands(value), jj, limits);
    expect(result.accepted).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ input: value, line: 1, code });
    expect(result.rejected[0]?.reason.startsWith(reason)).toBe(true);
  });

  it('uses "…" as example host when only wildcard hosts are configured', () => {
    const result = runIntake(cands('11008047'), { ...jj, hosts: ['*.scene7.com'] }, limits);
    expect(result.rejected[0]?.reason).toContain('(e.g. https://…/is/image/JJEsquire/11008047)');
  });
});

describe('runIntake expands asset IDs through templates', () => {
  it('replaces every <ID> with the ID as typed, root prefix in any case removed', () => {
    const result = runIntake(cands('11008047', 'JJESQUIRE/Ab_1.x-2'), withTemplates, limits);
    expect(result.expansions).toEqual([
      {
        input: '11008047',
        line: 1,
        urls: [`${U}/11008047?$thumbnail$`, `${U}/11008047?$product$&id=11008047`],
      },
      {
        input: 'JJESQUIRE/Ab_1.x-2',
        line: 2,
        urls: [`${U}/Ab_1.x-2?$thumbnail$`, `${U}/Ab_1.x-2?$product$&id=Ab_1.x-2`],
      },
    ]);
    expect(result.accepted).toEqual([
      ...(result.expansions[0]?.urls ?? []),
      ...(result.expansions[1]?.urls ?? []),
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('validates expanded URLs and says where a bad one came from', () => {
    const company: IntakeCompany = { ...jj, templates: ['https://example.com/is/image/JJEsquire/<ID>'] };
    const result = runIntake(cands('42'), company, limits);
    expect(result.accepted).toEqual([]);
    expect(result.rejected).toEqual([
      {
        input: 'https://example.com/is/image/JJEsquire/42',
        line: 1,
        source: 'text',
        code: 'host',
        reason:
          'host example.com is not a delivery host of JJEsquire (allowed: s7d7.scene7.com, images.jjesquire.com) ' +
          '(expanded from asset ID 42)',
      },
    ]);
  });

  it('counts expanded URLs already accepted as duplicates', () => {
    const result = runIntake(cands(`${U}/7?$thumbnail$`, '7', 'JJEsquire/7'), withTemplates, limits);
    expect(result.accepted).toEqual([`${U}/7?$thumbnail$`, `${U}/7?$product$&id=7`]);
    expect(result.duplicates).toBe(3);
  });
});

describe('runIntake takes only tokens with a digit for bare asset IDs', () => {
  const hint = 'not a URL or asset ID; asset IDs without a digit must be written JJEsquire/<id>';

  it.each(['please', 'purge', 'team', 'these', 'Hi', 'hero-image', 'shoe_front', 'example.com', 'a.b'])(
    'a word (%s) is rejected with the hint, never expanded',
    (word) => {
      const result = runIntake(cands(word), withTemplates, limits);
      expect(result.accepted).toEqual([]);
      expect(result.expansions).toEqual([]);
      expect(result.rejected).toEqual([
        { input: word, line: 1, reason: hint, code: 'not-url-or-id', source: 'text' },
      ]);
    },
  );

  it('pasted prose around a URL sends only the URL', () => {
    const result = runIntake(candidatesFromText(`Hi team, purge these: ${U}/a`), withTemplates, limits);
    expect(result.accepted).toEqual([`${U}/a`]);
    expect(result.rejected.map((r) => r.input)).toEqual(['Hi', 'team', 'purge', 'these']);
  });

  it.each(['11008047', 'a1', 'shoe-01', 'v2.hero'])('%s (with a digit) is an asset ID', (id) => {
    const result = runIntake(cands(id), withTemplates, limits);
    expect(result.expansions.map((e) => e.input)).toEqual([id]);
    expect(result.rejected).toEqual([]);
  });

  it('Root/ID allows any ID, digit or not', () => {
    const result = runIntake(cands('JJEsquire/hero-image', 'jjesquire/please'), withTemplates, limits);
    expect(result.accepted).toEqual([
      `${U}/hero-image?$thumbnail$`,
      `${U}/hero-image?$product$&id=hero-image`,
      `${U}/please?$thumbnail$`,
      `${U}/please?$product$&id=please`,
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('a configured host name still gets its own hint', () => {
    const result = runIntake(cands('images.jjesquire.com'), withTemplates, limits);
    expect(result.rejected[0]).toMatchObject({ code: 'host-not-url' });
  });
});

describe('runIntake rejections name their source', () => {
  it('carries source and file name, so equal line numbers of different inputs are told apart', () => {
    const candidates: Candidate[] = [
      ...candidatesFromText('x', { source: 'prefill' }),
      ...candidatesFromText('y'),
      ...candidatesFromFile('z', 'urls.csv'),
    ];
    const result = runIntake(candidates, withTemplates, limits);
    expect(result.rejected.map((r) => [r.input, r.line, r.source, r.fileName])).toEqual([
      ['x', 1, 'prefill', undefined],
      ['y', 1, 'text', undefined],
      ['z', 1, 'file', 'urls.csv'],
    ]);
  });

  it('a bad template expansion keeps the source of the asset ID', () => {
    const company: IntakeCompany = { ...jj, templates: ['https://example.com/is/image/JJEsquire/<ID>'] };
    const result = runIntake(candidatesFromFile('x\n42', 'ids.txt'), company, limits);
    expect(result.rejected.map((r) => [r.line, r.source, r.fileName])).toEqual([
      [1, 'file', 'ids.txt'],
      [2, 'file', 'ids.txt'],
    ]);
  });
});

describe('runIntake de-duplicates and keeps order', () => {
  it('keeps the first occurrence, compares exactly, never rewrites', () => {
    const result = runIntake(
      cands(
        `${U}/b`,
        `${U}/a`,
        `${U}/b`,
        `${U}/a?$p$`,
        `  ${U}/a  `,
        `${U}/A`,
        `HTTPS://s7d7.scene7.com/is/image/JJEsquire/a`,
      ),
      jj,
      limits,
    );
    expect(result.accepted).toEqual([
      `${U}/b`,
      `${U}/a`,
      `${U}/a?$p$`,
      `${U}/A`,
      'HTTPS://s7d7.scene7.com/is/image/JJEsquire/a',
    ]);
    expect(result.duplicates).toBe(2);
  });

  it('keeps every rejection in input order, with its line', () => {
    const result = runIntake(candidatesFromText(`x\n${U}/a\nhttp://example.com/a y\nx`), jj, limits);
    expect(result.rejected.map((r) => [r.input, r.line])).toEqual([
      ['x', 1],
      ['http://example.com/a', 3],
      ['y', 3],
      ['x', 4],
    ]);
    expect(result.duplicates).toBe(0);
  });

  it('skips empty candidates silently', () => {
    expect(runIntake(cands('', '   '), jj, limits)).toEqual({
      accepted: [],
      rejected: [],
      expansions: [],
      duplicates: 0,
    });
  });
});

describe('runIntake limit', () => {
  const many = (n: number) => cands(...Array.from({ length: n }, (_, i) => `${U}/${i}`));

  it('accepts exactly maxUrlsPerPurge', () => {
    expect(runIntake(many(5), jj, { maxUrlsPerPurge: 5 }).accepted).toHaveLength(5);
  });

  it('throws INTAKE_TOO_MANY_URLS above it, counting accepted URLs after de-duplication', () => {
    expect(runIntake([...many(5), ...many(5)], jj, { maxUrlsPerPurge: 5 }).duplicates).toBe(5);
    let caught: unknown;
    try {
      runIntake(many(6), jj, { maxUrlsPerPurge: 5 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IntakeLimitError);
    expect(caught).toMatchObject({ code: 'INTAKE_TOO_MANY_URLS', limit: 5, actual: 6 });
    expect((caught as Error).message).toBe(
      '6 URLs in one purge; the limit is 5: split it into smaller purges',
    );
  });

  it('counts template expansions against the limit', () => {
    expect(() => runIntake(cands('1', '2', '3'), withTemplates, { maxUrlsPerPurge: 5 })).toThrow(
      IntakeLimitError,
    );
  });
});
