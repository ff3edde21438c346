import { spawnTsChild } from '../support/child.js';
import type { CpuSample } from '../support/cpu.js';
import { type BenchResult, type BenchRow, summarize } from '../types.js';

/**
 * Client CPU of one 1000-URL cdnCacheInvalidation round trip over loopback (build, send, receive,
 * parse), for our IpsClient and for the generic `soap` package on bench/ips-peer.wsdl. The IPS
 * simulator runs in a child process and each client in a fresh child of its own, so each figure is
 * `process.cpuUsage()` of that client alone. Samples are per-call averages over batches of calls.
 */
const OURS = { warmup: 300, batches: 8, calls: 150 };
const PEER = { warmup: 20, batches: 6, calls: 20 };
const FLOOR = { warmup: 300, batches: 5, calls: 150 };
const TARGET_MS = 0.3;
const TARGET_RATIO = 10;

interface Probe {
  samples: CpuSample[];
}

async function probe(
  which: 'ours' | 'peer' | 'floor' | 'undici',
  simUrl: string,
  plan: typeof OURS,
): Promise<CpuSample[]> {
  const child = await spawnTsChild<Probe>(
    'bench/support/soap-cpu-probe.ts',
    [which, simUrl, String(plan.warmup), String(plan.batches), String(plan.calls)],
    { startTimeoutMs: 180_000 },
  );
  await child.stop();
  return child.info.samples;
}

const total = (s: CpuSample) => s.user + s.system;

function split(samples: CpuSample[]): string {
  const user = summarize(samples.map((s) => s.user)).median;
  const system = summarize(samples.map((s) => s.system)).median;
  return `user ${user.toFixed(3)} + system ${system.toFixed(3)} ms`;
}

const row: BenchRow = {
  name: 'soap-client',
  async run() {
    const sim = await spawnTsChild<{ url: string }>('bench/support/ips-sim-server.ts');
    let ours: CpuSample[];
    let peer: CpuSample[];
    let floor: CpuSample[];
    let undici: CpuSample[];
    try {
      ours = await probe('ours', sim.info.url, OURS);
      peer = await probe('peer', sim.info.url, PEER);
      floor = await probe('floor', sim.info.url, FLOOR);
      undici = await probe('undici', sim.info.url, FLOOR);
    } finally {
      await sim.stop();
    }
    const o = summarize(ours.map(total));
    const p = summarize(peer.map(total));
    const f = summarize(floor.map(total));
    const u = summarize(undici.map(total));
    const results: BenchResult[] = [
      {
        row: 'SOAP 1000-URL round trip, client CPU (loopback)',
        unit: 'ms',
        median: o.median,
        p99: o.p99,
        target: TARGET_MS,
        targetOn: 'median',
        direction: 'max',
        note:
          `IpsClient, CPU per call over ${OURS.batches} batches of ${OURS.calls} sequential calls after ` +
          `${OURS.warmup} warm-up; median ${split(ours)}; simulator in a child process. ` +
          `Transport floor on this machine (same request bytes, prebuilt, bare node:net socket): ` +
          `${f.median.toFixed(3)} ms median; the same prebuilt request through undici.request alone: ` +
          `${u.median.toFixed(3)} ms median`,
      },
      {
        row: 'generic `soap` package ÷ ours, CPU per call',
        unit: 'x',
        median: p.median / o.median,
        // The pessimistic pairing: the peer's cheapest batch against our dearest.
        p99: Math.min(...peer.map(total)) / Math.max(...ours.map(total)),
        target: TARGET_RATIO,
        targetOn: 'median',
        direction: 'min',
        note:
          `soap@1.13.0 on bench/ips-peer.wsdl: median ${p.median.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms ` +
          `per call (${split(peer)}), ${PEER.batches} batches of ${PEER.calls}; p99 column = peer's best ÷ our worst batch`,
      },
    ];
    return results;
  },
};

export default row;
