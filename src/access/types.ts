/** What access decisions need to know about a Slack user; the Slack layer fills it from users.info. */
export interface UserProfile {
  id: string;
  email: string | undefined;
  isBot: boolean;
  deleted: boolean;
  /** Slack guests: multi-channel (`is_restricted`) or single-channel (`is_ultra_restricted`). */
  guest: boolean;
}

/** Looks a Slack user up; undefined when Slack does not know the user. */
export type UserLookup = (userId: string) => Promise<UserProfile | undefined>;

export type GrantSource = 'global-admin' | 'company-admin' | 'ips-role';

export type DenialReason = 'unknown-user' | 'bot' | 'deleted' | 'guest' | 'not-admin' | 'unknown-company';

export type AccessDecision =
  | { allowed: true; via: GrantSource }
  | { allowed: false; reason: DenialReason; message: string };
