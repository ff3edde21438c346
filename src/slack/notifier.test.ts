import { LogLevel, webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix, TEST_REDIS_URL, testPrefix } from '../../test/support/redis.js';
import {
  type SimMessage,
  type SlackSimulator,
  startSlackSimulator,
} from '../../test/support/slack-simulator.js';
import { silentLogger } from '../log.js';
import {
  type Batch,
  type PurgeErrorInfo,
  type PurgeOrigin,
  type PurgeRecord,
  type PurgeStatus,
  type PurgeView,
  type RejectedUrl,
  toView,
} from '../purge/model.js';
import { SlackNotifier, SlackNotifyError } from './notifier.js';

const REQUESTER = 'U0REQUEST';
const COMPANY = 'JJEsquire';

const AUTHZ: PurgeErrorInfo = {
  kind: 'authorization',
  code: 20003,
  codeName: 'NO_OPERATION_PERMISSION',
  reason: "User does not have permission to access operation 'cdnCacheInvalidation'",
};

/** WebClient logs every failed call; these tests provoke failures on purpose. */
const quiet: webApi.Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let sim: SlackSimulator;
let redis: Redis;
const prefix = testPrefix('slack-notifier');
/** What `load` answers: the engine's freshest state of each purge. */
const states = new Map<string, PurgeView>();
const companyChannels = new Map<string, string>();
let seq = 0;

interface Fixture {
  status: PurgeStatus;
  origin?: PurgeOrigin;
  urlCount?: number;
  failedBatches?: PurgeErrorInfo;
  /** Only the first batch failed, with this error (a partial purge). */
  firstBatchFailed?: PurgeErrorInfo;
  rejected?: RejectedUrl[];
}

/** A purge id and channel of its own for each test, so tests never see each other's messages. */
function freshIds(): { id: string; channel: string } {
  seq += 1;
  return { id: `pg_n${seq}`, channel: `C0TEST${seq}` };
}

/** Builds the view the engine would hand over, through the real `toView`. */
function view(id: string, channel: string, f: Fixture): PurgeView {
  const n = f.urlCount ?? 3;
  const urls = Array.from(
    { length: n },
    (_, i) => `https://s7d7.scene7.com/is/image/${COMPANY}/a-${i}?$thumb$`,
  );
  const batches: Batch[] = [];
  const early = f.status === 'queued' || f.status === 'submitting';
  for (let from = 0, index = 0; from < n; from += 1000, index++) {
    const b: Batch = { index, from, to: Math.min(n, from + 1000), status: 'pending', attempts: 0 };
    const failure = f.failedBatches ?? (index === 0 ? f.firstBatchFailed : undefined);
    if (failure) Object.assign(b, { status: 'failed', attempts: 1, error: failure });
    else if (!early)
      Object.assign(b, {
        status: 'submitted',
        attempts: 1,
        handle: `cdni|1234|${id}-${index}`,
        estimatedSeconds: 30,
        submittedAt: Date.now(),
      });
    batches.push(b);
  }
  const rec: PurgeRecord = {
    id,
    company: { name: COMPANY, handle: 'c|1234', rootId: COMPANY },
    requester: REQUESTER,
    origin: f.origin ?? { kind: 'command', channel },
    status: f.status,
    urlCount: n,
    skippedCount: 0,
    batches,
    rejected: f.rejected ?? [],
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
  if (f.status === 'clearing') rec.dueAt = Date.now() + 30_000;
  if (f.status === 'failed' && f.failedBatches) rec.error = f.failedBatches;
  return toView(rec, urls, []);
}

/** The engine moving a purge on: `load` sees the new state from now on. */
function advance(v: PurgeView): PurgeView {
  states.set(v.id, v);
  return v;
}

function makeNotifier(
  opts: { firstPostWaitMs?: number; load?: (id: string) => Promise<PurgeView | undefined> } = {},
) {
  const client = new webApi.WebClient(sim.botToken, {
    slackApiUrl: sim.url,
    retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 50 },
    logger: quiet,
  });
  const conn = new Redis(TEST_REDIS_URL);
  connections.push(conn);
  return new SlackNotifier({
    client,
    redis: conn,
    keyPrefix: `{${prefix}}:`,
    load: opts.load ?? (async (id) => states.get(id)),
    companyChannel: (name) => companyChannels.get(name),
    logger: silentLogger(),
    ...(opts.firstPostWaitMs !== undefined ? { firstPostWaitMs: opts.firstPostWaitMs } : {}),
  });
}
const connections: Redis[] = [];

/** All mrkdwn a message shows (top-level text, sections, context). */
function shown(m: SimMessage | undefined): string {
  if (!m) return '';
  const parts = [m.text ?? ''];
  for (const b of (m.blocks ?? []) as {
    type: string;
    text?: { text: string };
    elements?: { text?: string }[];
  }[]) {
    if (b.text) parts.push(b.text.text);
    for (const e of b.elements ?? []) if (e.text) parts.push(e.text);
  }
  return parts.join('\n');
}

/** Replies in the thread under `ts`, as delivered (Slack answered ok). */
function repliesUnder(channel: string, ts: string): SimMessage[] {
  return sim.messages(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);
}

function postsTo(channel: string) {
  return sim.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
}

beforeAll(async () => {
  sim = await startSlackSimulator({ users: [{ id: REQUESTER, name: 'requester' }] });
  redis = new Redis(TEST_REDIS_URL);
});

beforeEach(() => {
  companyChannels.clear();
});

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await Promise.all([...connections, redis].map((c) => c.quit()));
  await sim.close();
});

describe('command origin', () => {
  it('posts one root message, updates it in place, and replies once in its thread', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'queued' })));

    const [root, ...others] = sim.messages(channel);
    expect(others).toEqual([]);
    expect(root?.thread_ts).toBeUndefined();
    expect(shown(root)).toContain('Queued');

    await n.progress(advance(view(id, channel, { status: 'submitting' })));
    await n.progress(advance(view(id, channel, { status: 'clearing' })));
    expect(sim.messages(channel)).toHaveLength(1);
    expect(postsTo(channel)).toHaveLength(1);
    const updates = sim.callsTo('chat.update').filter((c) => c.args.ts === root?.ts);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(shown(root)).toContain('CDN is clearing');
    expect(shown(root)).not.toMatch(/\bdone\b/i);

    const done = advance(view(id, channel, { status: 'done', urlCount: 1500 }));
    await n.confirmed(done);
    const replies = repliesUnder(channel, root?.ts ?? '');
    expect(replies).toHaveLength(1);
    const reply = shown(replies[0]);
    expect(reply).toContain(`<@${REQUESTER}>`);
    expect(reply).toContain('1,500 URLs');
    expect(reply).toContain(`*${COMPANY}*`);
    expect(reply).toContain(`\`cdni|1234|${id}-0\``);
    expect(reply).toContain(`\`cdni|1234|${id}-1\``);
    expect(sim.messages(channel)).toHaveLength(2);
    expect(shown(sim.messages(channel)[0])).toContain('Done: the CDN is clean');
  });

  it('a progress note never turns the root back after the outcome (stale view, purge gone from the store)', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    const queued = view(id, channel, { status: 'queued' });
    await n.progress(advance(queued));
    await n.confirmed(advance(view(id, channel, { status: 'done' })));
    states.delete(id);
    await n.progress(queued);
    expect(shown(sim.messages(channel)[0])).toContain('Done: the CDN is clean');
  });

  it('the root ends final when the outcome lands while a progress note is being rendered', async () => {
    const { id, channel } = freshIds();
    const clearing = view(id, channel, { status: 'clearing' });
    await makeNotifier().progress(advance(clearing));
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let loads = 0;
    // The progress note read its state just before the confirm worker settled the purge.
    const slow = makeNotifier({
      load: async (pid) => {
        loads += 1;
        if (loads === 1) {
          await gate;
          return clearing;
        }
        return states.get(pid);
      },
    });
    const note = slow.progress(clearing);
    await makeNotifier().confirmed(advance(view(id, channel, { status: 'done' })));
    release();
    await note;
    expect(shown(sim.messages(channel)[0])).toContain('Done: the CDN is clean');
  });

  it('a confirmed with no earlier message posts the root (final) and the reply once', async () => {
    const { id, channel } = freshIds();
    await makeNotifier().confirmed(advance(view(id, channel, { status: 'done' })));
    const [root, reply, ...rest] = sim.messages(channel);
    expect(rest).toEqual([]);
    expect(shown(root)).toContain('Done: the CDN is clean');
    expect(reply?.thread_ts).toBe(root?.ts);
  });
});

describe('shortcut origin', () => {
  it('starts in the thread of the message and replies in that same thread', async () => {
    const { id, channel } = freshIds();
    const origin: PurgeOrigin = { kind: 'shortcut', channel, threadTs: '1700000000.000100' };
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'queued', origin })));
    const [first] = sim.messages(channel);
    expect(first?.thread_ts).toBe('1700000000.000100');

    await n.progress(advance(view(id, channel, { status: 'clearing', origin })));
    await n.confirmed(advance(view(id, channel, { status: 'done', origin })));
    const messages = sim.messages(channel);
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.thread_ts === '1700000000.000100')).toBe(true);
    expect(shown(messages[1])).toContain(`<@${REQUESTER}>`);
  });
});

describe('exactly one root message', () => {
  it('five concurrent progress calls post once', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    const v = advance(view(id, channel, { status: 'queued' }));
    await Promise.all(Array.from({ length: 5 }, () => n.progress(v)));
    expect(postsTo(channel)).toHaveLength(1);
    expect(sim.messages(channel)).toHaveLength(1);
  });

  it('two replicas sharing Redis post once, and either can reply in the thread', async () => {
    const { id, channel } = freshIds();
    const a = makeNotifier();
    const b = makeNotifier();
    const v = advance(view(id, channel, { status: 'submitting' }));
    await Promise.all([a.progress(v), b.progress(v), a.progress(v), b.progress(v), b.progress(v)]);
    expect(postsTo(channel)).toHaveLength(1);

    await b.confirmed(advance(view(id, channel, { status: 'done' })));
    const [root] = sim.messages(channel);
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(1);
  });

  it('a replica that died holding the lock delays the first post, never doubles it', async () => {
    const { id, channel } = freshIds();
    const lock = `{${prefix}}:slack:msg:${id}:lock`;
    await redis.set(lock, 'dead-replica', 'PX', 60_000);
    const v = advance(view(id, channel, { status: 'done' }));
    const impatient = makeNotifier({ firstPostWaitMs: 50 });

    await impatient.progress(v);
    await expect(impatient.confirmed(v)).rejects.toBeInstanceOf(SlackNotifyError);
    expect(postsTo(channel)).toHaveLength(0);

    // The dead replica's lease runs out.
    await redis.pexpire(lock, 1);
    await makeNotifier().confirmed(v);
    expect(postsTo(channel)).toHaveLength(2);
    const [root] = sim.messages(channel);
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(1);
  });
});

describe('DM fallback', () => {
  it('not_in_channel: a private channel without the bot → DM that says why; the outcome goes to its thread', async () => {
    const { id } = freshIds();
    const channel = `G0PRIV${seq}`;
    sim.setChannel(channel, { type: 'private', botMember: false });
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'queued' })));

    expect(sim.messages(channel)).toEqual([]);
    const open = sim.callsTo('conversations.open').at(-1);
    expect(open?.args.users).toBe(REQUESTER);
    const dm = sim.messages(REQUESTER).filter((m) => shown(m).includes(id));
    expect(dm).toHaveLength(1);
    const root = dm[0];
    expect(shown(root)).toContain(`<#${channel}>`);
    expect(shown(root)).toContain('not a member');

    await n.progress(advance(view(id, channel, { status: 'clearing' })));
    expect(sim.messages(REQUESTER).filter((m) => shown(m).includes(id))).toHaveLength(1);
    expect(shown(root)).toContain('CDN is clearing');
    expect(shown(root)).toContain('not a member');

    await n.confirmed(advance(view(id, channel, { status: 'done' })));
    const replies = sim.messages(REQUESTER).filter((m) => m.thread_ts === root?.ts);
    expect(replies).toHaveLength(1);
    expect(shown(replies[0])).toContain(`<@${REQUESTER}>`);
    expect(sim.messages(channel)).toEqual([]);
  });

  it('channel_not_found → DM that says the bot cannot see the conversation', async () => {
    const { id, channel } = freshIds();
    sim.setChannelNotFound(channel);
    const n = makeNotifier();
    const origin: PurgeOrigin = { kind: 'shortcut', channel, threadTs: '1700000000.000200' };
    await n.progress(advance(view(id, channel, { status: 'queued', origin })));
    const dm = sim.messages(REQUESTER).filter((m) => shown(m).includes(id));
    expect(dm).toHaveLength(1);
    const root = dm[0];
    expect(root?.thread_ts).toBeUndefined();
    expect(shown(root)).toContain('cannot see it');

    await n.failed(advance(view(id, channel, { status: 'failed', failedBatches: AUTHZ })));
    const replies = sim.messages(REQUESTER).filter((m) => m.thread_ts === root?.ts);
    expect(replies).toHaveLength(1);
    expect(shown(replies[0])).toContain('20003');
  });

  it('the bot removed from the channel before the outcome → the reply goes to a DM instead of failing forever', async () => {
    const { id } = freshIds();
    const channel = `G0GONE${seq}`;
    sim.setChannel(channel, { type: 'private', botMember: true });
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'clearing' })));
    expect(sim.messages(channel)).toHaveLength(1);

    sim.setChannel(channel, { type: 'private', botMember: false });
    await n.confirmed(advance(view(id, channel, { status: 'done' })));
    const dm = sim.messages(REQUESTER).filter((m) => shown(m).includes(id));
    expect(dm).toHaveLength(1);
    expect(shown(dm[0])).toContain('Done: the CDN has cleared');
    expect(shown(dm[0])).toContain('not a member');
  });
});

describe('delivery', () => {
  it('a 429 with Retry-After on the reply is retried by the client: exactly one reply delivered', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'clearing' })));
    const [root] = sim.messages(channel);

    sim.failNext('chat.postMessage', 1, { kind: 'ratelimit', retryAfter: 1 });
    await n.confirmed(advance(view(id, channel, { status: 'done' })));
    const attempts = postsTo(channel).filter((c) => c.args.thread_ts === root?.ts);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(1);
  });

  it('a reply refused with ok:false throws (the engine retries), the retry posts it once, a repeat posts nothing', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'clearing' })));
    const [root] = sim.messages(channel);
    const done = advance(view(id, channel, { status: 'done' }));

    sim.failNext('chat.postMessage', 1, { kind: 'error', error: 'internal_error' });
    await expect(n.confirmed(done)).rejects.toMatchObject({ data: { error: 'internal_error' } });
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(0);

    await n.confirmed(done);
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(1);
    // The engine lost its "sent" mark and calls again: still one reply.
    await makeNotifier().confirmed(done);
    expect(repliesUnder(channel, root?.ts ?? '')).toHaveLength(1);
    expect(shown(sim.messages(channel)[0])).toContain('Done: the CDN is clean');
  });
});

describe('outcome replies through Slack', () => {
  it('failed with an authorization fault → ❌ with the code, the reason and what to do', async () => {
    const { id, channel } = freshIds();
    const n = makeNotifier();
    await n.progress(advance(view(id, channel, { status: 'submitting' })));
    await n.failed(advance(view(id, channel, { status: 'failed', failedBatches: AUTHZ })));
    const [root, reply] = sim.messages(channel);
    expect(reply?.thread_ts).toBe(root?.ts);
    const text = shown(reply);
    expect(text).toContain(':x:');
    expect(text).toContain('20003');
    expect(text).toContain("User does not have permission to access operation 'cdnCacheInvalidation'");
    expect(text).toContain('*What to do:*');
    expect(shown(root)).toContain('Failed');
    expect(shown(root)).not.toMatch(/\bdone\b/i);
  });

  it('partial with 10,000 URLs and 5,000 rejected is accepted by Slack and lists what failed', async () => {
    const { id, channel } = freshIds();
    const rejected = Array.from({ length: 5000 }, (_, i) => ({
      url: `https://s7d7.scene7.com/is/image/Other/<b>&${'x'.repeat(1500)}-${i}`,
      code: 30001,
      codeName: 'INVALID_PARAMETER',
      reason: `not under the root <${i}> & more`,
    }));
    const n = makeNotifier();
    const timeout: PurgeErrorInfo = {
      kind: 'transport',
      code: 'IPS_TIMEOUT',
      reason: 'no answer within 30 s',
    };
    const partial = advance(
      view(id, channel, { status: 'partial', urlCount: 10_000, rejected, firstBatchFailed: timeout }),
    );
    await n.confirmed(partial);
    const [root, reply] = sim.messages(channel);
    expect(reply?.thread_ts).toBe(root?.ts);
    const text = shown(reply);
    expect(text).toContain(':warning:');
    expect(text).toContain('*Rejected by Dynamic Media* (5,000)');
    expect(text).toContain('&lt;b&gt;&amp;');
    expect(text).toContain('*9,000 of 10,000 URLs* cleared');
    expect(text).toContain('1,000 URLs not purged — network error IPS_TIMEOUT: no answer within 30 s');
    expect(text).toContain(`\`cdni|1234|${id}-9\``);
    expect(text).toContain('*What to do:*');
    expect(text).not.toMatch(/\bdone\b/i);
  });
});

describe('company announcement channel', () => {
  it('is posted once and updated at the end', async () => {
    const { id, channel } = freshIds();
    const audit = `C0AUDIT${seq}`;
    companyChannels.set(COMPANY, audit);
    const a = makeNotifier();
    const b = makeNotifier();
    const v = advance(view(id, channel, { status: 'queued' }));
    await Promise.all([a.progress(v), b.progress(v)]);
    await a.progress(advance(view(id, channel, { status: 'clearing' })));
    expect(sim.messages(audit)).toHaveLength(1);
    expect(shown(sim.messages(audit)[0])).toContain('CDN is clearing');

    await b.confirmed(advance(view(id, channel, { status: 'done' })));
    const [copy, ...more] = sim.messages(audit);
    expect(more).toEqual([]);
    expect(postsTo(audit)).toHaveLength(1);
    expect(shown(copy)).toContain(`<@${REQUESTER}>`);
    expect(shown(copy)).toContain('Done: the CDN is clean');
  });

  it('is skipped when the purge was asked for in that very channel', async () => {
    const { id, channel } = freshIds();
    companyChannels.set(COMPANY, channel);
    await makeNotifier().progress(advance(view(id, channel, { status: 'queued' })));
    expect(sim.messages(channel)).toHaveLength(1);
  });
});
