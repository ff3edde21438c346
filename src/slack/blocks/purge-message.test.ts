import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBlocks, MESSAGE_MAX_BLOCKS } from '../../../test/support/slack-sim-blocks.js';
import {
  type Batch,
  type BatchStatus,
  type PurgeErrorInfo,
  type PurgeOrigin,
  type PurgeRecord,
  type PurgeStatus,
  type PurgeView,
  type RejectedUrl,
  toView,
} from '../../purge/model.js';
import { faultAdvice } from './fault-advice.js';
import { announcement, outcomeReply, purgeMessage } from './purge-message.js';
import { historyBlocks, type MessageContent, stateLine, statusBlocks } from './status.js';
import { clipMrkdwn, fitLines, mrkdwnCode } from './text.js';

const ALL_STATUSES: PurgeStatus[] = ['queued', 'submitting', 'clearing', 'done', 'partial', 'failed'];
const NOW = 1_750_000_000_000;

const AUTHZ: PurgeErrorInfo = {
  kind: 'authorization',
  code: 20003,
  codeName: 'NO_OPERATION_PERMISSION',
  reason: "User does not have permission to access operation 'cdnCacheInvalidation'",
};

function urlsOf(n: number, root = 'JJEsquire'): string[] {
  return Array.from(
    { length: n },
    (_, i) => `https://s7d7.scene7.com/is/image/${root}/asset-${i}?$thumbnail$`,
  );
}

interface Fixture {
  id?: string;
  status?: PurgeStatus;
  urls?: string[];
  batchSize?: number;
  /** Batch status by batch index; default follows the purge status. */
  batch?: (index: number) => BatchStatus;
  batchError?: (index: number) => PurgeErrorInfo;
  rejected?: RejectedUrl[];
  skipped?: string[];
  error?: PurgeErrorInfo;
  company?: string;
  origin?: PurgeOrigin;
  nextAttemptAt?: number;
  dueAt?: number;
}

/** A view as the engine hands it over, built through the real `toView`. */
function makeView(f: Fixture = {}): PurgeView {
  const status = f.status ?? 'queued';
  const urls = f.urls ?? urlsOf(3);
  const size = f.batchSize ?? 1000;
  const batches: Batch[] = [];
  for (let from = 0, index = 0; from < urls.length; from += size, index++) {
    const st =
      f.batch?.(index) ??
      (status === 'queued' || status === 'submitting'
        ? 'pending'
        : status === 'failed'
          ? 'failed'
          : 'submitted');
    const b: Batch = { index, from, to: Math.min(urls.length, from + size), status: st, attempts: 1 };
    if (st === 'submitted')
      Object.assign(b, { handle: `cdni|1234|h-${index}`, estimatedSeconds: 30, submittedAt: NOW });
    if (st === 'failed') b.error = f.batchError?.(index) ?? AUTHZ;
    batches.push(b);
  }
  const rec: PurgeRecord = {
    id: f.id ?? 'pg_test1',
    company: { name: f.company ?? 'JJEsquire', handle: 'c|1234', rootId: 'JJEsquire' },
    requester: 'U0REQ',
    origin: f.origin ?? { kind: 'command', channel: 'C0PURGE' },
    status,
    urlCount: urls.length,
    skippedCount: f.skipped?.length ?? 0,
    batches,
    rejected: f.rejected ?? [],
    createdAt: NOW,
    updatedAt: NOW,
  };
  if (f.error) rec.error = f.error;
  if (f.nextAttemptAt !== undefined) rec.nextAttemptAt = f.nextAttemptAt;
  if (f.dueAt !== undefined) rec.dueAt = f.dueAt;
  if (status === 'done' || status === 'partial' || status === 'failed') rec.finishedAt = NOW;
  return toView(rec, urls, f.skipped ?? []);
}

/** Every mrkdwn text of a message (sections and context elements). */
function texts(m: MessageContent): string[] {
  const out: string[] = [];
  for (const b of m.blocks) {
    if (b.type === 'section' && b.text) out.push(b.text.text);
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) out.push(e.text);
  }
  return out;
}

function allText(m: MessageContent): string {
  return [m.text, ...texts(m)].join('\n');
}

/** What Slack itself would refuse: too many blocks, a text over its limit, a too-long fallback text. */
function expectWithinSlackLimits(m: MessageContent): void {
  expect(checkBlocks(m.blocks, MESSAGE_MAX_BLOCKS, '/blocks').problems).toEqual([]);
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const t of texts(m)) {
    expect(t.length).toBeGreaterThan(0);
    expect(t.length).toBeLessThanOrEqual(3000);
  }
  // chat.update's text limit is the tighter one.
  expect(m.text.length).toBeLessThanOrEqual(4000);
}

/**
 * User text can only reach mrkdwn escaped: once Slack's own tokens (mentions, channel links,
 * dates) are taken out, no `<` or `>` may remain, and every `&` starts an entity.
 */
function expectEscaped(text: string): void {
  const bare = text.replace(/<@U[A-Z0-9]+>|<#[CG][A-Z0-9]+>|<!date\^\d+\^[^|>]*\|[^>]*>/g, '');
  expect(bare).not.toMatch(/[<>]/);
  expect(bare).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

const everything = (p: PurgeView): MessageContent[] => [
  purgeMessage(p),
  purgeMessage(p, 'I couldn’t post in <#C0NOPE>.'),
  outcomeReply(p),
  announcement(p),
  statusBlocks(p),
  historyBlocks([p, p, p], p.requester),
  historyBlocks([p], 'U0SOMEONEELSE'),
];

describe('message limits', () => {
  it('10,000 URLs with 5,000 rejected and failed batches stay within Slack limits, tail kept', () => {
    const urls = Array.from(
      { length: 10_000 },
      (_, i) => `https://s7d7.scene7.com/is/image/JJEsquire/${'a&b<c>'.repeat(300)}-${i}?$x$&y=1`,
    );
    const rejected: RejectedUrl[] = Array.from({ length: 5000 }, (_, i) => ({
      url: `https://s7d7.scene7.com/is/image/Other/${'&'.repeat(2000)}${i}`,
      code: 30001,
      codeName: 'INVALID_PARAMETER',
      reason: `URL is not under the company root <${'&'.repeat(400)}>`,
    }));
    for (const status of ALL_STATUSES) {
      const p = makeView({
        status,
        urls,
        rejected,
        skipped: urlsOf(40),
        batch: (i) => (status === 'queued' ? 'pending' : i % 3 === 0 ? 'failed' : 'submitted'),
        batchError: (i) => ({
          kind: 'transport',
          code: `IPS_ERR_${i}`,
          reason: `${'<&>'.repeat(1500)} ${i}`,
        }),
        error: AUTHZ,
      });
      for (const m of everything(p)) {
        expectWithinSlackLimits(m);
        expectEscaped(allText(m));
      }
      if (status === 'partial') {
        const reply = allText(outcomeReply(p));
        expect(reply).toContain('*Rejected by Dynamic Media* (5,000)');
        expect(reply).toMatch(/…and [\d,]+ more/);
        // The advice survives the cut of the list above it.
        expect(reply).toContain('*What to do:* check those URLs');
        expect(reply.match(/\*What to do:\*/g)?.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('holds for arbitrary URLs, reasons, company names and counts (property)', () => {
    const hostile = fc.string({
      unit: fc.constantFrom('a', '&', '<', '>', '*', '_', '~', '`', '|', '!', '@', ' ', '\n', 'é', '🙂', '$'),
      maxLength: 2500,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_STATUSES),
        fc.array(
          hostile.filter((s) => s.length > 0),
          { minLength: 1, maxLength: 40 },
        ),
        fc.array(fc.record({ url: hostile, reason: hostile }), { maxLength: 40 }),
        hostile,
        fc.integer({ min: 1, max: 40 }),
        (status, urls, rej, company, batchSize) => {
          const p = makeView({
            status,
            urls,
            batchSize,
            company: company || 'X',
            rejected: rej.map((r) => ({ ...r, code: 30001, codeName: 'INVALID_PARAMETER' })),
            batch: (i) => (status === 'queued' ? 'pending' : i % 2 ? 'failed' : 'submitted'),
            batchError: (i) => ({ kind: 'ipsApi', code: 30000 + (i % 3), reason: rej[i]?.reason ?? 'x' }),
            error: { kind: 'ipsApi', code: 30000, reason: company },
          });
          for (const m of everything(p)) {
            expectWithinSlackLimits(m);
            expectEscaped(allText(m));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('escaping', () => {
  it('shows URLs verbatim in code and cannot be used to mention or format', () => {
    const url = 'https://s7d7.scene7.com/is/image/JJEsquire/a_b*c~d`e?$thumb$&wid=<1>';
    const p = makeView({
      status: 'partial',
      urls: urlsOf(2),
      rejected: [{ url, code: 30001, codeName: 'INVALID_PARAMETER', reason: 'bad <!channel> & <@U999> *x*' }],
      company: 'Acme <!here> & Co',
    });
    const reply = allText(outcomeReply(p));
    expect(reply).toContain(
      '`https://s7d7.scene7.com/is/image/JJEsquire/a_b*c~dˋe?$thumb$&amp;wid=&lt;1&gt;`',
    );
    expect(reply).toContain('bad &lt;!channel&gt; &amp; &lt;@U999&gt;');
    expect(reply).toContain('*Acme &lt;!here&gt; &amp; Co*');
    expect(reply).not.toContain('<!channel>');
    expect(reply).not.toContain('<!here>');
    expect(reply).not.toContain('<@U999>');
    for (const m of everything(p)) expect(allText(m)).not.toContain('<!here>');
  });

  it('keeps the company name escaped in the rate-limit line and in the advice', () => {
    const p = makeView({ status: 'queued', company: 'A<B>&C', nextAttemptAt: Date.now() + 60_000 });
    expect(stateLine(p)).toContain('A&lt;B&gt;&amp;C');
    expect(faultAdvice(AUTHZ, 'A<B>&C')).toContain('A&lt;B&gt;&amp;C');
  });

  it('mrkdwnCode never leaves the code span', () => {
    expect(mrkdwnCode('a`b<c>&d\ne')).toBe('`aˋb&lt;c&gt;&amp;d e`');
  });
});

describe('nothing reads as done before it is', () => {
  const looksDone = /\bdone\b|white_check_mark|\bclean\b|\bcompleted?\b/i;

  it.each(ALL_STATUSES.filter((s) => s !== 'done'))('%s says nothing of done', (status) => {
    const p = makeView({
      status,
      dueAt: Date.now() + 30_000,
      nextAttemptAt: Date.now() + 30_000,
      batch: (i) =>
        status === 'partial' && i === 0 ? 'failed' : status === 'queued' ? 'pending' : 'submitted',
      batchSize: 2,
      error: AUTHZ,
    });
    expect(stateLine(p)).not.toMatch(looksDone);
    for (const m of everything(p)) expect(allText(m)).not.toMatch(looksDone);
  });

  it('done says so, with the mention, the count, the company and the handles', () => {
    const p = makeView({ status: 'done', urls: urlsOf(2500) });
    const reply = allText(outcomeReply(p));
    expect(reply).toContain(':white_check_mark:');
    expect(reply).toContain('<@U0REQ>');
    expect(reply).toContain('2,500 URLs');
    expect(reply).toContain('*JJEsquire*');
    for (const h of ['cdni|1234|h-0', 'cdni|1234|h-1', 'cdni|1234|h-2']) expect(reply).toContain(`\`${h}\``);
    expect(stateLine(p)).toMatch(/Done/);
  });
});

describe('outcomeReply', () => {
  it('failed with an authorization fault: ❌, the code, the reason and what to do, once', () => {
    const p = makeView({ status: 'failed', urls: urlsOf(3500), error: AUTHZ });
    const m = outcomeReply(p);
    const reply = allText(m);
    expect(m.text).toContain(':x:');
    expect(m.text).toContain('failed');
    expect(reply).toContain('20003');
    expect(reply).toContain('NO_OPERATION_PERMISSION');
    expect(reply).toContain("User does not have permission to access operation 'cdnCacheInvalidation'");
    expect(reply).toContain('IpsCompanyAdmin');
    // Four batches failed alike: one explanation, not four.
    expect(reply.match(/\*What to do:\*/g)).toHaveLength(1);
    expect(reply).toContain('3,500 URLs not purged');
  });

  it('failed without failed batches still explains the error', () => {
    const p = makeView({
      status: 'failed',
      urls: urlsOf(1),
      batch: () => 'pending',
      error: {
        kind: 'authentication',
        code: 10001,
        codeName: 'INVALID_CREDENTIALS',
        reason: 'Invalid username/password',
      },
    });
    const reply = allText(outcomeReply(p));
    expect(reply).toContain('10001 INVALID_CREDENTIALS: Invalid username/password');
    expect(reply).toContain('`IPS_USER`');
  });

  it('partial lists the rejected URLs (up to the limit) and the failures with advice', () => {
    const rejected = urlsOf(20, 'Other').map((url) => ({
      url,
      code: 30001,
      codeName: 'INVALID_PARAMETER',
      reason: 'not under the company root',
    }));
    const p = makeView({
      status: 'partial',
      urls: urlsOf(30),
      batchSize: 10,
      rejected,
      batch: (i) => (i === 1 ? 'failed' : 'submitted'),
      batchError: () => ({ kind: 'transport', code: 'IPS_TIMEOUT', reason: 'no answer in 30 s' }),
    });
    const reply = allText(outcomeReply(p));
    expect(reply).toContain(':warning:');
    expect(reply).toContain('*20 of 30 URLs* cleared');
    expect(reply).toContain('*Rejected by Dynamic Media* (20):');
    for (const r of rejected.slice(0, 15)) expect(reply).toContain(`\`${r.url}\``);
    expect(reply).not.toContain(`\`${rejected[15]?.url}\``);
    expect(reply).toContain('…and 5 more');
    expect(reply).toContain('10 URLs not purged — network error IPS_TIMEOUT: no answer in 30 s');
    expect(reply).toContain('…and 5 more\n*What to do:* Dynamic Media did not answer');
    expect(reply).toContain('`cdni|1234|h-0`');
    expect(reply).toContain('`cdni|1234|h-2`');
  });

  it('says how many distinct errors were left out', () => {
    const p = makeView({
      status: 'partial',
      urls: urlsOf(20),
      batchSize: 1,
      batch: (i) => (i < 8 ? 'failed' : 'submitted'),
      batchError: (i) => ({ kind: 'ipsApi', code: 30000, reason: `boom ${i}` }),
    });
    const m = outcomeReply(p);
    expect(allText(m)).toContain('…and 3 other errors');
    expectWithinSlackLimits(m);
  });
});

describe('fitLines and clipMrkdwn', () => {
  it('keep whole lines, count the rest, and keep the tail', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'x'.repeat(50)}`);
    const out = fitLines(lines, 500, { more: (n) => `…and ${n} more`, tail: ['TAIL'], hidden: 10 });
    expect(out.length).toBeLessThanOrEqual(500);
    const kept = out.split('\n');
    expect(kept.at(-1)).toBe('TAIL');
    const shown = kept.filter((l) => l.startsWith('line ')).length;
    expect(kept.at(-2)).toBe(`…and ${100 - shown + 10} more`);
    expect(shown).toBeGreaterThan(0);
  });

  it('never cut an entity, a token or a code span (property)', () => {
    const piece = fc.constantFrom(
      'a',
      ' ',
      '&amp;',
      '&lt;',
      '<@U123ABC>',
      '`code`',
      '\n',
      '<!date^1^{time}|x>',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 200 }), fc.integer({ min: 2, max: 400 }), (parts, max) => {
        const s = parts.join('');
        const out = clipMrkdwn(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (out === s) return;
        expect(out.endsWith('…')).toBe(true);
        const body = out.slice(0, -1);
        expect(s.startsWith(body)).toBe(true);
        expect(body).not.toMatch(/&[a-z]{0,3}$/);
        expect(body.lastIndexOf('<')).toBeLessThanOrEqual(body.lastIndexOf('>'));
        const lastLine = body.slice(body.lastIndexOf('\n') + 1);
        expect((lastLine.match(/`/g)?.length ?? 0) % 2).toBe(0);
      }),
    );
  });
});

describe('where a purge stands', () => {
  it('a rate-limited purge says when it will go, in the reader’s time zone; once due it reads queued', () => {
    const at = NOW + 90_000;
    const waiting = makeView({ status: 'queued', nextAttemptAt: at });
    expect(stateLine(waiting, NOW)).toContain(`goes at <!date^${Math.floor(at / 1000)}^{time}|`);
    expect(stateLine(waiting, at + 1)).toBe(':hourglass_flowing_sand: Queued');
    const sending = makeView({ status: 'submitting', nextAttemptAt: at });
    expect(stateLine(sending, NOW)).toContain('next call at <!date^');
  });

  it('a clearing purge gives the estimate, counted from its due time', () => {
    const clearing = makeView({ status: 'clearing', dueAt: NOW + 5_000 });
    expect(stateLine(clearing, NOW)).toMatch(/the CDN is clearing \(≈ 5 s, until <!date\^/);
  });
});
