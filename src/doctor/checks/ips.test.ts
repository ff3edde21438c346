import { describe, expect, it } from 'vitest';
import { parsePurgeConfig } from '../../config/purge-config.js';
import type { Env, PurgeConfig } from '../../config/types.js';
import { IpsFault, IpsTransportError } from '../../ips/errors.js';
import type { CompanyInfo, CompanyMembership, IpsGateway } from '../../ips/types.js';
import { checkCompanies } from './ips-companies.js';
import { checkIpsCredentials } from './ips-credentials.js';

const PASSWORD = 'FAKEIPSPASSWORD';

const ENV: Env = {
  slackBotToken: 'xoxb-x',
  slackSigningSecret: 'sig',
  slackAppToken: undefined,
  slackApiUrl: 'https://slack.com/api/',
  port: 3000,
  redisUrl: 'redis://127.0.0.1:6379',
  redisCluster: false,
  redisPrefix: 'dmpurge',
  ipsRegion: 'emea',
  ipsApiUrl: 'https://s7sps3apissl.scene7.com/scene7/services/IpsApiService',
  ipsUser: 'api@example.com',
  ipsPassword: PASSWORD,
  ipsApiVersion: '2014-04-03',
  purgeConfigPath: 'purge.config.yml',
  logLevel: 'info',
};

/** A hand-written IpsGateway: only the two calls doctor makes do anything. */
function fakeIps(parts: {
  membership?: () => Promise<CompanyMembership[]>;
  info?: (name: string, signal: AbortSignal | undefined) => Promise<CompanyInfo>;
}): IpsGateway {
  const unused = () => Promise.reject(new Error('not used by doctor'));
  return {
    getCompanyMembership: () => (parts.membership ?? (async () => []))(),
    getCompanyInfo: (name, options) =>
      (parts.info ?? (() => Promise.reject(new Error('no info'))))(name, options?.signal),
    cdnCacheInvalidation: unused,
    getCompanyMembers: unused,
    getCdnCacheInvalidationStatus: unused,
  };
}

const WORLD: Record<string, CompanyInfo> = {
  acme: { name: 'Acme', companyHandle: 'c|1', rootId: 'Acme' },
  beta: { name: 'Beta', companyHandle: 'c|2', rootId: 'BetaRoot' },
  gamma: { name: 'Gamma', companyHandle: 'c|3', rootId: 'Gamma' },
};

function byName(name: string): Promise<CompanyInfo> {
  const found = WORLD[name.toLowerCase()];
  if (found) return Promise.resolve(found);
  return Promise.reject(
    new IpsFault('getCompanyInfo', 'ipsApi', 20000, `Invalid company name '${name}'`, 500),
  );
}

function member(key: string, role: string, active = true): CompanyMembership {
  return { company: WORLD[key] as CompanyInfo, role, active };
}

function config(yaml: string): PurgeConfig {
  return parsePurgeConfig(yaml, 'purge.config.yml');
}

const ACME_BETA = config(
  'companies:\n  - name: Acme\n    hosts: [s7d1.scene7.com]\n    templates: ["https://s7d1.scene7.com/is/image/Acme/<ID>"]\n  - name: Beta\n    hosts: [s7d1.scene7.com]\n',
);
const DISCOVER = config('');
const signal = new AbortController().signal;

describe('checkIpsCredentials', () => {
  it('passes and keeps the memberships for the company checks', async () => {
    const list = [member('acme', 'IpsCompanyAdmin'), member('beta', 'IpsUser')];
    const check = await checkIpsCredentials(fakeIps({ membership: async () => list }), ENV, signal);
    expect(check.memberships).toBe(list);
    expect(check.results).toEqual([
      {
        status: 'ok',
        name: 'IPS credentials',
        detail: `api@example.com accepted at ${ENV.ipsApiUrl}; member of 2 companies, admin of 1`,
      },
    ]);
  });

  it('fails with the fault code when IPS refuses the credentials', async () => {
    const ips = fakeIps({
      membership: () =>
        Promise.reject(
          new IpsFault('getCompanyMembership', 'authentication', 10001, 'Invalid username/password', 500),
        ),
    });
    const check = await checkIpsCredentials(ips, ENV, signal);
    expect(check.memberships).toBeUndefined();
    expect(check.results).toHaveLength(1);
    const [r] = check.results;
    expect(r?.status).toBe('fail');
    expect(r?.detail).toContain('IPS refused IPS_USER/IPS_PASSWORD');
    expect(r?.detail).toContain('10001');
    expect(r?.fix).toContain('IPS_PASSWORD');
    expect(JSON.stringify(check)).not.toContain(PASSWORD);
  });

  it('names the endpoint, without credentials, and the settings to check when IPS cannot be reached', async () => {
    const env = { ...ENV, ipsApiUrl: `https://proxyuser:${PASSWORD}@ips.proxy.local/IpsApiService` };
    const ips = fakeIps({
      membership: () =>
        Promise.reject(
          new IpsTransportError(
            'getCompanyMembership',
            'connection',
            'IPS getCompanyMembership: getaddrinfo ENOTFOUND',
            {
              retryable: true,
            },
          ),
        ),
    });
    const [r] = (await checkIpsCredentials(ips, env, signal)).results;
    expect(r?.status).toBe('fail');
    expect(r?.detail).toContain('https://ips.proxy.local/IpsApiService');
    expect(r?.detail).toContain('ENOTFOUND');
    expect(r?.fix).toMatch(/IPS_REGION.*IPS_API_URL.*network|proxy/);
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it('says the endpoint is not IPS when it answers HTTP without SOAP', async () => {
    const ips = fakeIps({
      membership: () =>
        Promise.reject(
          new IpsTransportError('getCompanyMembership', 'http-status', 'HTTP 404', {
            retryable: false,
            httpStatus: 404,
          }),
        ),
    });
    const [r] = (await checkIpsCredentials(ips, ENV, signal)).results;
    expect(r?.detail).toContain('HTTP 404');
    expect(r?.fix).toContain('IPS_API_URL');
  });
});

describe('checkCompanies', () => {
  it('resolves every configured company an admin may purge, with handle and root ID', async () => {
    const list = [member('acme', 'IpsCompanyAdmin'), member('beta', 'IpsAdmin')];
    const results = await checkCompanies(fakeIps({ info: byName }), ENV, ACME_BETA, list, 60_000);
    expect(results).toEqual([
      {
        status: 'ok',
        name: 'company Acme',
        detail: 'handle c|1, root ID Acme, api@example.com is IpsCompanyAdmin; 1 template checked',
      },
      {
        status: 'ok',
        name: 'company Beta',
        detail: 'handle c|2, root ID BetaRoot, api@example.com is IpsAdmin',
      },
    ]);
  });

  it('fails a company the account is only IpsUser of, naming the role it needs', async () => {
    const list = [member('acme', 'IpsCompanyAdmin'), member('beta', 'IpsUser')];
    const results = await checkCompanies(fakeIps({ info: byName }), ENV, ACME_BETA, list, 60_000);
    const beta = results.find((r) => r.name === 'company Beta');
    expect(beta?.status).toBe('fail');
    expect(beta?.detail).toBe(
      'api@example.com is IpsUser of Beta: cdnCacheInvalidation needs IpsCompanyAdmin',
    );
    expect(beta?.fix).toContain('or remove Beta from the config file');
  });

  it('fails an inactive admin membership and a company with no membership at all', async () => {
    const list = [member('acme', 'IpsCompanyAdmin', false)];
    const results = await checkCompanies(fakeIps({ info: byName }), ENV, ACME_BETA, list, 60_000);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['company Acme', 'fail'],
      ['company Beta', 'fail'],
    ]);
    expect(results[0]?.detail).toContain('IpsCompanyAdmin (inactive)');
    expect(results[1]?.detail).toContain('has no role in Beta');
  });

  it('treats an active IpsAdmin membership anywhere as admin of every company', async () => {
    const list = [member('gamma', 'IpsAdmin')];
    const results = await checkCompanies(fakeIps({ info: byName }), ENV, ACME_BETA, list, 60_000);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it('fails a company IPS does not know, and one it will not show, with their fault codes', async () => {
    const cfg = config(
      'companies:\n  - name: Nope\n    hosts: [s7d1.scene7.com]\n  - name: Hidden\n    hosts: [s7d1.scene7.com]\n',
    );
    const info = (name: string) =>
      name === 'Hidden'
        ? Promise.reject(new IpsFault('getCompanyInfo', 'authorization', 20003, 'no permission', 500))
        : byName(name);
    const results = await checkCompanies(fakeIps({ info }), ENV, cfg, [], 60_000);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(results[0]?.detail).toContain('IPS knows no company named Nope');
    expect(results[0]?.detail).toContain('20000');
    expect(results[1]?.detail).toContain('20003');
    expect(results[1]?.detail).toContain('IpsCompanyAdmin');
  });

  it('adds template findings after the company line, using the root ID from IPS', async () => {
    const cfg = config(
      'companies:\n  - name: Beta\n    hosts: [s7d1.scene7.com]\n    templates: ["https://s7d1.scene7.com/is/image/Beta/<ID>"]\n',
    );
    const results = await checkCompanies(
      fakeIps({ info: byName }),
      ENV,
      cfg,
      [member('beta', 'IpsCompanyAdmin')],
      60_000,
    );
    expect(results.map((r) => r.status)).toEqual(['ok', 'fail']);
    expect(results[1]?.detail).toContain('template 1');
  });

  it('without a companies key, checks every company the account administers and notes the others', async () => {
    const list = [
      member('acme', 'IpsCompanyAdmin'),
      member('beta', 'IpsUser'),
      member('gamma', 'IpsCompanyAdmin'),
    ];
    const asked: string[] = [];
    const info = (name: string) => {
      asked.push(name);
      return byName(name);
    };
    const results = await checkCompanies(fakeIps({ info }), ENV, DISCOVER, list, 60_000);
    expect(asked.sort()).toEqual(['Acme', 'Gamma']);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['companies', 'warn'],
      ['company Acme', 'ok'],
      ['company Gamma', 'ok'],
    ]);
    expect(results[0]?.detail).toContain('Beta (IpsUser)');
  });

  it('fails when the account administers no company and none are configured', async () => {
    const results = await checkCompanies(fakeIps({}), ENV, DISCOVER, [member('beta', 'IpsUser')], 60_000);
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.detail).toContain('administers no company');
  });

  it('gives up on a company IPS never answers for, aborting the call', async () => {
    let aborted = false;
    const info = (name: string, s: AbortSignal | undefined) =>
      name === 'Beta'
        ? new Promise<CompanyInfo>((_resolve, reject) => {
            s?.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            });
          })
        : byName(name);
    const list = [member('acme', 'IpsCompanyAdmin'), member('beta', 'IpsCompanyAdmin')];
    const results = await checkCompanies(fakeIps({ info }), ENV, ACME_BETA, list, 50);
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['company Acme', 'ok'],
      ['company Beta', 'fail'],
    ]);
    expect(results[1]?.detail).toContain('no answer within 50 ms');
    expect(aborted).toBe(true);
  });
});
