import { describe, expect, it } from 'vitest';
import { cpuOf, cpuPerCall } from '../../bench/support/cpu.js';
import { cpuMsOf, memoryOf } from '../../bench/support/proc-status.js';

/** Busy work the optimiser cannot drop. */
function spin(rounds: number): number {
  let x = 0;
  for (let i = 0; i < rounds; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

describe('bench measurement helpers', () => {
  it('cpuPerCall makes warm-up + batches × calls calls and returns one per-call sample per batch', async () => {
    let calls = 0;
    const samples = await cpuPerCall(
      async () => {
        calls++;
        spin(10_000);
      },
      { warmup: 3, batches: 4, calls: 5 },
    );
    expect(calls).toBe(3 + 4 * 5);
    expect(samples).toHaveLength(4);
    for (const s of samples) {
      expect(s.user).toBeGreaterThanOrEqual(0);
      expect(s.system).toBeGreaterThanOrEqual(0);
    }
  });

  it('cpuOf charges CPU spent inside fn', async () => {
    let used = 0;
    // CPU time, not wall-clock: spin until the process clock has visibly moved (bounded).
    for (let i = 0; i < 50 && used === 0; i++) {
      const s = await cpuOf(async () => {
        spin(2_000_000);
      });
      used = s.user + s.system;
    }
    expect(used).toBeGreaterThan(0);
  });

  it('reads this process: peak RSS at least the current RSS, and CPU time that only grows', async () => {
    const mem = await memoryOf(process.pid);
    expect(mem.rssMb).toBeGreaterThan(1);
    expect(mem.peakMb).toBeGreaterThanOrEqual(mem.rssMb);

    const before = await cpuMsOf(process.pid);
    let after = before;
    // /proc counts in 10 ms ticks: spin until at least one more tick is charged (bounded).
    for (let i = 0; i < 500 && after === before; i++) {
      spin(2_000_000);
      after = await cpuMsOf(process.pid);
    }
    expect(after).toBeGreaterThan(before);
  });

  it('reads another process by pid, and fails loudly for one that does not exist', async () => {
    await expect(memoryOf(2 ** 22 + 7)).rejects.toThrow();
    await expect(cpuMsOf(2 ** 22 + 7)).rejects.toThrow();
  });
});
