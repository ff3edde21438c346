import { performance } from 'node:perf_hooks';
import type { CdnInvalidation, IpsGateway } from '../../src/ips/types.js';
import type { PurgeView } from '../../src/purge/model.js';
import type { Notifier } from '../../src/purge/ports.js';
import { JJ_COMPANY, jjUrls } from '../../test/support/engine-fixtures.js';
import { dropPrefix, simClient, testEngine } from '../../test/support/engine-harness.js';
import { startIpsSimulator } from '../../test/support/ips-simulator.js';
import { testPrefix } from '../../test/support/redis.js';
import { type BenchRow, summarize } from '../types.js';

/**
 * Pipeline overhead per IPS call: 200 purges of 1000 URLs are accepted, then one submit worker
 * (concurrency 1) sends them. Each sample is the gap between the end of one IPS call and the
 * start of the next: recording the outcome, scheduling the confirmation, completing the BullMQ
 * job, fetching the next, loading the purge, the token bucket. The IPS call itself (client,
 * simulator and its latency) is excluded. accept() is measured on its own (it belongs to the
 * /purge acknowledgement budget) and shown in the note.
 */
const PURGES = 200;
const WARMUP = 10;
const SIM_LATENCY_MS = 5;

class TimedGateway implements IpsGateway {
  readonly spans: { start: number; end: number }[] = [];
  constructor(private readonly inner: IpsGateway) {}
  async cdnCacheInvalidation(handle: string, urls: readonly string[]): Promise<CdnInvalidation> {
    const span = { start: performance.now(), end: 0 };
    try {
      return await this.inner.cdnCacheInvalidation(handle, urls);
    } finally {
      span.end = performance.now();
      this.spans.push(span);
    }
  }
  getCompanyInfo = (name: string) => this.inner.getCompanyInfo(name);
  getCompanyMembership = () => this.inner.getCompanyMembership();
  getCompanyMembers = (handle: string) => this.inner.getCompanyMembers(handle);
  getCdnCacheInvalidationStatus = (handle: string, inv: string) =>
    this.inner.getCdnCacheInvalidationStatus(handle, inv);
}

const row: BenchRow = {
  name: 'pipeline',
  async run() {
    const sim = await startIpsSimulator({ estimatedSeconds: 0, latencyMs: SIM_LATENCY_MS });
    const client = simClient(sim);
    const ips = new TimedGateway(client);
    let clearing = 0;
    let allClear: () => void = () => {};
    const done = new Promise<void>((r) => {
      allClear = r;
    });
    const notifier: Notifier = {
      async progress(p: PurgeView) {
        if (p.status === 'clearing' && ++clearing === WARMUP + PURGES) allClear();
      },
      async confirmed() {},
      async failed() {},
    };
    const prefix = testPrefix('bench-pipeline');
    const { engine } = testEngine({
      prefix,
      ips,
      notifier,
      limits: { callsPerMinutePerCompany: 100_000, dedupeSeconds: 60 },
      engine: { confirmGraceMs: 600_000 },
      tuning: { sweepIntervalMs: 600_000, sweepMinAgeMs: 600_000 },
      concurrency: 1,
    });
    const acceptMs: number[] = [];
    const gaps: number[] = [];
    try {
      for (let i = 0; i < WARMUP + PURGES; i++) {
        const urls = jjUrls(1000, `pipe${i}-`);
        const start = performance.now();
        const res = await engine.service.accept({
          company: { ...JJ_COMPANY },
          requester: 'U1',
          origin: { kind: 'command', channel: 'C1' },
          urls,
        });
        if (res.kind !== 'accepted') throw new Error(`pipeline bench: ${res.kind}`);
        acceptMs.push(performance.now() - start);
      }
      await engine.startWorkers();
      await done;
      const spans = ips.spans;
      if (spans.length !== WARMUP + PURGES) throw new Error(`pipeline bench: ${spans.length} calls`);
      for (let i = WARMUP; i < spans.length; i++) gaps.push(spans[i]!.start - spans[i - 1]!.end);
    } finally {
      await engine.close(2000);
      await client.close();
      await sim.close();
      await dropPrefix(prefix);
    }
    const { median, p99 } = summarize(gaps);
    const acc = summarize(acceptMs.slice(WARMUP));
    return [
      {
        row: 'pipeline overhead per IPS call (1000-URL purges)',
        unit: 'ms',
        median,
        p99,
        target: 3,
        targetOn: 'median',
        direction: 'max',
        note:
          `${PURGES} purges × 1000 URLs, 1 worker; gap between IPS calls; min ${Math.min(...gaps).toFixed(2)} ms. ` +
          `accept() of 1000 URLs: median ${acc.median.toFixed(2)} ms, p99 ${acc.p99.toFixed(2)} ms`,
      },
    ];
  },
};

export default row;
