import type { PurgeErrorInfo } from '../../purge/model.js';

/** IPS errors in plain words with what to do next (codes from the IPS fault table). */
export function faultAdvice(error: PurgeErrorInfo, company: string): string {
  const code = typeof error.code === 'number' ? error.code : Number(error.code);
  if (error.kind === 'authentication' || (code >= 10000 && code < 20000)) {
    return "Dynamic Media refused dm-purge's API login. Your dm-purge operator must check IPS_USER and IPS_PASSWORD; purge again once that is fixed.";
  }
  if (code === 20000 || code === 20006) {
    return `Dynamic Media does not know ${company} for dm-purge's API account. Your operator should check the company name in purge.config.yml.`;
  }
  if (error.kind === 'authorization') {
    return `dm-purge's API account may not purge ${company} (it must be an IpsCompanyAdmin of it). Ask your Dynamic Media admin to grant that role, then purge again.`;
  }
  if (code === 30001) {
    return 'Dynamic Media rejected these URLs as not belonging to the company. Check the host, the path and the root ID, then purge the corrected URLs.';
  }
  if (code === 30002 || code === 30003) {
    return 'Dynamic Media says the request was malformed. This is a dm-purge bug: tell your operator, with the purge id.';
  }
  if (code === 30000) {
    return 'Dynamic Media had an internal error. Try the purge again in a few minutes.';
  }
  if (error.kind === 'transport') {
    return 'Dynamic Media did not answer, even after several tries. Try again in a few minutes; if it keeps failing, tell your operator.';
  }
  return 'Try again in a few minutes; if it keeps failing, tell your operator with the purge id.';
}

export function errorLabel(error: PurgeErrorInfo): string {
  const code = error.code !== undefined ? ` ${error.code}${error.codeName ? ` ${error.codeName}` : ''}` : '';
  return `${error.kind === 'transport' ? 'network error' : `IPS ${error.kind} fault`}${code}: ${error.reason}`;
}
