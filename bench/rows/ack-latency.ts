import type { SlackSimulator } from '../../test/support/slack-simulator.js';
import { BENCH_ADMIN, spawnApp, startSimulators } from '../support/app-process.js';
import { spawnTsChild } from '../support/child.js';
import { cpuMsOf } from '../support/proc-status.js';
import { formViewId, purgeCommand } from '../support/slack-driver.js';
import { type BenchResult, type BenchRow, summarize } from '../types.js';

/**
 * `/purge` acknowledgement latency: rounds of N signed `/purge` commands sent at once (the path that
 * opens the modal), each timed from sending the POST until its whole answer arrived. The app runs as a
 * child process, so the load generator does not share its event loop. Each round waits until every
 * modal is open before the next, so the app also does the work that follows each ack (access check,
 * users.info, views.open) while answering the others, as it would under a real burst.
 *
 * The same rounds against an HTTP server that answers at once (also a child) give the floor: what
 * the load generator, loopback and this machine cost with no app at all. It is printed in the note.
 */
interface Level {
  concurrent: number;
  warmupRounds: number;
  rounds: number;
  target: number;
  why: string;
}

const LEVELS: Level[] = [
  { concurrent: 50, warmupRounds: 2, rounds: 20, target: 50, why: 'design.md quality bar' },
  { concurrent: 200, warmupRounds: 1, rounds: 5, target: 3000, why: "note only: Slack's own limit, 3 s" },
];

type Round = () => Promise<number[]>;

async function measure(level: Level, round: Round): Promise<number[]> {
  for (let i = 0; i < level.warmupRounds; i++) await round();
  const samples: number[] = [];
  for (let i = 0; i < level.rounds; i++) samples.push(...(await round()));
  return samples;
}

function commandRound(events: string, slack: SlackSimulator, n: number, waitForModals: boolean): Round {
  return async () => {
    const sent = await Promise.all(
      Array.from({ length: n }, () =>
        purgeCommand(events, slack, { userId: BENCH_ADMIN.id, channelId: 'C0ACK' }),
      ),
    );
    for (const s of sent) {
      // An ack is an empty 200; anything else would be a fast failure, not a fast ack.
      if (s.status !== 200 || s.body !== '') {
        throw new Error(`/purge answered ${s.status}: ${s.body.slice(0, 200)}`);
      }
    }
    if (waitForModals) await Promise.all(sent.map((s) => formViewId(slack, s.triggerId)));
    return sent.map((s) => s.ms);
  };
}

/** p99 of each level against the do-nothing server. */
async function floors(slack: SlackSimulator): Promise<number[]> {
  const server = await spawnTsChild<{ port: number }>('bench/support/empty-server.ts');
  try {
    const events = `http://127.0.0.1:${server.info.port}/slack/events`;
    const out: number[] = [];
    for (const level of LEVELS) {
      out.push(summarize(await measure(level, commandRound(events, slack, level.concurrent, false))).p99);
    }
    return out;
  } finally {
    await server.stop();
  }
}

const row: BenchRow = {
  name: 'ack-latency',
  async run() {
    const sims = await startSimulators();
    const results: BenchResult[] = [];
    try {
      const floor = await floors(sims.slack);
      const app = await spawnApp(sims);
      try {
        await app.ready();
        for (const [i, level] of LEVELS.entries()) {
          const cpuBefore = await cpuMsOf(app.pid);
          const samples = await measure(level, commandRound(app.events, sims.slack, level.concurrent, true));
          const rounds = level.warmupRounds + level.rounds;
          const cpuPerCommand = ((await cpuMsOf(app.pid)) - cpuBefore) / (rounds * level.concurrent);
          const { median, p99 } = summarize(samples);
          results.push({
            row: `/purge ack, ${level.concurrent} concurrent`,
            unit: 'ms',
            median,
            p99,
            target: level.target,
            targetOn: 'p99',
            direction: 'max',
            note:
              `${level.why}; ${level.rounds} rounds × ${level.concurrent} signed POSTs after ${level.warmupRounds} warm-up; ` +
              `max ${Math.max(...samples).toFixed(1)} ms; app CPU per /purge (ack + opening the modal) ` +
              `${cpuPerCommand.toFixed(2)} ms; floor (same load, empty HTTP server) p99 ${(floor[i] ?? 0).toFixed(1)} ms; ` +
              `app: ${app.entry.label}`,
          });
        }
      } finally {
        await app.stop();
      }
    } finally {
      await sims.close();
    }
    return results;
  },
};

export default row;
