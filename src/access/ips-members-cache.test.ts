import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import { cachedMembersOf } from './ips-members-cache.js';

const redis = new Redis(TEST_REDIS_URL);
const prefix = testPrefix('members');

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

describe('cachedMembersOf', () => {
  it('asks IPS once per company within the TTL, and again for another company', async () => {
    const getCompanyMembers = vi.fn(async (handle: string) => [
      { email: `a@${handle}`, role: 'IpsCompanyAdmin', active: true, valid: true },
    ]);
    const membersOf = cachedMembersOf({ getCompanyMembers }, redis, `${prefix}:`);
    const first = await membersOf('c|6');
    const second = await membersOf('c|6');
    await membersOf('c|7');
    expect(second).toEqual(first);
    expect(getCompanyMembers).toHaveBeenCalledTimes(2);
    expect(await redis.ttl(`${prefix}:ipsmembers:c|6`)).toBeGreaterThan(500);
  });

  it('does not cache a failure', async () => {
    let calls = 0;
    const membersOf = cachedMembersOf(
      {
        getCompanyMembers: async () => {
          calls++;
          if (calls === 1) throw new Error('timeout');
          return [];
        },
      },
      redis,
      `${prefix}:`,
    );
    await expect(membersOf('c|9')).rejects.toThrow('timeout');
    await expect(membersOf('c|9')).resolves.toEqual([]);
  });
});
