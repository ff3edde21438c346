/** What both SOAP clients send in the soap-client rows: 1000 URLs the simulator accepts for JJEsquire. */
import { SIM_DEFAULTS } from '../../test/support/ips-simulator.js';

export const COMPANY_HANDLE = 'c|6';
export const API_VERSION = '2014-04-03';
export const IPS_NAMESPACE = `http://www.scene7.com/IpsApi/xsd/${API_VERSION}`;
export const CREDENTIALS = { user: SIM_DEFAULTS.user, password: SIM_DEFAULTS.password };
export const APP = { appName: 'dm-purge', appVersion: '0.1.0', locale: 'en-US' };

/** Presets and `&` in every URL, so each one takes the escaping path in both clients. */
export function benchUrls(count = 1000): string[] {
  const presets = ['$thumbnail$', '$product$', '$large$', '$zoom$'];
  return Array.from(
    { length: count },
    (_, i) =>
      `https://s7d7.scene7.com/is/image/JJEsquire/SS26-knit-polo-${String(i).padStart(5, '0')}?${presets[i % 4]}&wid=${200 + (i % 7) * 100}&fmt=webp`,
  );
}
