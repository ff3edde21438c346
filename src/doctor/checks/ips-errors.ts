import { redactUrl } from '../../config/summary.js';
import type { Env } from '../../config/types.js';
import { IpsFault, IpsTransportError } from '../../ips/errors.js';
import { type CheckResult, fail } from '../types.js';

const ENDPOINT_FIX =
  'check IPS_REGION (na, emea, apac) or IPS_API_URL, and that this host can reach the endpoint (proxy, firewall, DNS)';

/** `fault 10001 INVALID_CREDENTIALS: Invalid username/password` */
export function describeFault(fault: IpsFault): string {
  return `fault ${fault.code} ${fault.codeName}: ${fault.reason}`;
}

/**
 * A failed IPS call as a doctor line. Messages name the endpoint and the user, never the password:
 * the client's own messages carry the operation, the HTTP status or the socket error only.
 */
export function ipsFailure(name: string, err: unknown, env: Env): CheckResult {
  const endpoint = redactUrl(env.ipsApiUrl);
  if (err instanceof IpsFault) {
    if (err.kind === 'authentication') {
      return fail(
        name,
        `IPS refused IPS_USER/IPS_PASSWORD (${describeFault(err)})`,
        `check IPS_USER (${env.ipsUser}) and IPS_PASSWORD: the IPS API account's e-mail and password, for the region of ${endpoint}`,
      );
    }
    return fail(
      name,
      `IPS answered ${describeFault(err)}`,
      'see the IPS fault codes; an authorization fault means the account lacks a role',
    );
  }
  if (err instanceof IpsTransportError) {
    if (err.type === 'http-status') {
      return fail(
        name,
        `${endpoint} answered HTTP ${err.httpStatus ?? '?'} instead of SOAP: is it the IPS endpoint?`,
        ENDPOINT_FIX,
      );
    }
    if (err.type === 'invalid-response') {
      return fail(name, `${endpoint} gave a reply that is not IPS SOAP: ${err.message}`, ENDPOINT_FIX);
    }
    return fail(name, `cannot reach IPS at ${endpoint}: ${err.message}`, ENDPOINT_FIX);
  }
  return fail(name, `IPS call failed: ${err instanceof Error ? err.message : String(err)}`, ENDPOINT_FIX);
}
