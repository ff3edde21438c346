import type { PurgeView } from '../../src/purge/model.js';
import type { Notifier } from '../../src/purge/ports.js';
import { JJ_COMPANY, jjUrls } from '../../test/support/engine-fixtures.js';
import { dropPrefix, simClient, testEngine } from '../../test/support/engine-harness.js';
import { startIpsSimulator } from '../../test/support/ips-simulator.js';
import { testPrefix } from '../../test/support/redis.js';
import { type BenchRow, summarize } from '../types.js';

/**
 * Confirmation lag: how long after its due time (last IPS answer + estimatedSeconds + grace)
 * each of 1,000 purges is confirmed. The purges arrive at about 200 per second into one engine
 * process (API, submit and confirm workers together), IPS estimates 1 s.
 */
const PURGES = 1000;
const PER_SECOND = 200;

const row: BenchRow = {
  name: 'confirm-lag',
  async run() {
    const sim = await startIpsSimulator({ estimatedSeconds: 1 });
    const client = simClient(sim);
    const lags: number[] = [];
    let finished: () => void = () => {};
    const allConfirmed = new Promise<void>((r) => {
      finished = r;
    });
    const notifier: Notifier = {
      async progress() {},
      async confirmed(p: PurgeView) {
        lags.push(Date.now() - (p.dueAt ?? Number.NaN));
        if (lags.length === PURGES) finished();
      },
      async failed(p: PurgeView) {
        throw new Error(`confirm-lag bench: purge ${p.id} failed`);
      },
    };
    const prefix = testPrefix('bench-confirm');
    const { engine } = testEngine({
      prefix,
      ips: client,
      notifier,
      limits: { callsPerMinutePerCompany: 100_000 },
      engine: { confirmGraceMs: 0 },
      tuning: { sweepIntervalMs: 600_000, sweepMinAgeMs: 600_000 },
    });
    try {
      await engine.startWorkers();
      const start = Date.now();
      for (let i = 0; i < PURGES; i++) {
        const wait = start + (i * 1000) / PER_SECOND - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const res = await engine.service.accept({
          company: { ...JJ_COMPANY },
          requester: `U${i % 17}`,
          origin: { kind: 'command', channel: 'C1' },
          urls: jjUrls(20, `lag${i}-`),
        });
        if (res.kind !== 'accepted') throw new Error(`confirm-lag bench: ${res.kind}`);
      }
      await allConfirmed;
    } finally {
      await engine.close(2000);
      await client.close();
      await sim.close();
      await dropPrefix(prefix);
    }
    const { median, p99 } = summarize(lags);
    return [
      {
        row: 'confirmation lag after due time',
        unit: 'ms',
        median,
        p99,
        target: 250,
        targetOn: 'p99',
        direction: 'max',
        note: `${PURGES} purges at ${PER_SECOND}/s, estimatedSeconds 1, grace 0; max ${Math.max(...lags).toFixed(0)} ms, min ${Math.min(...lags).toFixed(0)} ms`,
      },
    ];
  },
};

export default row;
