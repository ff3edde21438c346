import { randomUUID } from 'node:crypto';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../log.js';
import { isFinal, type PurgeView } from '../purge/model.js';
import type { Notifier } from '../purge/ports.js';
import type { RedisClient } from '../redis.js';
import { announcement, outcomeReply, purgeMessage } from './blocks/purge-message.js';
import type { MessageContent } from './blocks/status.js';

type WebClient = webApi.WebClient;

/** Errors after which the bot answers the requester in a DM instead (design.md "Where replies go"). */
const FALLBACK_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'team_access_not_granted',
]);

/**
 * How long the first-post lock lasts without renewal. It is renewed while the post is in flight
 * (a patient WebClient may wait out a rate limit), so it only matters when a replica dies.
 */
const LOCK_LEASE_MS = 15_000;
const LOCK_RENEW_MS = 5_000;
const WAIT_STEP_MS = 50;
const DEFAULT_FIRST_POST_WAIT_MS = 15_000;
const DEFAULT_RETENTION_SECONDS = 30 * 86_400;

const RELEASE_LOCK =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
const RENEW_LOCK =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";

export type SlackNotifyErrorCode = 'MESSAGE_PENDING' | 'NO_TS';

/** The notifier could not do its part yet; thrown from `confirmed`/`failed` so the engine retries. */
export class SlackNotifyError extends Error {
  override readonly name = 'SlackNotifyError';
  constructor(
    readonly code: SlackNotifyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface MessageRecord {
  channel: string;
  ts: string;
  /** Thread that replies go to. */
  thread: string;
  /** `<channel>|<error>` when the bot could not post where asked and fell back to a DM. */
  fallback?: string;
  announceChannel?: string;
  announceTs?: string;
  /** Set once the outcome reply is delivered: a repeated `confirmed` must not post it again. */
  replyTs?: string;
}

interface Ensured {
  rec: MessageRecord;
  /** True when this call posted the message, so it already shows the state it was given. */
  created: boolean;
}

export interface SlackNotifierOptions {
  client: WebClient;
  redis: RedisClient;
  /** Hash-tagged key prefix, e.g. `{dmpurge}:`. */
  keyPrefix: string;
  /** The freshest state of a purge, so a late progress call never shows an older state. */
  load(id: string): Promise<PurgeView | undefined>;
  /** The company's announcement channel, if any. */
  companyChannel(companyName: string): string | undefined;
  logger: Logger;
  retentionSeconds?: number;
  /** How long a call waits for another caller (or replica) that is posting the first message. */
  firstPostWaitMs?: number;
}

/**
 * Tells Slack what happens to a purge: one message per purge, updated in place, and one threaded
 * reply with the outcome. The engine guarantees `confirmed`/`failed` are called once; this class
 * makes sure the first message is posted once even when progress calls race across replicas, and
 * that a repeated final call does not post the reply twice.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly o: SlackNotifierOptions) {}

  async progress(purge: PurgeView): Promise<void> {
    const ensured = await this.ensureMessage(purge, () => this.latest(purge));
    if (!ensured) {
      this.o.logger.warn(
        { purgeId: purge.id },
        'purge message still being posted elsewhere; skipped a progress note',
      );
      return;
    }
    if (ensured.created) return;
    const latest = await this.latest(purge);
    // Once the outcome is out, only a final state may be shown: a stale view must not undo it.
    if (ensured.rec.replyTs && !isFinal(latest.status)) return;
    await this.render(ensured.rec, latest);
    if (isFinal(latest.status)) return;
    // The outcome may have landed while we rendered an older state; the root must end up final.
    const now = await this.read(this.key(purge.id));
    if (now?.replyTs) {
      const fresh = await this.latest(purge);
      if (isFinal(fresh.status)) await this.render(now, fresh);
    }
  }

  confirmed(purge: PurgeView): Promise<void> {
    return this.finish(purge);
  }

  failed(purge: PurgeView): Promise<void> {
    return this.finish(purge);
  }

  private async finish(purge: PurgeView): Promise<void> {
    const ensured = await this.ensureMessage(purge, async () => purge);
    if (!ensured) {
      throw new SlackNotifyError(
        'MESSAGE_PENDING',
        `the Slack message of purge ${purge.id} is still being posted`,
      );
    }
    const { rec, created } = ensured;
    if (rec.replyTs) {
      this.o.logger.info({ purgeId: purge.id }, 'purge outcome was already posted; not posting it again');
    } else {
      // The reply is what the user waits for: it goes first, and a failure here is retried by the engine.
      const replyTs = await this.postReply(purge, rec);
      try {
        await this.o.redis.hset(this.key(purge.id), 'replyTs', replyTs);
      } catch (err) {
        // The reply is out; failing now would make the engine post it a second time.
        this.o.logger.warn({ purgeId: purge.id, err }, 'could not record the posted outcome');
      }
      this.o.logger.info({ purgeId: purge.id, status: purge.status }, 'purge outcome posted');
    }
    if (!created) await this.render(rec, purge);
  }

  private async latest(purge: PurgeView): Promise<PurgeView> {
    return (await this.o.load(purge.id)) ?? purge;
  }

  private key(id: string): string {
    return `${this.o.keyPrefix}slack:msg:${id}`;
  }

  /** The purge's message and its company-channel copy, both showing `p`. */
  private async render(rec: MessageRecord, p: PurgeView): Promise<void> {
    await this.update(rec.channel, rec.ts, purgeMessage(p, fallbackNote(rec)));
    if (rec.announceChannel && rec.announceTs)
      await this.update(rec.announceChannel, rec.announceTs, announcement(p));
  }

  /**
   * Posts the purge's message once across callers and replicas; later calls find it in Redis.
   * Undefined when someone else is still posting after `firstPostWaitMs`.
   */
  private async ensureMessage(p: PurgeView, view: () => Promise<PurgeView>): Promise<Ensured | undefined> {
    const key = this.key(p.id);
    const lock = `${key}:lock`;
    const deadline = Date.now() + (this.o.firstPostWaitMs ?? DEFAULT_FIRST_POST_WAIT_MS);
    for (;;) {
      const existing = await this.read(key);
      if (existing) return { rec: existing, created: false };
      const token = randomUUID();
      if ((await this.o.redis.set(lock, token, 'PX', LOCK_LEASE_MS, 'NX')) === 'OK') {
        try {
          // The holder before us may have finished between our read and our lock.
          const again = await this.read(key);
          if (again) return { rec: again, created: false };
          const stopRenewing = this.keepLock(lock, token);
          try {
            return { rec: await this.postAndRecord(key, await view()), created: true };
          } finally {
            stopRenewing();
          }
        } finally {
          await this.o.redis.eval(RELEASE_LOCK, 1, lock, token).catch((err: unknown) => {
            this.o.logger.warn(
              { purgeId: p.id, err },
              'could not release the message lock; it expires on its own',
            );
          });
        }
      }
      // Someone else is posting; when they finish (or give up) the record appears (or the lock frees).
      if (Date.now() >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
    }
  }

  private keepLock(lock: string, token: string): () => void {
    const timer = setInterval(() => {
      this.o.redis.eval(RENEW_LOCK, 1, lock, token, String(LOCK_LEASE_MS)).catch(() => {
        // A missed renewal only shortens the lease; the next tick tries again.
      });
    }, LOCK_RENEW_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async postAndRecord(key: string, p: PurgeView): Promise<MessageRecord> {
    const rec = await this.postFirst(p);
    const announceTo = this.o.companyChannel(p.company.name);
    if (announceTo && announceTo !== rec.channel && announceTo !== p.origin.channel) {
      try {
        const res = await this.o.client.chat.postMessage({
          channel: announceTo,
          unfurl_links: false,
          unfurl_media: false,
          ...announcement(p),
        });
        if (res.ts) {
          rec.announceChannel = res.channel ?? announceTo;
          rec.announceTs = res.ts;
        }
      } catch (err) {
        this.o.logger.warn(
          { err: errorCode(err) ?? String(err), purgeId: p.id, channel: announceTo },
          'could not announce in the company channel',
        );
      }
    }
    const fields: Record<string, string> = { channel: rec.channel, ts: rec.ts, thread: rec.thread };
    if (rec.fallback) fields.fallback = rec.fallback;
    if (rec.announceChannel && rec.announceTs) {
      fields.announceChannel = rec.announceChannel;
      fields.announceTs = rec.announceTs;
    }
    await this.o.redis
      .multi()
      .hset(key, fields)
      .expire(key, this.o.retentionSeconds ?? DEFAULT_RETENTION_SECONDS)
      .exec();
    return rec;
  }

  private async postFirst(p: PurgeView): Promise<MessageRecord> {
    const threadTs = p.origin.kind === 'shortcut' ? p.origin.threadTs : undefined;
    try {
      const res = await this.o.client.chat.postMessage({
        channel: p.origin.channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
        ...purgeMessage(p),
      });
      const ts = requireTs(res.ts, p.id);
      return { channel: res.channel ?? p.origin.channel, ts, thread: threadTs ?? ts };
    } catch (err) {
      const code = errorCode(err);
      if (!code || !FALLBACK_ERRORS.has(code)) throw err;
      this.o.logger.info(
        { purgeId: p.id, channel: p.origin.channel, error: code },
        'cannot post in the channel; answering in a DM',
      );
      const fallback = `${p.origin.channel}|${code}`;
      const res = await this.postDm(p.requester, purgeMessage(p, fallbackNote({ fallback })), err);
      const ts = requireTs(res.ts, p.id);
      return { channel: res.channel, ts, thread: ts, fallback };
    }
  }

  /** Posts the outcome in the purge's thread, or in a DM when the bot lost access to the channel. */
  private async postReply(p: PurgeView, rec: MessageRecord): Promise<string> {
    const content = outcomeReply(p);
    try {
      const res = await this.o.client.chat.postMessage({
        channel: rec.channel,
        thread_ts: rec.thread,
        unfurl_links: false,
        unfurl_media: false,
        ...content,
      });
      return requireTs(res.ts, p.id);
    } catch (err) {
      const code = errorCode(err);
      if (rec.fallback || !code || !FALLBACK_ERRORS.has(code)) throw err;
      this.o.logger.info(
        { purgeId: p.id, channel: rec.channel, error: code },
        'cannot reply in the thread any more; answering in a DM',
      );
      const note = fallbackNote({ fallback: `${rec.channel}|${code}` });
      const res = await this.postDm(
        p.requester,
        {
          text: content.text,
          blocks: [...content.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: note ?? '' }] }],
        },
        err,
      );
      return requireTs(res.ts, p.id);
    }
  }

  private async postDm(
    user: string,
    content: MessageContent,
    cause: unknown,
  ): Promise<{ channel: string; ts: string | undefined }> {
    const dm = await this.o.client.conversations.open({ users: user });
    const channel = dm.channel?.id;
    if (!channel) throw cause;
    const res = await this.o.client.chat.postMessage({
      channel,
      unfurl_links: false,
      unfurl_media: false,
      ...content,
    });
    return { channel: res.channel ?? channel, ts: res.ts };
  }

  private async update(channel: string, ts: string, content: MessageContent): Promise<void> {
    try {
      await this.o.client.chat.update({ channel, ts, ...content });
    } catch (err) {
      // The message is a convenience; the threaded reply is what counts.
      this.o.logger.warn({ err: errorCode(err) ?? String(err), channel }, 'could not update a purge message');
    }
  }

  private async read(key: string): Promise<MessageRecord | undefined> {
    const h = await this.o.redis.hgetall(key);
    if (!h.ts || !h.channel || !h.thread) return undefined;
    return {
      channel: h.channel,
      ts: h.ts,
      thread: h.thread,
      ...(h.fallback ? { fallback: h.fallback } : {}),
      ...(h.announceChannel && h.announceTs
        ? { announceChannel: h.announceChannel, announceTs: h.announceTs }
        : {}),
      ...(h.replyTs ? { replyTs: h.replyTs } : {}),
    };
  }
}

function requireTs(ts: string | undefined, purgeId: string): string {
  if (!ts) throw new SlackNotifyError('NO_TS', `Slack answered a post for purge ${purgeId} without a ts`);
  return ts;
}

/** Why the bot answers in a DM, in words the requester can act on. */
function fallbackNote(rec: Pick<MessageRecord, 'fallback'>): string | undefined {
  if (!rec.fallback) return undefined;
  const bar = rec.fallback.indexOf('|');
  const channel = bar >= 0 ? rec.fallback.slice(0, bar) : rec.fallback;
  const code = bar >= 0 ? rec.fallback.slice(bar + 1) : '';
  const where = /^[CG][A-Z0-9]+$/.test(channel) ? `<#${channel}>` : 'that conversation';
  switch (code) {
    case 'not_in_channel':
      return `I'm answering in this DM because I couldn't post in ${where}: I am not a member of that private channel. Invite me there (\`/invite\`) to get answers in the channel next time.`;
    case 'channel_not_found':
      return `I'm answering in this DM because I couldn't post in ${where}: I cannot see it (a private channel I'm not in, or a direct message between other people).`;
    case 'is_archived':
      return `I'm answering in this DM because ${where} is archived.`;
    default:
      return `I'm answering in this DM because I couldn't post in ${where} (Slack said \`${code || 'unknown'}\`).`;
  }
}

export function errorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
