import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { describeIssue, formatIssues } from './issues.js';
import type { AccessConfig, CompanyConfig, EngineConfig, IpsTuning, Limits, PurgeConfig } from './types.js';

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const EMAIL = z.regexes.email;
const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_NAME = new RegExp(`^(?:\\*\\.)?(?:${HOST_LABEL}\\.)*${HOST_LABEL}$`);

/** A strict section: unknown keys are errors, and the message lists the keys that are allowed. */
function section<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key (allowed: ${allowed})` : undefined),
  });
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

/** Why `host` is not a bare delivery host name, or undefined when it is one. */
export function hostProblem(host: string): string | undefined {
  if (/\s/.test(host)) return 'must be a host name without spaces';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]*)/i.exec(host);
  if (scheme) return `must be a host name without a scheme (write ${scheme[1] || 'the host alone'})`;
  if (/[/?#]/.test(host)) return 'must be a host name without a path';
  if (host.includes(':')) return 'must be a host name without a port';
  if (host.length > 253 || !HOST_NAME.test(host.toLowerCase())) {
    return 'must be a host name such as images.example.com, or a wildcard such as *.scene7.com';
  }
  return undefined;
}

const hostSchema = z
  .string()
  .check((ctx) => {
    const problem = hostProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  })
  .transform((h) => h.toLowerCase());

const templateSchema = z.string().check((ctx) => {
  const template = ctx.value;
  if (!template.includes('<ID>')) {
    ctx.issues.push({ code: 'custom', message: 'must contain <ID>', input: template });
  }
  let url: URL | undefined;
  try {
    url = new URL(template.replaceAll('<ID>', 'ID'));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.issues.push({
      code: 'custom',
      message: 'must be an http(s) URL such as https://s7d7.scene7.com/is/image/Company/<ID>?$preset$',
      input: template,
    });
  }
});

const adminSchema = z
  .string()
  .refine(
    (a) => SLACK_USER_ID.test(a) || EMAIL.test(a),
    'must be a Slack user ID (U… or W…, as in the member profile) or an e-mail address',
  );

const companySchema = section({
  name: z.string().trim().min(1, 'must not be empty'),
  hosts: z.array(hostSchema).min(1, 'must list at least one delivery host'),
  templates: z.array(templateSchema).default([]),
  admins: z.array(adminSchema).default([]),
  channel: z
    .string()
    .regex(SLACK_CHANNEL_ID, 'must be a Slack channel ID such as C0123ABCD (not a #name)')
    .optional(),
}).transform(
  (c): CompanyConfig => ({
    name: c.name,
    hosts: c.hosts,
    templates: c.templates,
    admins: c.admins,
    channel: c.channel,
  }),
);

const companiesSchema = z
  .array(companySchema, {
    error: (iss) =>
      iss.code === 'invalid_type' && iss.input === null
        ? 'must be a list of companies; remove the key to serve every company the IPS account administers'
        : undefined,
  })
  .min(1, 'must list at least one company; remove the key to serve every company the IPS account administers')
  .check(
    // `when` keeps this check running even when some company has other problems, so every
    // problem is reported in one go; elements may then still be raw input.
    z.superRefine<CompanyConfig[]>(
      (companies, ctx) => {
        const seen = new Map<string, number>();
        companies.forEach((company: unknown, i) => {
          const name = nameOf(company);
          if (name === undefined) return;
          const first = seen.get(name.toLowerCase());
          if (first === undefined) {
            seen.set(name.toLowerCase(), i);
            return;
          }
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate company name (same as companies[${first}].name; names are compared case-insensitively)`,
            input: name,
          });
        });
      },
      { when: (payload) => Array.isArray(payload.value) },
    ),
  );

function nameOf(company: unknown): string | undefined {
  if (typeof company !== 'object' || company === null || !('name' in company)) return undefined;
  return typeof company.name === 'string' && company.name.trim() !== '' ? company.name.trim() : undefined;
}

const accessSchema = section({
  globalAdmins: z.array(adminSchema).default([]),
  verifyWithIps: z.boolean().default(false),
});

const limitsSchema = section({
  maxUrlsPerPurge: int(1).default(10_000),
  urlsPerCall: int(1, 1000).default(1000),
  callsPerMinutePerCompany: int(1).default(20),
  dedupeSeconds: int(0).default(60),
});

const engineSchema = section({
  attempts: int(1).default(6),
  backoffMs: int(0).default(1000),
  confirmGraceMs: int(0).default(1000),
  retentionDays: int(1).default(30),
  shutdownDeadlineMs: int(0).default(20_000),
  lockDurationMs: int(1000).default(30_000),
  stalledIntervalMs: int(500).default(30_000),
  recoverySweepMs: int(500).default(30_000),
  claimLeaseMs: int(1000).default(30_000),
});

const ipsSchema = section({
  connectTimeoutMs: int(1).default(10_000),
  headersTimeoutMs: int(1).default(30_000),
  bodyTimeoutMs: int(1).default(30_000),
  connections: int(1).default(8),
  authHeaderNamespace: z.enum(['versioned', 'base']).default('versioned'),
  faultHttpStatusCode: int(200, 599).optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/, 'must be a locale such as en-US')
    .default('en-US'),
}).transform(
  (i): IpsTuning => ({
    connectTimeoutMs: i.connectTimeoutMs,
    headersTimeoutMs: i.headersTimeoutMs,
    bodyTimeoutMs: i.bodyTimeoutMs,
    connections: i.connections,
    authHeaderNamespace: i.authHeaderNamespace,
    faultHttpStatusCode: i.faultHttpStatusCode,
    locale: i.locale,
  }),
);

/** The whole file; every section is optional and a section left empty (`limits:`) means defaults. */
export const purgeConfigSchema = section({
  companies: companiesSchema.optional(),
  access: accessSchema.prefault({}),
  limits: limitsSchema.prefault({}),
  engine: engineSchema.prefault({}),
  ips: ipsSchema.prefault({}),
}).transform(
  (c): PurgeConfig => ({
    companies: c.companies,
    access: c.access,
    limits: c.limits,
    engine: c.engine,
    ips: c.ips,
  }),
);

// Drift between the schemas and the contract in types.ts is a compile error here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractChecks: [
  Same<z.output<typeof purgeConfigSchema>, PurgeConfig>,
  Same<z.output<typeof companySchema>, CompanyConfig>,
  Same<z.output<typeof accessSchema>, AccessConfig>,
  Same<z.output<typeof limitsSchema>, Limits>,
  Same<z.output<typeof engineSchema>, EngineConfig>,
  Same<z.output<typeof ipsSchema>, IpsTuning>,
] = [true, true, true, true, true, true];
void contractChecks;

const SECTIONS = ['access', 'limits', 'engine', 'ips'] as const;

/** `null` is what YAML gives for a key whose children are all commented out. */
function dropEmptySections(doc: unknown): unknown {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const copy: Record<string, unknown> = { ...doc };
  for (const key of SECTIONS) if (copy[key] === null) delete copy[key];
  return copy;
}

function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file must hold a single YAML document (found a second ---)';
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
}

/**
 * Parses and validates the purge config. `file` is only used in messages. Throws a ConfigError
 * with one line per problem: `<file>: <key path>: <what is wrong>`, or for YAML syntax errors
 * `<file>: line L, column C: <what is wrong>`.
 */
export function parsePurgeConfig(text: string, file: string): PurgeConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}: ` : '';
        return `${file}: ${where}${yamlMessage(e.code, e.message)}`;
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError([`${file}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const input = dropEmptySections(data);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError([
      `${file}: must be a mapping with the sections companies, access, limits, engine, ips (got ${Array.isArray(input) ? 'a list' : typeof input})`,
    ]);
  }
  const result = purgeConfigSchema.safeParse(input, { error: describeIssue });
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues));
  return result.data;
}

/** Reads and parses the purge config file; a missing file says how to create one. */
export async function loadPurgeConfig(file: string): Promise<PurgeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError([
        `${file}: file not found; create it from the example (cp purge.config.example.yml ${file}) or point PURGE_CONFIG at your config file`,
      ]);
    }
    throw new ConfigError([`${file}: cannot read the file (${code ?? String(err)})`]);
  }
  return parsePurgeConfig(text, file);
}

/** Every default, as a config file with no keys would give (serves every company). */
export function defaultPurgeConfig(): PurgeConfig {
  return parsePurgeConfig('', 'defaults');
}
