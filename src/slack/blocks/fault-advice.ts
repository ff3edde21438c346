import type { PurgeErrorInfo } from '../../purge/model.js';
import { mrkdwnEscape } from './text.js';

/**
 * IPS errors in plain words with what to do next (codes from the IPS fault table). Returns mrkdwn:
 * the company name is escaped here, so callers must not escape the result again.
 */
export function faultAdvice(error: PurgeErrorInfo, company: string): string {
  const who = mrkdwnEscape(company);
  const code = typeof error.code === 'number' ? error.code : Number(error.code);
  if (error.kind === 'authentication' || (code >= 10000 && code < 20000)) {
    return "Dynamic Media refused dm-purge's API login. Your dm-purge operator must check `IPS_USER` and `IPS_PASSWORD`; purge again once that is fixed.";
  }
  if (code === 20000 || code === 20006) {
    return `Dynamic Media does not know ${who} for dm-purge's API account. Your operator should check the company name in \`purge.config.yml\`.`;
  }
  if (error.kind === 'authorization') {
    return `dm-purge's API account may not purge ${who} (it must be an IpsCompanyAdmin of it). Ask your Dynamic Media admin to grant that role, then purge again.`;
  }
  if (code === 30001) {
    return 'Dynamic Media rejected these URLs as not belonging to the company. Check the host, the path and the root ID, then purge the corrected URLs.';
  }
  if (code === 30002 || code === 30003 || error.kind === 'request') {
    return 'The request to Dynamic Media was malformed. This is a dm-purge bug: tell your operator, with the purge id.';
  }
  if (code === 30000) {
    return 'Dynamic Media had an internal error. Try the purge again in a few minutes.';
  }
  if (error.kind === 'transport') {
    return 'Dynamic Media did not answer, even after several tries. Try again in a few minutes; if it keeps failing, tell your operator.';
  }
  return 'Try again in a few minutes; if it keeps failing, tell your operator with the purge id.';
}

const KIND_LABEL: Readonly<Record<PurgeErrorInfo['kind'], string>> = {
  authentication: 'IPS authentication fault',
  authorization: 'IPS authorization fault',
  ipsApi: 'IPS API fault',
  transport: 'network error',
  request: 'request refused before sending',
  internal: 'internal error',
};

/** Plain text (callers escape it): kind, code, code name and IPS's own reason. */
export function errorLabel(error: PurgeErrorInfo): string {
  const code = error.code !== undefined ? ` ${error.code}${error.codeName ? ` ${error.codeName}` : ''}` : '';
  return `${KIND_LABEL[error.kind] ?? 'error'}${code}: ${error.reason}`;
}
