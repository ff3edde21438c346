import type { webApi } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { PurgeView } from '../purge/model.js';
import type { Notifier } from '../purge/ports.js';
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

interface MessageRecord {
  channel: string;
  ts: string;
  /** Thread that replies go to. */
  thread: string;
  /** Set when the bot could not post where asked and fell back to a DM. */
  fallback?: string;
  announceChannel?: string;
  announceTs?: string;
}

export interface SlackNotifierOptions {
  client: WebClient;
  redis: Redis;
  /** Hash-tagged key prefix, e.g. `{dmpurge}:`. */
  keyPrefix: string;
  /** The freshest state of a purge, so a late progress call never shows an older state. */
  load(id: string): Promise<PurgeView | undefined>;
  /** The company's announcement channel, if any. */
  companyChannel(companyName: string): string | undefined;
  logger: Logger;
  retentionSeconds?: number;
}

/**
 * Tells Slack what happens to a purge: one message per purge, updated in place, and one threaded
 * reply with the outcome. The engine guarantees `confirmed`/`failed` are called once; this class
 * makes sure the first message is posted once even when progress calls race.
 */
export class SlackNotifier implements Notifier {
  constructor(private readonly o: SlackNotifierOptions) {}

  async progress(purge: PurgeView): Promise<void> {
    const latest = (await this.o.load(purge.id)) ?? purge;
    const rec = await this.ensureMessage(latest);
    if (!rec) return;
    await this.update(rec.channel, rec.ts, purgeMessage(latest, fallbackNote(rec)));
    if (rec.announceChannel && rec.announceTs)
      await this.update(rec.announceChannel, rec.announceTs, announcement(latest));
  }

  confirmed(purge: PurgeView): Promise<void> {
    return this.finish(purge);
  }

  failed(purge: PurgeView): Promise<void> {
    return this.finish(purge);
  }

  private async finish(purge: PurgeView): Promise<void> {
    const rec = await this.ensureMessage(purge);
    if (!rec) throw new Error(`no Slack message for purge ${purge.id} yet`);
    // The reply is what the user waits for: it goes first, and a failure here is retried by the engine.
    await this.o.client.chat.postMessage({
      channel: rec.channel,
      thread_ts: rec.thread,
      unfurl_links: false,
      unfurl_media: false,
      ...outcomeReply(purge),
    });
    this.o.logger.info(
      {
        audit: `purge.${purge.status === 'failed' ? 'failed' : 'confirmed'}`,
        purgeId: purge.id,
        user: purge.requester,
        company: purge.company.name,
        urls: purge.counts.total,
        status: purge.status,
      },
      'purge outcome posted',
    );
    await this.update(rec.channel, rec.ts, purgeMessage(purge, fallbackNote(rec)));
    if (rec.announceChannel && rec.announceTs)
      await this.update(rec.announceChannel, rec.announceTs, announcement(purge));
  }

  /** Posts the purge's message once across replicas; later calls find it in Redis. */
  private async ensureMessage(p: PurgeView): Promise<MessageRecord | undefined> {
    const key = `${this.o.keyPrefix}slack:msg:${p.id}`;
    const existing = await this.read(key);
    if (existing) return existing;
    const lock = `${key}:lock`;
    const got = await this.o.redis.set(lock, '1', 'PX', 30_000, 'NX');
    if (got !== 'OK') {
      for (let i = 0; i < 150; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const rec = await this.read(key);
        if (rec) return rec;
      }
      return undefined;
    }
    try {
      const rec = await this.postFirst(p);
      const ttl = this.o.retentionSeconds ?? 30 * 86_400;
      const fields: Record<string, string> = { channel: rec.channel, ts: rec.ts, thread: rec.thread };
      if (rec.fallback) fields.fallback = rec.fallback;
      const announceTo = this.o.companyChannel(p.company.name);
      if (announceTo && announceTo !== rec.channel) {
        try {
          const res = await this.o.client.chat.postMessage({
            channel: announceTo,
            unfurl_links: false,
            ...announcement(p),
          });
          if (res.ts) Object.assign(fields, { announceChannel: announceTo, announceTs: res.ts });
        } catch (err) {
          this.o.logger.warn(
            { err: errorCode(err), purgeId: p.id, channel: announceTo },
            'could not announce in the company channel',
          );
        }
      }
      await this.o.redis.multi().hset(key, fields).expire(key, ttl).exec();
      return {
        ...rec,
        ...(fields.announceTs
          ? { announceChannel: fields.announceChannel, announceTs: fields.announceTs }
          : {}),
      };
    } finally {
      await this.o.redis.del(lock);
    }
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
      const ts = res.ts!;
      return { channel: res.channel ?? p.origin.channel, ts, thread: threadTs ?? ts };
    } catch (err) {
      const code = errorCode(err);
      if (!code || !FALLBACK_ERRORS.has(code)) throw err;
      this.o.logger.info(
        { purgeId: p.id, channel: p.origin.channel, error: code },
        'cannot post in the channel; answering in a DM',
      );
      const dm = await this.o.client.conversations.open({ users: p.requester });
      const channel = dm.channel?.id;
      if (!channel) throw err;
      const rec: MessageRecord = { channel, ts: '', thread: '', fallback: `${p.origin.channel}|${code}` };
      const res = await this.o.client.chat.postMessage({
        channel,
        unfurl_links: false,
        unfurl_media: false,
        ...purgeMessage(p, fallbackNote(rec)),
      });
      return { ...rec, ts: res.ts!, thread: res.ts! };
    }
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
    };
  }
}

function fallbackNote(rec: MessageRecord): string | undefined {
  if (!rec.fallback) return undefined;
  const [channel, code] = rec.fallback.split('|');
  const why =
    code === 'not_in_channel'
      ? 'I am not a member there'
      : code === 'is_archived'
        ? 'it is archived'
        : 'I cannot post there';
  return `I'm answering in this DM because I couldn't post in <#${channel}> (${why}). Invite me with \`/invite @dm-purge\` to get answers there.`;
}

export function errorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
