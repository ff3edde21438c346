/** One row of the benchmark table (design.md "Quality bars"). */
export interface BenchResult {
  /** Short name shown in the table, e.g. "SOAP 1000-URL round trip (in-process)". */
  row: string;
  unit: 'ms' | 'KB' | 'MB' | 'x';
  median: number;
  p99: number | undefined;
  /** The target from design.md, in the same unit. */
  target: number;
  /** Which figure the target applies to. */
  targetOn: 'median' | 'p99' | 'value';
  /** 'max': the figure must be ≤ target; 'min': ≥ target. */
  direction: 'max' | 'min';
  note?: string;
}

export interface BenchRow {
  name: string;
  run(): Promise<BenchResult[]>;
}

/** Median and p99 of samples (nearest-rank). */
export function summarize(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { median: at(0.5), p99: at(0.99) };
}
