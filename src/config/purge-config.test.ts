import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { defaultPurgeConfig, hostProblem, loadPurgeConfig, parsePurgeConfig } from './purge-config.js';

const EXAMPLE = fileURLToPath(new URL('../../purge.config.example.yml', import.meta.url));
const FILE = 'purge.config.yml';

function problemsFor(text: string): string[] {
  try {
    parsePurgeConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected parsePurgeConfig to throw');
}

/** A valid one-company file with `extra` lines appended to the company. */
function company(extra = ''): string {
  return `companies:\n  - name: Acme\n    hosts: [s7d1.scene7.com]\n${extra}`;
}

const DEFAULTS = {
  access: { globalAdmins: [], verifyWithIps: false },
  limits: { maxUrlsPerPurge: 10000, urlsPerCall: 1000, callsPerMinutePerCompany: 20, dedupeSeconds: 60 },
  engine: {
    attempts: 6,
    backoffMs: 1000,
    confirmGraceMs: 1000,
    retentionDays: 30,
    shutdownDeadlineMs: 20000,
    lockDurationMs: 30000,
    stalledIntervalMs: 30000,
    recoverySweepMs: 30000,
    claimLeaseMs: 30000,
  },
  ips: {
    connectTimeoutMs: 10000,
    headersTimeoutMs: 30000,
    bodyTimeoutMs: 30000,
    connections: 8,
    authHeaderNamespace: 'versioned',
    faultHttpStatusCode: undefined,
    locale: 'en-US',
  },
};

describe('parsePurgeConfig', () => {
  it('parses the full example file', async () => {
    const config = parsePurgeConfig(await readFile(EXAMPLE, 'utf8'), 'purge.config.example.yml');
    expect(config).toEqual({
      companies: [
        {
          name: 'JJEsquire',
          hosts: ['s7d7.scene7.com', 'images.jjesquire.com'],
          templates: [
            'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$',
            'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$product$',
          ],
          admins: ['U012ABCDEF', 'web-ops@jjesquire.com'],
          channel: 'C0AUDIT',
        },
      ],
      access: { globalAdmins: ['U0GLOBAL'], verifyWithIps: true },
      // The example documents the defaults of the tunables; keep them in step.
      limits: DEFAULTS.limits,
      engine: DEFAULTS.engine,
      ips: DEFAULTS.ips,
    });
  });

  it('gives every default for an empty file, and leaves companies undefined', () => {
    expect(parsePurgeConfig('', FILE)).toEqual({ companies: undefined, ...DEFAULTS });
    expect(parsePurgeConfig('# only a comment\n', FILE)).toEqual({ companies: undefined, ...DEFAULTS });
    expect(defaultPurgeConfig()).toEqual({ companies: undefined, ...DEFAULTS });
  });

  it('treats a section whose keys are all commented out as defaults', () => {
    const config = parsePurgeConfig('access:\nlimits:\n  # urlsPerCall: 10\nengine:\nips:\n', FILE);
    expect(config).toEqual({ companies: undefined, ...DEFAULTS });
  });

  it('fills company defaults and lower-cases hosts', () => {
    const config = parsePurgeConfig(
      'companies:\n  - name: Acme\n    hosts: [S7D1.Scene7.com, "*.Example.COM", 127.0.0.1]\n',
      FILE,
    );
    expect(config.companies).toEqual([
      {
        name: 'Acme',
        hosts: ['s7d1.scene7.com', '*.example.com', '127.0.0.1'],
        templates: [],
        admins: [],
        channel: undefined,
      },
    ]);
  });

  it('keeps partial sections and fills the rest', () => {
    const config = parsePurgeConfig(
      'limits:\n  urlsPerCall: 250\nips:\n  faultHttpStatusCode: 200\n  authHeaderNamespace: base\n',
      FILE,
    );
    expect(config.limits).toEqual({ ...DEFAULTS.limits, urlsPerCall: 250 });
    expect(config.ips).toEqual({ ...DEFAULTS.ips, faultHttpStatusCode: 200, authHeaderNamespace: 'base' });
  });

  it.each([
    [
      company('    colour: red\n'),
      'companies[0].colour: unknown key (allowed: name, hosts, templates, admins, channel)',
    ],
    ['limit:\n  urlsPerCall: 5\n', 'limit: unknown key (allowed: companies, access, limits, engine, ips)'],
    ['engine:\n  retries: 3\n', 'engine.retries: unknown key'],
    ['limits:\n  urlsPerCall: many\n', 'limits.urlsPerCall: must be a number (got the text "many")'],
    ['limits:\n  urlsPerCall: 1001\n', 'limits.urlsPerCall: must be at most 1000 (got 1001)'],
    ['limits:\n  urlsPerCall: 0\n', 'limits.urlsPerCall: must be at least 1 (got 0)'],
    ['limits:\n  maxUrlsPerPurge: 2.5\n', 'limits.maxUrlsPerPurge: must be a whole number'],
    ['limits:\n  dedupeSeconds: -5\n', 'limits.dedupeSeconds: must be at least 0 (got -5)'],
    ['access:\n  verifyWithIps: "yes"\n', 'access.verifyWithIps: must be true or false (got the text "yes")'],
    ['access:\n  globalAdmins: U0GLOBAL\n', 'access.globalAdmins: must be a list (got the text "U0GLOBAL")'],
    ['access:\n  globalAdmins: ["@bob"]\n', 'access.globalAdmins[0]: must be a Slack user ID'],
    ['ips:\n  authHeaderNamespace: v2\n', 'ips.authHeaderNamespace: must be one of "versioned", "base"'],
    ['ips:\n  faultHttpStatusCode: 600\n', 'ips.faultHttpStatusCode: must be at most 599 (got 600)'],
    ['ips:\n  locale: "english please"\n', 'ips.locale: must be a locale such as en-US'],
    ['companies: Acme\n', 'companies: must be a list (got the text "Acme")'],
    ['companies:\n', 'companies: must be a list of companies; remove the key to serve every company'],
    ['companies: []\n', 'companies: must list at least one company'],
    ['companies:\n  - name: Acme\n', 'companies[0].hosts: required'],
    ['companies:\n  - name: ""\n    hosts: [a.com]\n', 'companies[0].name: must not be empty'],
    [
      'companies:\n  - name: Acme\n    hosts: []\n',
      'companies[0].hosts: must list at least one delivery host',
    ],
    [
      company('    templates: ["https://s7d1.scene7.com/is/image/Acme/hat"]\n'),
      'companies[0].templates[0]: must contain <ID>',
    ],
    [
      company('    templates: ["s7d1.scene7.com/is/image/Acme/<ID>"]\n'),
      'companies[0].templates[0]: must be an http(s) URL',
    ],
    [
      company('    templates: ["ftp://s7d1.scene7.com/<ID>"]\n'),
      'companies[0].templates[0]: must be an http(s) URL',
    ],
    [company('    admins: [bob]\n'), 'companies[0].admins[0]: must be a Slack user ID (U… or W…'],
    [company('    channel: "#general"\n'), 'companies[0].channel: must be a Slack channel ID'],
    [
      '- just\n- a list\n',
      'must be a mapping with the sections companies, access, limits, engine, ips (got a list)',
    ],
  ])('reports %j as one line with its key path', (text, expected) => {
    const problems = problemsFor(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${FILE}: ${expected}`), `got: ${problems[0]}`).toBe(true);
  });

  it.each([
    ['https://s7d1.scene7.com', 'must be a host name without a scheme (write s7d1.scene7.com)'],
    ['s7d1.scene7.com/is/image', 'must be a host name without a path'],
    ['s7d1.scene7.com:443', 'must be a host name without a port'],
    ['s7d1 .scene7.com', 'must be a host name without spaces'],
    ['s7d1.*.com', 'must be a host name such as images.example.com, or a wildcard such as *.scene7.com'],
    ['-bad-.com', 'must be a host name such as images.example.com, or a wildcard such as *.scene7.com'],
  ])('rejects the host %j', (host, message) => {
    expect(problemsFor(`companies:\n  - name: Acme\n    hosts: [ok.com, "${host}"]\n`)).toEqual([
      `${FILE}: companies[0].hosts[1]: ${message}`,
    ]);
  });

  it('reports duplicate company names case-insensitively, with both positions', () => {
    const text =
      'companies:\n  - name: Acme\n    hosts: [a.com]\n  - name: Beta\n    hosts: [b.com]\n  - name: ACME\n    hosts: [c.com]\n';
    expect(problemsFor(text)).toEqual([
      `${FILE}: companies[2].name: duplicate company name (same as companies[0].name; names are compared case-insensitively)`,
    ]);
  });

  it('collects problems across companies and sections in one error', () => {
    const text = [
      'companies:',
      '  - name: Acme',
      '    hosts: [https://a.com/x]',
      '    templates: [nope]',
      '  - name: acme',
      '    hosts: [b.com]',
      'limits:',
      '  urlsPerCall: 5000',
      'bogus: true',
      '',
    ].join('\n');
    const problems = problemsFor(text);
    expect(problems).toHaveLength(6);
    expect(problems).toEqual(
      expect.arrayContaining([
        `${FILE}: companies[0].hosts[0]: must be a host name without a scheme (write a.com)`,
        `${FILE}: companies[0].templates[0]: must contain <ID>`,
        expect.stringMatching(
          /^purge\.config\.yml: companies\[0\]\.templates\[0\]: must be an http\(s\) URL/,
        ),
        expect.stringMatching(/^purge\.config\.yml: companies\[1\]\.name: duplicate company name/),
        `${FILE}: limits.urlsPerCall: must be at most 1000 (got 5000)`,
        expect.stringMatching(/^purge\.config\.yml: bogus: unknown key/),
      ]),
    );
  });

  it('gives file, line and column for YAML syntax errors', () => {
    const problems = problemsFor('limits:\n  urlsPerCall: 10\ncompanies: [a, b\nengine: {}\n');
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatch(/^purge\.config\.yml: line 4, column \d+: /);
  });

  it('reports duplicate YAML keys and tabs with their line', () => {
    expect(problemsFor('limits:\n  urlsPerCall: 10\n  urlsPerCall: 20\n')[0]).toBe(
      `${FILE}: line 3, column 3: Map keys must be unique`,
    );
    expect(problemsFor('limits:\n\turlsPerCall: 10\n')[0]).toMatch(/^purge\.config\.yml: line 2, column 1: /);
  });

  it('rejects a file with two YAML documents', () => {
    expect(problemsFor('limits: {}\n---\nengine: {}\n')[0]).toMatch(
      /^purge\.config\.yml: line 2, column 1: the file must hold a single YAML document/,
    );
  });

  it('accepts Slack ids and e-mails as admins', () => {
    const config = parsePurgeConfig(
      company('    admins: [U012ABCDEF, W0ABC, ops@example.com]\n') +
        'access:\n  globalAdmins: [UABC, boss@example.org]\n',
      FILE,
    );
    expect(config.companies?.[0]?.admins).toEqual(['U012ABCDEF', 'W0ABC', 'ops@example.com']);
    expect(config.access.globalAdmins).toEqual(['UABC', 'boss@example.org']);
  });
});

describe('hostProblem', () => {
  it('accepts every valid domain, in any case, and its wildcard form (property)', () => {
    fc.assert(
      fc.property(fc.domain(), fc.boolean(), (domain, upper) => {
        const host = upper ? domain.toUpperCase() : domain;
        expect(hostProblem(host)).toBeUndefined();
        expect(hostProblem(`*.${host}`)).toBeUndefined();
      }),
    );
  });

  it('rejects every domain written with a scheme, a path or a port (property)', () => {
    fc.assert(
      fc.property(
        fc.domain(),
        fc.constantFrom('http://', 'https://', ''),
        fc.constantFrom('', '/is/image/x', ':8080'),
        (domain, scheme, suffix) => {
          fc.pre(scheme !== '' || suffix !== '');
          expect(hostProblem(`${scheme}${domain}${suffix}`)).toBeDefined();
        },
      ),
    );
  });
});

describe('loadPurgeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dmpurge-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and parses a file', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, company());
    const config = await loadPurgeConfig(file);
    expect(config.companies?.map((c) => c.name)).toEqual(['Acme']);
  });

  it('names the file in every problem', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'limits:\n  urlsPerCall: 0\n');
    await expect(loadPurgeConfig(file)).rejects.toMatchObject({
      problems: [`${file}: limits.urlsPerCall: must be at least 1 (got 0)`],
    });
  });

  it('says which file is missing and how to create it', async () => {
    const file = join(dir, 'missing.yml');
    const err: unknown = await loadPurgeConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${file}: file not found`);
    expect(problems[0]).toContain('purge.config.example.yml');
    expect(problems[0]).toContain('PURGE_CONFIG');
  });

  it('reports a path that is not a readable file', async () => {
    await expect(loadPurgeConfig(dir)).rejects.toMatchObject({
      problems: [`${dir}: cannot read the file (EISDIR)`],
    });
  });
});
