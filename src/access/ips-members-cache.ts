import type { CompanyMember, IpsGateway } from '../ips/types.js';
import type { RedisClient } from '../redis.js';

/** Members of one company, as the IPS-role check needs them. */
export type MembersOf = (companyHandle: string) => Promise<CompanyMember[]>;

/**
 * getCompanyMembers is a heavy call and membership changes rarely, so answers are kept in Redis
 * (shared by replicas) for a while; a failed lookup is not cached.
 */
export function cachedMembersOf(
  ips: Pick<IpsGateway, 'getCompanyMembers'>,
  redis: RedisClient,
  keyPrefix: string,
  ttlSeconds = 600,
): MembersOf {
  return async (companyHandle) => {
    const key = `${keyPrefix}ipsmembers:${companyHandle}`;
    const hit = await redis.get(key);
    if (hit !== null) return JSON.parse(hit) as CompanyMember[];
    const members = await ips.getCompanyMembers(companyHandle);
    await redis.set(key, JSON.stringify(members), 'EX', ttlSeconds);
    return members;
  };
}
