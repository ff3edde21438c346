import { spawnApp, startSimulators } from '../support/app-process.js';
import { type BenchRow, summarize } from '../types.js';

/**
 * Start-up time: from spawning the app (as operators run it, `node dist/main.js`) until `/readyz`
 * first answers 200, i.e. Redis answers, every configured company is resolved through IPS and Slack
 * auth.test passed, against the simulators. One untimed start first warms the disk cache.
 */
const RUNS = 5;
const WARMUP = 1;
const TARGET_MS = 3000;

const row: BenchRow = {
  name: 'startup',
  async run() {
    const sims = await startSimulators();
    const samples: number[] = [];
    let label = '';
    try {
      for (let i = 0; i < WARMUP + RUNS; i++) {
        const app = await spawnApp(sims);
        try {
          const readyAt = await app.ready();
          if (i >= WARMUP) samples.push(readyAt - app.spawnedAt);
          label = app.entry.label;
        } finally {
          await app.stop();
        }
      }
    } finally {
      await sims.close();
    }
    const { median, p99 } = summarize(samples);
    return [
      {
        row: 'start-up to /readyz 200',
        unit: 'ms',
        median,
        p99,
        target: TARGET_MS,
        targetOn: 'median',
        direction: 'max',
        note: `note-only target; median of ${RUNS} starts after ${WARMUP} untimed, /readyz polled every 5 ms (p99 column = slowest); app: ${label}`,
      },
    ];
  },
};

export default row;
