import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  candidatesFromText,
  DM_PATH_PREFIXES,
  type IntakeCompany,
  runIntake,
  unescapeSlack,
  validateUrl,
} from '../src/intake/index.js';
import { EnvelopeBuilder } from '../src/ips/envelope.js';
import { HOSTILE_FRAGMENTS, HOSTILE_HOSTS } from './support/hostile-corpus.js';
import { readRequest } from './support/ips-sim-request.js';
import { slackEscape } from './support/slack-payloads.js';

/**
 * The whole path from pasted text to the SOAP body, in process: text → candidatesFromText →
 * runIntake → EnvelopeBuilder.cdnCacheInvalidation → the `items` read back. Whatever the text,
 * (a) every URL in the envelope passes validateUrl, (b) every URL is a token the user typed (less
 * wrapping punctuation; after one Slack unescape only when the text is Slack-escaped, as command
 * text is, never for raw text such as the modal box) or a template expansion of a typed asset ID,
 * and (c) the envelope carries exactly the accepted URLs, one `items` each, with nothing injected.
 */

const JJ: IntakeCompany = {
  name: 'JJEsquire',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com'],
  templates: [
    'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$',
    'https://images.jjesquire.com/is/content/JJEsquire/<ID>',
  ],
};
// Regex characters in the root, a wildcard host and an IDN host.
const ACME: IntakeCompany = {
  name: 'Acme.Co',
  rootId: 'Acme.Co-1',
  hosts: ['*.scene7.com', 'bücher.example'],
  templates: ['https://s7g10.scene7.com/is/image/Acme.Co-1/<ID>?wid=100&hei=100'],
};

const builder = new EnvelopeBuilder({
  user: 'api@example.com',
  password: 'not-a-real-password',
  apiVersion: '2014-04-03',
  appName: 'dm-purge',
  appVersion: 'test',
  locale: '',
  authHeaderNamespace: 'versioned',
  faultHttpStatusCode: undefined,
});
const HANDLE = 'c|6';

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'items',
});

// --- Generators ----------------------------------------------------------------------------------

const hostsOf = (co: IntakeCompany): string[] =>
  co.hosts.map((h) => (h.startsWith('*.') ? `s7d9.${h.slice(2)}` : h));

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/);
const query = fc.constantFrom(
  '',
  '',
  '?$thumbnail$',
  '?$product$&wid=200',
  '?crop=0,0,100,100&wid=5',
  '?x=1;y=2',
  '?layer=comp&$t$&fmt=png-alpha',
  "?text=it's",
);

function validUrl(co: IntakeCompany): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('https://', 'http://'),
      fc.constantFrom(...hostsOf(co)),
      fc.constantFrom(...DM_PATH_PREFIXES),
      fc.array(segment, { minLength: 1, maxLength: 3 }),
      query,
    )
    .map(([scheme, host, prefix, path, q]) => `${scheme}${host}${prefix}${co.rootId}/${path.join('/')}${q}`);
}

function swapCase(s: string, at: number): string {
  const i = at % s.length;
  const c = s.charAt(i);
  const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return s.slice(0, i) + swapped + s.slice(i + 1);
}

/** A valid URL with one near miss or one hostile fragment spliced in. */
function mutatedUrl(co: IntakeCompany): fc.Arbitrary<string> {
  const root = co.rootId;
  return fc.oneof(
    // Case change in the root.
    fc.tuple(validUrl(co), fc.nat()).map(([u, at]) => u.replace(`/${root}/`, `/${swapCase(root, at)}/`)),
    // Another host.
    fc.tuple(validUrl(co), fc.constantFrom(...HOSTILE_HOSTS)).map(([u, host]) => {
      const start = u.indexOf('//') + 2;
      return u.slice(0, start) + host + u.slice(u.indexOf('/', start));
    }),
    // A dot segment after the root.
    fc
      .tuple(validUrl(co), fc.constantFrom('..', '.', '%2e%2e', '%2E.', '.%2e'))
      .map(([u, dots]) => u.replace(`/${root}/`, `/${root}/${dots}/`)),
    // A percent-encoded character in the root.
    fc.tuple(validUrl(co), fc.nat()).map(([u, at]) => {
      const i = at % root.length;
      const hex = `%${root.charCodeAt(i).toString(16).toUpperCase()}`;
      return u.replace(`/${root}/`, `/${root.slice(0, i)}${hex}${root.slice(i + 1)}/`);
    }),
    // A hostile fragment anywhere.
    fc.tuple(validUrl(co), fc.constantFrom(...HOSTILE_FRAGMENTS), fc.nat()).map(([u, frag, at]) => {
      const i = at % (u.length + 1);
      return u.slice(0, i) + frag + u.slice(i);
    }),
  );
}

// A first line that reads as a CSV header would switch the text to CSV rules; see `guardLine`.
const assetId = fc.oneof(
  segment,
  segment.map((id) => `JJEsquire/${id}`),
  segment.map((id) => `jjesquire/${id}`),
  segment.map((id) => `Acme.Co-1/${id}`),
  segment.map((id) => `OtherCo/${id}`),
);
const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'mailto:web-ops@jjesquire.com',
    '<@U0ADMIN>',
    '<!here>',
    '&lt;/items&gt;',
    '<!DOCTYPE x [<!ENTITY e "x">]>',
    ']]>',
    'https://a@b',
    's7d7.scene7.com/is/image/JJEsquire/no-scheme',
  ),
);
const label = fc.constantFrom(
  'label',
  'a, b; c',
  'see https://s7d7.scene7.com/is/image/JJEsquire/only-in-label',
);

function piece(co: IntakeCompany): fc.Arbitrary<string> {
  const url = fc.oneof({ weight: 3, arbitrary: validUrl(co) }, { weight: 3, arbitrary: mutatedUrl(co) });
  const plain = fc.oneof(
    { weight: 6, arbitrary: url },
    { weight: 2, arbitrary: assetId },
    { weight: 2, arbitrary: junk },
    { weight: 1, arbitrary: fc.tuple(url, label).map(([u, l]) => `<${u}|${l}>`) },
    { weight: 1, arbitrary: url.map((u) => `<${u}>`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          url,
          fc.constantFrom(['(', ')'], ['"', '".'], ['', '.'], ['“', '”'], ['`', '`'], ['&lt;', '&gt;']),
        )
        .map(([u, [open, close]]) => `${open}${u}${close}`),
    },
  );
  // Sometimes the piece arrives the way Slack escapes message text.
  return fc
    .tuple(plain, fc.boolean())
    .map(([p, escaped]) => (escaped && !p.startsWith('<') ? slackEscape(p) : p));
}

const separator = fc.constantFrom(' ', '\n', ',', ', ', '\t', '\r\n', ';', '  \n', '\u00a0', '\u2028');

/** A plain URL alone on the first line, so the text is never read as a CSV with a header row. */
function guardLine(co: IntakeCompany): string {
  return `https://${hostsOf(co)[0]}/is/image/${co.rootId}/first-line\n`;
}

// `escaped`: the text is read as Slack-escaped (command text) rather than raw (modal box, files).
const scenario = fc
  .tuple(fc.constantFrom(JJ, ACME), fc.boolean())
  .chain(([co, escaped]) =>
    fc
      .array(fc.tuple(piece(co), separator), { minLength: 1, maxLength: 20 })
      .map((parts) => ({ co, escaped, text: guardLine(co) + parts.map(([p, s]) => p + s).join('') })),
  );

// --- The oracle for "typed by the user" ----------------------------------------------------------

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * `value` as it may appear in the text: in escaped text each `&` arrives as Slack's `&amp;` (or as
 * `&`, which Slack leaves alone when no entity follows); raw text holds the value as is.
 */
function rawPattern(value: string, escaped: boolean, caseInsensitivePrefix = 0): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '&' && escaped) out += '(?:&amp;|&)';
    else if (i < caseInsensitivePrefix && c.toLowerCase() !== c.toUpperCase()) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else out += escapeRegExp(c);
  }
  return out;
}

// The documented separators: whitespace (any Unicode space, NEL) and `,` `;`. Nothing else splits.
const SEP = '\\s\\u0085,;';
const LEAD_CHARS = `[(<"'\`“‘«]`;
const TRAIL_CHARS = `[.,;:!?'"\`>”’»)]`;
const WEB_LINK = '<(?=[hH][tT][tT][pP][sS]?://)';

/**
 * Was `value` typed as a whole token? Either a token between separators, less the punctuation prose
 * puts around URLs, or the target of Slack link markup `<value|label>` / `<value>`.
 */
function typedAsToken(raw: string, value: string, escaped: boolean, caseInsensitivePrefix = 0): boolean {
  const v = rawPattern(value, escaped, caseInsensitivePrefix);
  // Escaped text carries a typed `<` `>` as `&lt;` `&gt;`; in raw text those are just characters.
  const lead = escaped ? `(?:${LEAD_CHARS}|&lt;)` : LEAD_CHARS;
  const trail = escaped ? `(?:${TRAIL_CHARS}|&gt;)` : TRAIL_CHARS;
  const token = `(?<=(?:^|[${SEP}>])${lead}*|${WEB_LINK})${v}(?=${trail}*(?:$|[${SEP}]|${WEB_LINK}))`;
  const markup = `<\\s*${v}\\s*[|>]`;
  return new RegExp(`${token}|${markup}`, 'm').test(raw);
}

const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DIGIT = /[0-9]/;

/** Is `url` one template of `co` filled with an asset ID the user typed (bare or as `Root/ID`)? */
function typedExpansion(raw: string, url: string, co: IntakeCompany, escaped: boolean): boolean {
  return co.templates.some((template) => {
    const [head = '', tail = ''] = template.split('<ID>');
    if (!url.startsWith(head) || !url.endsWith(tail) || url.length <= head.length + tail.length) return false;
    const id = url.slice(head.length, url.length - tail.length);
    // A bare ID needs a digit (ordinary words are not asset IDs); `Root/ID` may be any ID.
    return (
      ASSET_ID.test(id) &&
      ((DIGIT.test(id) && typedAsToken(raw, id, escaped)) ||
        typedAsToken(raw, `${co.rootId}/${id}`, escaped, co.rootId.length))
    );
  });
}

// --- The property --------------------------------------------------------------------------------

interface Tally {
  runs: number;
  accepted: number;
  expanded: number;
  rejected: number;
  envelopes: number;
}

function checkPipeline(co: IntakeCompany, text: string, escaped: boolean, tally: Tally): void {
  const result = runIntake(candidatesFromText(text, { slackEscaped: escaped }), co, {
    maxUrlsPerPurge: 100_000,
  });
  tally.runs++;
  tally.rejected += result.rejected.length;
  tally.expanded += result.expansions.length;
  const accepted = result.accepted;
  if (accepted.length === 0) return;
  tally.accepted += accepted.length;

  const envelope = builder.cdnCacheInvalidation(HANDLE, accepted);
  tally.envelopes++;

  // (c) The document is well formed, declares nothing, and holds one `items` per accepted URL.
  expect(XMLValidator.validate(envelope)).toBe(true);
  expect(envelope).not.toContain('<!');
  expect(envelope.split('<items>').length - 1).toBe(accepted.length);

  // Read back twice: by a generic parser, and by the strict reader of the IPS simulator.
  const tree = xml.parse(envelope) as {
    Envelope: { Body: { cdnCacheInvalidationParam: Record<string, unknown> } };
  };
  const param = tree.Envelope.Body.cdnCacheInvalidationParam;
  expect(Object.keys(param).sort()).toEqual(['companyHandle', 'urlArray']);
  expect(param.companyHandle).toBe(HANDLE);
  const urlArray = param.urlArray as Record<string, unknown>;
  expect(Object.keys(urlArray)).toEqual(['items']);
  const parsed = urlArray.items as string[];
  expect(parsed).toEqual(accepted);
  const strict = readRequest(envelope, 'soap');
  expect(strict.operation).toBe('cdnCacheInvalidation');
  expect(strict.urls).toEqual(accepted);

  for (const url of parsed) {
    // (a) Nothing in the envelope that the validator rejects.
    expect(validateUrl(url, co), url).toEqual({ ok: true });
    // (b) Typed by the user, or a template expansion of a typed asset ID.
    expect(
      typedAsToken(text, url, escaped) || typedExpansion(text, url, co, escaped),
      `not typed: ${JSON.stringify(url)}`,
    ).toBe(true);
  }
}

describe('intake to envelope', () => {
  it('sends only validated URLs the user typed (or template expansions), each as one intact items element', () => {
    const tally: Tally = { runs: 0, accepted: 0, expanded: 0, rejected: 0, envelopes: 0 };
    fc.assert(
      fc.property(scenario, ({ co, escaped, text }) => checkPipeline(co, text, escaped, tally)),
      { numRuns: 200 },
    );
    // Not vacuous: the inputs mix plenty of accepted, expanded and rejected tokens.
    expect(tally.envelopes).toBe(tally.runs);
    expect(tally.accepted).toBeGreaterThan(tally.runs * 2);
    expect(tally.expanded).toBeGreaterThan(20);
    expect(tally.rejected).toBeGreaterThan(tally.runs);
  });

  it('the oracle catches a URL cut out of a longer typed string', () => {
    // The checks above must be able to fail: these are what a tokenizer that split on NUL, on a
    // glued `<` or inside an entity would send.
    const url = 'https://s7d7.scene7.com/is/image/JJEsquire/a';
    const thumb = (id: string) => `https://s7d7.scene7.com/is/image/JJEsquire/${id}?$thumbnail$`;
    for (const escaped of [false, true]) {
      expect(typedAsToken(`${url}\u0000b`, url, escaped)).toBe(false);
      expect(typedAsToken(`${url}<b>`, url, escaped)).toBe(false);
      expect(typedAsToken(`${url}&lt;b`, url, escaped)).toBe(false);
      expect(typedAsToken(`x${url}`, url, escaped)).toBe(false);
      expect(typedExpansion('a1<b>', thumb('a1'), JJ, escaped)).toBe(false);
      // An ordinary word is not an asset ID: only `Root/word` expands.
      expect(typedExpansion('please', thumb('please'), JJ, escaped)).toBe(false);
      // …and accepts the legitimate forms.
      expect(typedAsToken(`(${url}).`, url, escaped)).toBe(true);
      expect(typedAsToken(`<${url}|label>`, url, escaped)).toBe(true);
      expect(typedAsToken(`see:<${url}>`, url, escaped)).toBe(true);
      expect(typedExpansion('jjesquire/a1', thumb('a1'), JJ, escaped)).toBe(true);
      expect(typedExpansion('JJEsquire/please', thumb('please'), JJ, escaped)).toBe(true);
    }
    // `&amp;` is Slack's `&` only in escaped text; typed into the box it is five characters.
    expect(typedAsToken(`${url}?a=1&amp;b=2`, `${url}?a=1&b=2`, true)).toBe(true);
    expect(typedAsToken(`${url}?a=1&amp;b=2`, `${url}?a=1&b=2`, false)).toBe(false);
    expect(typedAsToken(`${url}?a=1&amp;b=2`, `${url}?a=1&amp;b=2`, false)).toBe(true);
    expect(typedAsToken(`&lt;${url}&gt;`, url, true)).toBe(true);
    expect(typedAsToken(`&lt;${url}&gt;`, url, false)).toBe(false);
  });

  it.each([
    ['raw (modal box, files)', false],
    ['Slack-escaped (command text)', true],
  ])(
    'a hostile fragment inside a URL is refused with the URL, or kept whole, never cut around: %s',
    (_name, escaped) => {
      for (const co of [JJ, ACME]) {
        for (const fragment of HOSTILE_FRAGMENTS) {
          const at = `https://${hostsOf(co)[0]}/is/image/${co.rootId}/a${fragment}b`;
          const result = runIntake(candidatesFromText(at, { slackEscaped: escaped }), co, {
            maxUrlsPerPurge: 100,
          });
          if (/[\s,;]/.test(fragment.replace(/&(?:amp;)?(?:amp|lt|gt);/g, ''))) {
            // A documented separator (such as the `;` of `&e;`): the parts are separate tokens.
            for (const url of result.accepted)
              expect(typedAsToken(at, url, escaped) || typedExpansion(at, url, co, escaped)).toBe(true);
            continue;
          }
          // Path-safe fragments such as `%2F..%2F` or `@evil.example` leave one valid URL.
          const typed = escaped ? unescapeSlack(at) : at;
          const whole = validateUrl(typed, co).ok;
          expect(result.accepted, JSON.stringify(fragment)).toEqual(whole ? [typed] : []);
          if (!whole)
            expect(
              result.rejected.map((r) => r.input),
              JSON.stringify(fragment),
            ).toContain(typed);
        }
      }
    },
  );
});
