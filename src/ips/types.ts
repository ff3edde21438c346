/** What the rest of dm-purge knows about IPS: plain data and one gateway interface. */

export interface CompanyInfo {
  companyHandle: string;
  name: string;
  /** `rootPath` without its trailing `/`; URLs must contain it exactly. */
  rootId: string;
}

export interface CdnInvalidation {
  invalidationHandle: string;
  estimatedSeconds: number;
}

export interface CompanyMembership {
  company: CompanyInfo;
  role: string;
  active: boolean;
}

export interface CompanyMember {
  email: string;
  role: string;
  active: boolean;
  valid: boolean;
}

export interface CdnInvalidationStatus {
  status: string;
  pingAfterSeconds: number | undefined;
  completionTime: string | undefined;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** The IPS operations dm-purge uses. `IpsClient` implements it; tests may substitute it. */
export interface IpsGateway {
  cdnCacheInvalidation(
    companyHandle: string,
    urls: readonly string[],
    options?: CallOptions,
  ): Promise<CdnInvalidation>;
  getCompanyInfo(companyName: string, options?: CallOptions): Promise<CompanyInfo>;
  getCompanyMembership(options?: CallOptions): Promise<CompanyMembership[]>;
  getCompanyMembers(companyHandle: string, options?: CallOptions): Promise<CompanyMember[]>;
  getCdnCacheInvalidationStatus(
    companyHandle: string,
    invalidationHandle: string,
    options?: CallOptions,
  ): Promise<CdnInvalidationStatus>;
}

/** IPS accepts at most this many URLs in one cdnCacheInvalidation call (XSD maxOccurs). */
export const IPS_MAX_URLS_PER_CALL = 1000;

/** Roles that may call cdnCacheInvalidation (and so may administer purges of a company). */
export const IPS_ADMIN_ROLES: ReadonlySet<string> = new Set(['IpsAdmin', 'IpsCompanyAdmin']);
