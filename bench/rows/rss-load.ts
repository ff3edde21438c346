import { performance } from 'node:perf_hooks';
import type { SlackSimulator } from '../../test/support/slack-simulator.js';
import { BENCH_ADMIN, BENCH_COMPANY, spawnApp, startSimulators } from '../support/app-process.js';
import { formViewId, purgeCommand, submitWithFile } from '../support/slack-driver.js';
import type { BenchRow } from '../types.js';

/**
 * Peak RSS of the app (a child process, so the figure is its own) while 50 users submit a purge of
 * 1000 URLs each at the same moment, through the real path: `/purge`, the modal, a submission with an
 * uploaded list (1000 URLs do not fit Slack's text box), IPS, and the threaded confirmation. The peak
 * is the kernel's high-water mark (VmHWM) read once every purge is confirmed. The row also checks
 * that every purge got exactly one confirmation, and fails if not.
 */
const PURGES = 50;
const URLS_PER_PURGE = 1000;
const TARGET_MB = 512;
/** Time for a duplicate reply (a retried confirmation) to show up before counting. */
const SETTLE_MS = 2000;
const SAFETY_NET_MS = 180_000;

function channelOf(p: number): string {
  return `C0RSS${String(p).padStart(3, '0')}`;
}

function urlList(p: number): string {
  const presets = ['$thumbnail$', '$product$', '$large$', '$zoom$'];
  const lines = Array.from(
    { length: URLS_PER_PURGE },
    (_, i) =>
      `https://s7d7.scene7.com/is/image/${BENCH_COMPANY}/rss-${p}-${String(i).padStart(4, '0')}?${presets[i % 4]}&wid=${200 + (i % 7) * 100}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Threaded replies (outcomes) and root messages the bot posted in each purge's channel. */
function census(slack: SlackSimulator): { replies: number[]; roots: number[]; done: number } {
  const replies: number[] = [];
  const roots: number[] = [];
  for (let p = 0; p < PURGES; p++) {
    const messages = slack.messages(channelOf(p));
    const rootList = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    roots.push(rootList.length);
    replies.push(messages.filter((m) => m.thread_ts && m.thread_ts !== m.ts).length);
  }
  return { replies, roots, done: replies.filter((n) => n > 0).length };
}

const row: BenchRow = {
  name: 'rss-load',
  async run() {
    const sims = await startSimulators({ estimatedSeconds: 1 });
    try {
      const app = await spawnApp(sims);
      try {
        await app.ready();
        const idle = await app.memory();
        const { slack, ips } = sims;
        const files = Array.from({ length: PURGES }, (_, p) =>
          slack.addFile({ name: `stale-${p}.txt`, content: urlList(p) }),
        );
        const opened = await Promise.all(
          files.map((_, p) =>
            purgeCommand(app.events, slack, { userId: BENCH_ADMIN.id, channelId: channelOf(p) }),
          ),
        );
        const viewIds = await Promise.all(opened.map((o) => formViewId(slack, o.triggerId)));

        const start = performance.now();
        const submitted = await Promise.all(
          files.map((file, p) =>
            submitWithFile(app.events, slack, {
              userId: BENCH_ADMIN.id,
              viewId: viewIds[p] ?? '',
              company: BENCH_COMPANY,
              file: { id: file.id, name: file.name },
            }),
          ),
        );
        for (const s of submitted) {
          // '' closes the modal; an `update` is the "checking" view when the ack budget ran out.
          if (s.status !== 200 || (s.body !== '' && !s.body.includes('"update"'))) {
            throw new Error(`submission answered ${s.status}: ${s.body.slice(0, 300)}`);
          }
        }
        const checking = submitted.filter((s) => s.body !== '').length;
        const deadline = performance.now() + SAFETY_NET_MS;
        while (census(slack).done < PURGES) {
          if (performance.now() > deadline) {
            throw new Error(`only ${census(slack).done} of ${PURGES} purges were confirmed`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
        const allConfirmedMs = performance.now() - start;
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const peak = await app.memory();

        const { replies, roots } = census(slack);
        const wrong = replies
          .map((n, p) => ({ n, roots: roots[p], channel: channelOf(p) }))
          .filter((c) => c.n !== 1 || c.roots !== 1);
        if (wrong.length > 0) {
          throw new Error(
            `not exactly one confirmation per purge: ${wrong.map((c) => `${c.channel} ${c.roots} root(s) ${c.n} repl(ies)`).join(', ')}`,
          );
        }
        const calls = ips.calls.filter((c) => c.operation === 'cdnCacheInvalidation');
        const sent = calls.reduce((n, c) => n + (c.urls?.length ?? 0), 0);
        if (sent !== PURGES * URLS_PER_PURGE) {
          throw new Error(
            `IPS received ${sent} URLs in ${calls.length} calls, expected ${PURGES * URLS_PER_PURGE}`,
          );
        }
        return [
          {
            row: `app peak RSS, ${PURGES} concurrent purges × ${URLS_PER_PURGE} URLs`,
            unit: 'MB',
            median: peak.peakMb,
            p99: undefined,
            target: TARGET_MB,
            targetOn: 'value',
            direction: 'max',
            note:
              `note-only target; VmHWM after the load (peak before it ${idle.peakMb.toFixed(0)} MB, RSS now ${peak.rssMb.toFixed(0)} MB); ` +
              `${PURGES - checking}/${PURGES} submissions closed the modal at once, ${checking} got the "checking" view; ` +
              `${PURGES}/${PURGES} purges confirmed exactly once, ${calls.length} IPS calls, all confirmed ` +
              `${(allConfirmedMs / 1000).toFixed(1)} s after the submissions (IPS estimate 1 s); app: ${app.entry.label}`,
          },
        ];
      } finally {
        await app.stop();
      }
    } finally {
      await sims.close();
    }
  },
};

export default row;
