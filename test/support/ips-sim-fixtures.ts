import type { SimCompany, SimUser } from './ips-sim-types.js';

/**
 * The ready-made IPS world most tests need. The API user administers JJEsquire and Example.com and is
 * only an IpsUser of OtherCo, so every authorization branch is one company away.
 */

const API_USER = 'bot@example.com';
const API_PASSWORD = 'secret';

const companies: SimCompany[] = [
  {
    name: 'JJEsquire',
    handle: 'c|6',
    rootPath: 'JJEsquire/',
    members: [
      { email: 'web-ops@jjesquire.com', role: 'IpsCompanyAdmin', active: true, valid: true },
      { email: 'viewer@jjesquire.com', role: 'IpsUser', active: true, valid: true },
      { email: 'gone@jjesquire.com', role: 'IpsCompanyAdmin', active: false, valid: true },
      { email: 'invalid@jjesquire.com', role: 'IpsCompanyAdmin', active: true, valid: false },
      // Mixed case on purpose: e-mail comparison is the caller's job.
      { email: 'Ops.Lead@JJEsquire.com', role: 'IpsAdmin', active: true, valid: true },
    ],
  },
  {
    name: 'Example.com',
    handle: 'c|111',
    rootPath: 'Example.com/',
    members: [
      { email: 'web-ops@example.com', role: 'IpsCompanyAdmin', active: true, valid: true },
      { email: 'editor@example.com', role: 'IpsUser', active: true, valid: true },
    ],
  },
  {
    name: 'OtherCo',
    handle: 'c|42',
    rootPath: 'OtherCo/',
    members: [{ email: 'owner@otherco.example', role: 'IpsCompanyAdmin', active: true, valid: true }],
  },
];

const users: SimUser[] = [
  {
    user: API_USER,
    password: API_PASSWORD,
    roles: { 'c|6': 'IpsCompanyAdmin', 'c|111': 'IpsCompanyAdmin', 'c|42': 'IpsUser' },
  },
  { user: 'ips-admin@example.com', password: 'admin-secret', ipsAdmin: true },
  { user: 'viewer-bot@example.com', password: 'viewer-secret', roles: { 'c|6': 'IpsUser' } },
];

export const SIM_DEFAULTS: { user: string; password: string; companies: SimCompany[]; users: SimUser[] } = {
  user: API_USER,
  password: API_PASSWORD,
  companies,
  users,
};
