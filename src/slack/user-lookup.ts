import type { webApi } from '@slack/bolt';
import type { UserLookup, UserProfile } from '../access/types.js';

type WebClient = webApi.WebClient;

/**
 * users.info → the profile access decisions need. Answers are kept briefly in memory: a modal
 * open and its submit a few seconds later should not both wait on Slack, but a user who was just
 * made a guest or deactivated must lose access within a minute.
 */
export function slackUserLookup(client: WebClient, ttlMs = 60_000, maxEntries = 5000): UserLookup {
  const cache = new Map<string, { at: number; profile: UserProfile | undefined }>();
  return async (userId) => {
    const hit = cache.get(userId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.profile;
    let profile: UserProfile | undefined;
    try {
      const res = await client.users.info({ user: userId });
      const u = res.user;
      profile = u?.id
        ? {
            id: u.id,
            email: u.profile?.email || undefined,
            isBot: Boolean(u.is_bot || u.is_app_user),
            deleted: Boolean(u.deleted),
            guest: Boolean(u.is_restricted || u.is_ultra_restricted),
          }
        : undefined;
    } catch (err) {
      if ((err as { data?: { error?: string } }).data?.error !== 'user_not_found') throw err;
    }
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(userId, { at: Date.now(), profile });
    return profile;
  };
}
