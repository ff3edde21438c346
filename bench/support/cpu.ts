/** CPU time (user + system) of this whole process, split, in milliseconds. */
export interface CpuSample {
  user: number;
  system: number;
}

/** CPU this process spent while `fn` ran (all threads: GC helpers and the thread pool count too). */
export async function cpuOf(fn: () => Promise<void>): Promise<CpuSample> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return { user: used.user / 1000, system: used.system / 1000 };
}

/**
 * Client CPU per call: `batches` runs of `calls` sequential calls each, after `warmup` calls that
 * let V8 optimise and the connection pool fill. Each sample is one batch's CPU divided by its calls,
 * so one GC pause is spread over the batch that caused it instead of making one call look slow.
 */
export async function cpuPerCall(
  call: () => Promise<void>,
  o: { warmup: number; batches: number; calls: number },
): Promise<CpuSample[]> {
  for (let i = 0; i < o.warmup; i++) await call();
  const samples: CpuSample[] = [];
  for (let b = 0; b < o.batches; b++) {
    const used = await cpuOf(async () => {
      for (let i = 0; i < o.calls; i++) await call();
    });
    samples.push({ user: used.user / o.calls, system: used.system / o.calls });
  }
  return samples;
}
