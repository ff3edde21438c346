import type { Env, IpsTuning } from '../../config/types.js';
import { IpsClient } from '../../ips/client.js';
import { APP_NAME, APP_VERSION } from '../../version.js';

/** The app's own IPS client, with its timeouts capped so no call outlives a doctor check. */
export function doctorIpsClient(env: Env, tuning: IpsTuning, timeoutMs: number): IpsClient {
  return new IpsClient({
    url: env.ipsApiUrl,
    user: env.ipsUser,
    password: env.ipsPassword,
    apiVersion: env.ipsApiVersion,
    appName: `${APP_NAME}-doctor`,
    appVersion: APP_VERSION,
    tuning: {
      ...tuning,
      connections: 2,
      connectTimeoutMs: Math.min(tuning.connectTimeoutMs, timeoutMs),
      headersTimeoutMs: Math.min(tuning.headersTimeoutMs, timeoutMs),
      bodyTimeoutMs: Math.min(tuning.bodyTimeoutMs, timeoutMs),
    },
  });
}
