import { expect } from 'vitest';
import { createRedisClient, type RedisClient } from '../../src/redis.js';
import type { World } from '../support/app-process.js';
import type { SlackCall } from '../support/slack-simulator.js';

/**
 * Counting what users were told, from the Slack simulator's record of successful posts: every
 * purge's message (a root post) and its outcome (a threaded reply naming the purge id). Progress is
 * shown by editing the root message, so a threaded post by the bot is always an outcome.
 */

const PURGE_ID = /\bp-[0-9A-HJKMNP-TV-Z]{6}\b/;

export interface Post {
  purgeId: string;
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  at: number;
}

function delivered(c: SlackCall): Post | undefined {
  if (c.method !== 'chat.postMessage' || c.status !== 200 || c.response.ok !== true) return undefined;
  const text = typeof c.args.text === 'string' ? c.args.text : '';
  const id = PURGE_ID.exec(text)?.[0];
  if (!id) return undefined;
  const threadTs = typeof c.args.thread_ts === 'string' ? c.args.thread_ts : undefined;
  return {
    purgeId: id,
    channel: String(c.response.channel ?? c.args.channel ?? ''),
    ts: String(c.response.ts ?? ''),
    threadTs,
    text,
    at: c.at,
  };
}

function byPurge(calls: readonly SlackCall[], threaded: boolean): Map<string, Post[]> {
  const out = new Map<string, Post[]>();
  for (const c of calls) {
    const p = delivered(c);
    if (!p || (p.threadTs !== undefined) !== threaded) continue;
    const list = out.get(p.purgeId);
    if (list) list.push(p);
    else out.set(p.purgeId, [p]);
  }
  return out;
}

/** Outcome replies per purge id. */
export function outcomeReplies(calls: readonly SlackCall[]): Map<string, Post[]> {
  return byPurge(calls, true);
}

/** Purge messages (thread roots) per purge id. */
export function purgeMessages(calls: readonly SlackCall[]): Map<string, Post[]> {
  return byPurge(calls, false);
}

/** Purge ids in the order their messages went out in `channel`. */
export function purgeIdsIn(calls: readonly SlackCall[], channel: string): string[] {
  const ids: string[] = [];
  for (const [id, posts] of purgeMessages(calls)) if (posts.some((p) => p.channel === channel)) ids.push(id);
  return ids;
}

/**
 * Reply counts per purge, with each reply checked to sit in the thread of that purge's message.
 * `wrongThread` lists replies that do not.
 */
export function replyCounts(calls: readonly SlackCall[]): {
  counts: Map<string, number>;
  wrongThread: Post[];
} {
  const roots = purgeMessages(calls);
  const counts = new Map<string, number>();
  const wrongThread: Post[] = [];
  for (const [id, replies] of outcomeReplies(calls)) {
    counts.set(id, replies.length);
    const rootTs = new Set((roots.get(id) ?? []).map((r) => `${r.channel}|${r.ts}`));
    for (const r of replies) if (!rootTs.has(`${r.channel}|${r.threadTs}`)) wrongThread.push(r);
  }
  return { counts, wrongThread };
}

/**
 * True once no accepted purge is waiting for its final notice (the engine's outbox is empty). A
 * notice is marked sent only after Slack took it, so no further outcome can appear after this.
 */
export async function outboxEmpty(world: World): Promise<boolean> {
  return withRedis(world, async (r) => (await r.zcard(world.key('active'))) === 0).catch(() => false);
}

/** Whether `{prefix}:<rest>` exists in the app's Redis (e.g. a BullMQ job: `confirm:confirm-<id>`). */
export async function keyExists(world: World, rest: string): Promise<boolean> {
  return withRedis(world, async (r) => (await r.exists(world.key(rest))) === 1);
}

/** A short-lived connection that fails fast, so a stopped Redis cannot hang a test's polling. */
async function withRedis<T>(world: World, fn: (redis: RedisClient) => Promise<T>): Promise<T> {
  const redis = createRedisClient(
    { url: world.redisUrl, cluster: world.redisCluster },
    { maxRetriesPerRequest: 1, retryStrategy: () => null },
    { clusterRetryStrategy: () => null },
  );
  redis.on('error', () => undefined);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** Calls of the IPS simulator that carried `url` in a cdnCacheInvalidation. */
export function invalidationsOf(world: World, url: string) {
  return world.ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation' && c.urls?.includes(url));
}

/** Ids of the purges the engine accepted for `userId` (its index keeps the latest 100). */
export async function acceptedIds(world: World, userId: string): Promise<string[]> {
  return withRedis(world, async (r) => (await r.zrange(world.key(`user:${userId}`), 0, -1)).sort());
}

/**
 * Waits until `expected` purges have an outcome and the outbox is empty, then counts replies per
 * purge. The bound is a safety net: kill tests wait out BullMQ's 30 s stalled-job recovery.
 */
export async function settledReplies(
  world: World,
  expected: number,
  timeoutMs = 180_000,
): Promise<ReturnType<typeof replyCounts>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (outcomeReplies(world.slack.calls).size >= expected && (await outboxEmpty(world))) break;
    if (Date.now() > end) {
      const got = outcomeReplies(world.slack.calls).size;
      throw new Error(`only ${got} of ${expected} purges were answered within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return replyCounts(world.slack.calls);
}

/** `{ id: 1, … }` for every id: what reply counts must be when each purge is answered once. */
export function once(ids: readonly string[]): Record<string, number> {
  return Object.fromEntries(ids.map((id) => [id, 1]));
}

/**
 * Waits until `expected` purges of `userId` are answered, then checks each was answered exactly
 * once, in its own thread, with "Done". Returns their ids.
 */
export async function expectEachDoneOnce(
  world: World,
  userId: string,
  expected: number,
  timeoutMs?: number,
): Promise<string[]> {
  const { counts, wrongThread } = await settledReplies(world, expected, timeoutMs);
  const ids = await acceptedIds(world, userId);
  expect(ids).toHaveLength(expected);
  expect(Object.fromEntries(counts)).toEqual(once(ids));
  expect(wrongThread).toEqual([]);
  for (const [, [reply]] of outcomeReplies(world.slack.calls)) expect(reply?.text).toMatch(/Done/);
  return ids;
}
