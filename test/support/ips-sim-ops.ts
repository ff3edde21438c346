import { randomUUID } from 'node:crypto';
import type { Params } from './ips-sim-request.js';
import { fields, SimFault } from './ips-sim-soap.js';
import type { SimCompany, SimMember, SimUser } from './ips-sim-types.js';
import {
  requireAdmin,
  requireCompany,
  requireMember,
  roleIn,
  type SimWorld,
  userHandleOf,
} from './ips-sim-world.js';

/** The IPS operations the simulator answers. Each returns the inner XML of `<op>Return` or throws a SimFault. */

export interface OpInput {
  world: SimWorld;
  caller: SimUser;
  params: Params;
  urls: string[] | undefined;
  now: number;
}

export interface OpOutput {
  content: string;
  response?: { invalidationHandle: string; estimatedSeconds: number };
}

const MAX_URLS = 1000;
const EXPIRES = '2101-01-31T23:00:00.030Z';
const URL_CONTEXTS = ['is/image', 'is/content', 'is/static', 'is/agm', 'ir/render', 'e2'];
const URL_PATH = /^https?:\/\/[^/?#\s]+(\/[^?#]*)?/i;

function text(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new SimFault(30003, `Invalid request XML: '${name}' must hold text`);
  return v;
}

function flag(params: Params, name: string): boolean {
  const v = text(params, name);
  return v === 'true' || v === '1';
}

function companyXml(c: SimCompany): string {
  return fields([
    ['companyHandle', c.handle],
    ['name', c.name],
    ['rootPath', c.rootPath],
    ['expires', EXPIRES],
  ]);
}

function namesOf(email: string): { first: string; last: string } {
  const parts = (email.split('@')[0] ?? '').split(/[.\-_]+/).filter(Boolean);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return { first: cap(parts[0] ?? ''), last: parts.slice(1).map(cap).join(' ') };
}

function isDeliveryUrlOf(url: string, root: string): boolean {
  const path = URL_PATH.exec(url)?.[1];
  if (path === undefined) return false;
  return URL_CONTEXTS.some((ctx) => path.startsWith(`/${ctx}/${root}/`));
}

function cdnCacheInvalidation({ world, caller, params, urls, now }: OpInput): OpOutput {
  const company = requireCompany(world, text(params, 'companyHandle'));
  requireAdmin(caller, company, 'cdnCacheInvalidation');
  if (params.urlArray === undefined) throw new SimFault(30002, "Missing parameter 'urlArray'");
  const list = urls ?? [];
  if (list.length === 0 || list.length > MAX_URLS) {
    throw new SimFault(
      30003,
      `Invalid request XML: urlArray must hold 1 to ${MAX_URLS} items, got ${list.length}`,
    );
  }
  const root = company.rootPath.slice(0, -1);
  for (const url of list) {
    const injected = world.failingUrls.get(url);
    if (injected !== undefined) throw new SimFault(injected, `Invalid URL '${url}'`);
    if (!isDeliveryUrlOf(url, root)) {
      throw new SimFault(30001, `Invalid URL '${url}': not a Dynamic Media URL for company root '${root}'`);
    }
  }
  const numeric = company.handle.replace(/^\D*/, '') || company.handle;
  const invalidationHandle = `cdni|${numeric}|${randomUUID()}`;
  const estimatedSeconds = world.estimatedSeconds;
  world.invalidations.set(invalidationHandle, {
    companyHandle: company.handle,
    submittedAt: now,
    estimatedSeconds,
  });
  return {
    content: fields([
      ['invalidationHandle', invalidationHandle],
      ['estimatedSeconds', estimatedSeconds],
    ]),
    response: { invalidationHandle, estimatedSeconds },
  };
}

function getCompanyInfo({ world, caller, params }: OpInput): OpOutput {
  const handle = text(params, 'companyHandle');
  const name = text(params, 'companyName');
  let company: SimCompany | undefined;
  if (handle !== undefined && handle !== '') {
    company = requireCompany(world, handle);
  } else if (name !== undefined && name !== '') {
    company = [...world.companies.values()].find((c) => c.name === name);
    if (!company) throw new SimFault(20000, `Invalid company name '${name}'`);
  } else {
    throw new SimFault(30002, "Missing parameter: one of 'companyHandle', 'companyName' is required");
  }
  requireMember(caller, company, 'getCompanyInfo');
  return { content: `<companyInfo>${companyXml(company)}</companyInfo>` };
}

function getCompanyMembership({ world, caller, params }: OpInput): OpOutput {
  const asked = text(params, 'userHandle');
  let user = caller;
  if (asked !== undefined && asked !== '' && asked !== userHandleOf(world, caller)) {
    if (!caller.ipsAdmin)
      throw new SimFault(20003, "User does not have permission to access operation 'getCompanyMembership'");
    const other = [...world.users.values()].find((u) => userHandleOf(world, u) === asked);
    if (!other) throw new SimFault(20002, `Invalid user handle '${asked}'`);
    user = other;
  }
  let items = '';
  for (const company of world.companies.values()) {
    const role = user.roles?.[company.handle] ?? (user.ipsAdmin ? 'IpsAdmin' : undefined);
    if (role === undefined) continue;
    items += `<items><company>${companyXml(company)}</company>${fields([
      ['role', role],
      ['isActive', true],
    ])}</items>`;
  }
  return { content: `<membershipArray>${items}</membershipArray>` };
}

function memberXml(m: SimMember, index: number): string {
  const { first, last } = namesOf(m.email);
  const user = fields([
    ['userHandle', `u|${index + 1}|${m.email}`],
    ['firstName', first],
    ['lastName', last],
    ['email', m.email],
    ['isValid', m.valid !== false],
  ]);
  return `<items><user>${user}</user>${fields([
    ['role', m.role],
    ['isActive', m.active !== false],
  ])}</items>`;
}

function getCompanyMembers({ world, caller, params }: OpInput): OpOutput {
  const company = requireCompany(world, text(params, 'companyHandle'));
  requireAdmin(caller, company, 'getCompanyMembers');
  const includeInvalid = flag(params, 'includeInvalid');
  const includeInactive = flag(params, 'includeInactive');
  let items = '';
  (company.members ?? []).forEach((m, i) => {
    if (m.valid === false && !includeInvalid) return;
    if (m.active === false && !includeInactive) return;
    items += memberXml(m, i);
  });
  return { content: `<memberArray>${items}</memberArray>` };
}

function getCdnCacheInvalidationStatus({ world, caller, params, now }: OpInput): OpOutput {
  const company = requireCompany(world, text(params, 'companyHandle'));
  requireAdmin(caller, company, 'getCdnCacheInvalidationStatus');
  const handle = text(params, 'invalidationHandle');
  if (handle === undefined || handle === '')
    throw new SimFault(30002, "Missing parameter 'invalidationHandle'");
  const inv = world.invalidations.get(handle);
  if (!inv || inv.companyHandle !== company.handle) {
    throw new SimFault(30001, `Invalid invalidation handle '${handle}'`);
  }
  const doneAt = inv.submittedAt + inv.estimatedSeconds * 1000;
  if (now >= doneAt) {
    return {
      content: fields([
        ['status', 'Done'],
        ['completionTime', new Date(doneAt).toISOString()],
      ]),
    };
  }
  return {
    content: fields([
      ['status', 'InProgress'],
      ['pingAfterSeconds', Math.max(1, Math.ceil((doneAt - now) / 1000))],
    ]),
  };
}

function checkLogin({ world, params }: OpInput): OpOutput {
  const companyHandle = text(params, 'companyHandle');
  const company = companyHandle ? requireCompany(world, companyHandle) : undefined;
  const email = text(params, 'email');
  if (email === undefined) throw new SimFault(30002, "Missing parameter 'email'");
  const password = text(params, 'password');
  if (password === undefined) throw new SimFault(30002, "Missing parameter 'password'");
  const user = world.users.get(email.toLowerCase());
  const ok = !!user && user.password === password && (!company || roleIn(user, company.handle) !== undefined);
  return { content: fields([['status', ok ? 'ValidLogin' : 'InvalidLogin']]) };
}

function getUserInfo({ world, caller, params }: OpInput): OpOutput {
  const handle = text(params, 'userHandle');
  const email = text(params, 'email');
  let user: SimUser | undefined = caller;
  if (handle) user = [...world.users.values()].find((u) => userHandleOf(world, u) === handle);
  else if (email) user = world.users.get(email.toLowerCase());
  if (!user) throw new SimFault(30001, `Invalid user '${handle ?? email}'`);
  const { first, last } = namesOf(user.user);
  const defaultRole = user.ipsAdmin ? 'IpsAdmin' : Object.values(user.roles ?? {})[0];
  return {
    content: `<userInfo>${fields([
      ['userHandle', userHandleOf(world, user)],
      ['firstName', first],
      ['lastName', last],
      ['email', user.user],
      ['isValid', true],
      ['isIpsAdmin', !!user.ipsAdmin],
      ['defaultRole', defaultRole],
    ])}</userInfo>`,
  };
}

export const OPERATIONS: Readonly<Record<string, (input: OpInput) => OpOutput>> = {
  cdnCacheInvalidation,
  getCompanyInfo,
  getCompanyMembership,
  getCompanyMembers,
  getCdnCacheInvalidationStatus,
  checkLogin,
  getUserInfo,
};
