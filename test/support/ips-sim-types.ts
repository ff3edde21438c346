/** Public shapes of the IPS simulator (see ips-simulator.ts). */

export interface SimMember {
  email: string;
  /** e.g. `IpsCompanyAdmin`, `IpsAdmin`, `IpsUser`. */
  role: string;
  /** Default true. */
  active?: boolean;
  /** Default true. */
  valid?: boolean;
}

export interface SimCompany {
  name: string;
  handle: string;
  /** With the trailing `/`; URLs must contain it without the slash, exact case. */
  rootPath: string;
  members?: SimMember[];
}

export interface SimUser {
  user: string;
  password: string;
  /** Global role: may do anything in every company. */
  ipsAdmin?: boolean;
  /** Role per company handle. */
  roles?: Record<string, string>;
}

export type SimFaultKind = 'authentication' | 'authorization' | 'ipsApi';

export type SimFailure =
  | { kind: 'http'; status: number; body?: string; contentType?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'fault'; fault: SimFaultKind; code: number; reason: string };

export interface RecordedCall {
  operation: string;
  soapAction: string | undefined;
  /** 0 while unanswered, and for `reset`/`hang`. */
  httpStatus: number;
  at: number;
  companyHandle?: string;
  urls?: string[];
  user?: string;
  authNamespace?: string;
  bodyNamespace?: string;
  faultCode?: number;
  response?: { invalidationHandle: string; estimatedSeconds: number };
  /** Additions beyond the brief, for tests that check what the client sends. */
  appName?: string;
  envelope?: 'soap11' | 'soap12' | 'pox';
}

export interface IpsSimulatorOptions {
  companies?: SimCompany[];
  users?: SimUser[];
  estimatedSeconds?: number;
  latencyMs?: number;
  /** Gzip responses when the client accepts it; default true. */
  gzip?: boolean;
}

export interface IpsSimulator {
  /** Full SOAP endpoint: http://127.0.0.1:<port>/scene7/services/IpsApiService */
  url: string;
  /** The plain-XML ("POX") endpoint: http://127.0.0.1:<port>/scene7/api/IpsApiService */
  poxUrl: string;
  origin: string;
  /** Every call, in order (the same array for the simulator's whole life). */
  calls: RecordedCall[];
  /** TCP connections accepted so far. */
  connections: number;
  failNext(n: number, failure: SimFailure, operation?: string): void;
  failUrl(url: string, code?: number): void;
  setLatency(ms: number): void;
  setEstimatedSeconds(s: number): void;
  addCompany(c: SimCompany): void;
  addUser(u: SimUser): void;
  /** Clears calls and pending failures (failNext and failUrl). */
  reset(): void;
  /** Also ends hanging requests. */
  close(): Promise<void>;
}
