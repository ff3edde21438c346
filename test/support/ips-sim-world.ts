import { SimFault } from './ips-sim-soap.js';
import type { SimCompany, SimUser } from './ips-sim-types.js';

/** The simulator's mutable state and the authentication/authorization rules over it. */

export interface Invalidation {
  companyHandle: string;
  submittedAt: number;
  estimatedSeconds: number;
}

export interface SimWorld {
  /** By handle. */
  companies: Map<string, SimCompany>;
  /** By lower-case user e-mail. */
  users: Map<string, SimUser>;
  estimatedSeconds: number;
  /** URL → fault code, from `failUrl`. */
  failingUrls: Map<string, number>;
  invalidations: Map<string, Invalidation>;
}

export function createWorld(companies: SimCompany[], users: SimUser[], estimatedSeconds: number): SimWorld {
  const world: SimWorld = {
    companies: new Map(),
    users: new Map(),
    estimatedSeconds,
    failingUrls: new Map(),
    invalidations: new Map(),
  };
  for (const c of companies) addCompany(world, c);
  for (const u of users) addUser(world, u);
  return world;
}

export function addCompany(world: SimWorld, c: SimCompany): void {
  if (!c.rootPath.endsWith('/')) throw new Error(`SimCompany ${c.name}: rootPath must end with '/'`);
  world.companies.set(c.handle, structuredClone(c));
}

export function addUser(world: SimWorld, u: SimUser): void {
  world.users.set(u.user.toLowerCase(), structuredClone(u));
}

export function userHandleOf(world: SimWorld, user: SimUser): string {
  let i = 0;
  for (const key of world.users.keys()) {
    if (key === user.user.toLowerCase()) break;
    i++;
  }
  return `u|${100 + i}|${user.user}`;
}

/** authHeader credentials first, HTTP Basic as IPS's documented alternative. */
export function authenticate(
  world: SimWorld,
  user: string | undefined,
  password: string | undefined,
  basicAuthorization: string | undefined,
): SimUser {
  let name = user;
  let secret = password;
  if ((name === undefined || secret === undefined) && basicAuthorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(basicAuthorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      name = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    }
  }
  if (!name || secret === undefined || secret === '') {
    throw new SimFault(10000, 'The request could not be authenticated: no credentials were provided');
  }
  const found = world.users.get(name.toLowerCase());
  if (!found || found.password !== secret) throw new SimFault(10001, 'Invalid username/password');
  return found;
}

export function roleIn(user: SimUser, companyHandle: string): string | undefined {
  return user.ipsAdmin ? 'IpsAdmin' : user.roles?.[companyHandle];
}

export function requireCompany(world: SimWorld, handle: string | undefined): SimCompany {
  if (handle === undefined || handle === '') throw new SimFault(30002, "Missing parameter 'companyHandle'");
  const company = world.companies.get(handle);
  if (!company) throw new SimFault(20000, `Invalid company handle '${handle}'`);
  return company;
}

function denied(operation: string): SimFault {
  return new SimFault(20003, `User does not have permission to access operation '${operation}'`);
}

/** IpsAdmin, or IpsCompanyAdmin of this company. */
export function requireAdmin(user: SimUser, company: SimCompany, operation: string): void {
  const role = roleIn(user, company.handle);
  if (role !== 'IpsAdmin' && role !== 'IpsCompanyAdmin') throw denied(operation);
}

/** Any role in this company. */
export function requireMember(user: SimUser, company: SimCompany, operation: string): void {
  if (roleIn(user, company.handle) === undefined) throw denied(operation);
}
