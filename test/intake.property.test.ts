import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCompany } from '../src/intake/company.js';
import {
  type Candidate,
  candidatesFromFile,
  candidatesFromMessage,
  candidatesFromText,
  type IntakeCompany,
  runIntake,
  unescapeSlack,
  validateUrl,
} from '../src/intake/index.js';
import { checkUrlInDetail } from '../src/intake/validate.js';

const company: IntakeCompany = {
  name: 'JJEsquire',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com', '*.scene7.com', 'bücher.example'],
  templates: [
    'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$',
    'https://images.jjesquire.com/is/content/JJEsquire/<ID>',
  ],
};
const limits = { maxUrlsPerPurge: 1_000_000 };

// Pieces that exercise every rule: schemes, hosts, roots, tricky path and query characters.
const scheme = fc.constantFrom('https://', 'http://', 'HTTPS://', 'ftp://', 'https:/', 'https:', '//', '');
const host = fc.constantFrom(
  's7d7.scene7.com',
  'S7D7.Scene7.com',
  'a.b.scene7.com',
  'scene7.com',
  'images.jjesquire.com',
  'example.com',
  'bücher.example',
  'xn--bcher-kva.example',
  's7d7.scene7.com:443',
  'u:p@s7d7.scene7.com',
  '[::1]',
  's7d7.scene7.com.',
  's7d7.scene7%2Ecom',
  '-x.scene7.com',
  '',
);
const prefix = fc.constantFrom(
  '/is/image/',
  '/is/content/',
  '/is/static/',
  '/is/agm/',
  '/ir/render/',
  '/e2/',
  '/foo/',
  '/',
);
const root = fc.constantFrom('JJEsquire', 'jjesquire', 'JJ%45squire', 'OtherCo', '', '..');
const piece = fc.constantFrom(
  'a',
  'ID-1',
  '11008047',
  '.',
  '..',
  '%2e',
  '/',
  '?',
  '$thumb$',
  '&amp;',
  '&lt;',
  '&gt;',
  '&',
  '=',
  ',',
  ';',
  '(',
  ')',
  '#',
  ' ',
  '\t',
  '"',
  "'",
  '<',
  '>',
  '|',
  '\\',
  'é',
  '\u200b',
  '\u00a0',
  '\n',
);
const urlish = fc
  .tuple(scheme, host, prefix, root, fc.array(piece, { maxLength: 12 }))
  .map(([s, h, p, r, rest]) => `${s}${h}${p}${r}/${rest.join('')}`);
const token = fc.oneof(
  urlish,
  urlish.map((u) => `<${u}|label, with; stuff>`),
  urlish.map((u) => `<${u}>`),
  fc.constantFrom(
    '11008047',
    'JJEsquire/42',
    'jjesquire/a.b',
    'OtherCo/1',
    '<@U123>',
    '<!here>',
    '# note',
    'prose',
  ),
  fc.string({ maxLength: 20 }),
);
const separator = fc.constantFrom(' ', '\n', ',', ';', '\t', ', ', '\r\n', '   ', '\n#');
const pasted = fc
  .array(fc.tuple(token, separator), { maxLength: 25 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

function fromTemplates(url: string): boolean {
  return company.templates.some((t) => {
    const [head = '', tail = ''] = t.split('<ID>');
    return url.startsWith(head) && url.endsWith(tail);
  });
}

/**
 * Every accepted URL passes validateUrl and is a substring of what the user typed: the input itself
 * when it is raw (modal box, files, rich_text), the input after one Slack unescape when Slack escaped
 * it (command text, mrkdwn). Unescaping raw text would purge another CDN object.
 */
function checkAccepted(input: string, candidates: Candidate[], slackEscaped: boolean): void {
  const typed = slackEscaped ? unescapeSlack(input) : input;
  const result = runIntake(candidates, company, limits);
  for (const url of result.accepted) {
    expect(validateUrl(url, company)).toEqual({ ok: true });
    expect(typed.includes(url) || fromTemplates(url), url).toBe(true);
  }
  expect(new Set(result.accepted).size).toBe(result.accepted.length);
}

const richText = (text: string) => [
  { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] },
];

describe('intake properties', () => {
  it('extractors never throw on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), pasted), (text) => {
        candidatesFromText(text);
        candidatesFromFile(text, 'x.csv');
        candidatesFromFile(text, 'x.tsv');
        candidatesFromMessage({ text, files: [{ name: 'a', plain_text: text }] });
      }),
      { numRuns: 500 },
    );
  });

  it('candidatesFromMessage never throws on any JSON shape', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), (blocks, attachments) => {
        candidatesFromMessage({
          blocks: Array.isArray(blocks) ? blocks : [blocks],
          attachments: Array.isArray(attachments) ? attachments : [attachments],
        });
      }),
      { numRuns: 300 },
    );
  });

  it('every accepted URL passes validateUrl and is a substring of the typed input (or a template expansion)', () => {
    fc.assert(
      fc.property(pasted, (text) => {
        checkAccepted(text, candidatesFromText(text), false);
        checkAccepted(text, candidatesFromText(text, { source: 'prefill' }), false);
        checkAccepted(text, candidatesFromFile(text, 'list.csv'), false);
        checkAccepted(text, candidatesFromMessage({ blocks: richText(text) }).candidates, false);
        checkAccepted(text, candidatesFromMessage({ files: [{ plain_text: text }] }).candidates, false);
        checkAccepted(text, candidatesFromText(text, { slackEscaped: true }), true);
        checkAccepted(text, candidatesFromMessage({ text }).candidates, true);
      }),
      { numRuns: 1000 },
    );
  });

  it('raw text is never unescaped: a typed entity reaches the accepted URL as typed', () => {
    const entity = fc.constantFrom('&amp;', '&lt;', '&gt;', '&amp;amp;', '&amp;lt;');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entity, fc.stringMatching(/^[a-z0-9=]{1,6}$/)), { minLength: 1, maxLength: 4 }),
        (parts) => {
          const url = `https://s7d7.scene7.com/is/image/JJEsquire/a?x=1${parts.map(([e, t]) => e + t).join('')}`;
          expect(runIntake(candidatesFromText(url), company, limits).accepted).toEqual([url]);
          expect(runIntake(candidatesFromFile(url, 'u.txt'), company, limits).accepted).toEqual([url]);
          // The same URL typed in a slash command arrives escaped once and comes out as typed.
          const escaped = url.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
          expect(
            runIntake(candidatesFromText(escaped, { slackEscaped: true }), company, limits).accepted,
          ).toEqual([url]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts some URLs of the generated inputs (the property above is not vacuous)', () => {
    const samples = fc.sample(pasted, { numRuns: 300, seed: 42 });
    const accepted = samples.reduce(
      (n, text) => n + runIntake(candidatesFromText(text), company, limits).accepted.length,
      0,
    );
    expect(accepted).toBeGreaterThan(20);
  });

  it('de-duplication keeps first-occurrence order of the valid candidates', () => {
    const pool = fc.array(urlish, { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        pool.chain((urls) => fc.array(fc.constantFrom(...urls), { maxLength: 30 })),
        (values) => {
          const candidates: Candidate[] = values.map((value, i) => ({ value, line: i + 1, source: 'text' }));
          const result = runIntake(candidates, company, limits);
          const expected: string[] = [];
          for (const value of values) {
            const v = value.trim();
            if (validateUrl(v, company).ok && !expected.includes(v)) expected.push(v);
          }
          expect(result.accepted).toEqual(expected);
          const validCount = values.filter((v) => validateUrl(v.trim(), company).ok).length;
          expect(result.duplicates).toBe(validCount - expected.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the one-regex fast path accepts only what the detailed checks accept', () => {
    const co = compileCompany(company);
    fc.assert(
      fc.property(fc.oneof(urlish, urlish.map(unescapeSlack)), (url) => {
        if (co.fastAccept.test(url)) expect(checkUrlInDetail(url, co)).toEqual({ ok: true });
      }),
      { numRuns: 3000 },
    );
  });
});
