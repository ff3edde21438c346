import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchRow } from './types.js';

/**
 * Runs every row module in bench/rows (each default-exports a BenchRow), prints a table with the
 * target beside each figure, and writes bench/results.json. `npm run bench -- soap` runs only
 * rows whose file name contains "soap".
 */
const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  if (n >= 100) return n.toFixed(0);
  if (n >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

function meets(r: BenchResult): boolean {
  const figure = r.targetOn === 'p99' ? (r.p99 ?? r.median) : r.median;
  return r.direction === 'max' ? figure <= r.target : figure >= r.target;
}

async function main(): Promise<void> {
  const files = (await readdir(join(here, 'rows')))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .filter((f) => !filter || f.includes(filter))
    .sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, 'rows', file)).href)) as { default: BenchRow };
    process.stderr.write(`running ${mod.default.name}…\n`);
    try {
      results.push(...(await mod.default.run()));
    } catch (err) {
      // One broken row must not hide the others: it shows as a failed line and the run exits 1.
      process.exitCode = 1;
      results.push({
        row: `${mod.default.name}: did not complete`,
        unit: 'ms',
        median: Number.NaN,
        p99: undefined,
        target: 0,
        targetOn: 'value',
        direction: 'max',
        note: err instanceof Error ? err.message : String(err),
      });
    }
  }
  const header = ['row', 'median', 'p99', 'target', 'ok'];
  const lines = results.map((r) => [
    r.row,
    `${fmt(r.median)} ${r.unit}`,
    r.p99 === undefined ? '—' : `${fmt(r.p99)} ${r.unit}`,
    `${r.direction === 'max' ? '≤' : '≥'} ${fmt(r.target)} ${r.unit} (${r.targetOn})`,
    meets(r) ? '✓' : '✗',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const out = [header, widths.map((w) => '-'.repeat(w)), ...lines]
    .map((l) => `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`)
    .join('\n');
  process.stdout.write(`${out}\n`);
  for (const r of results) if (r.note) process.stdout.write(`  ${r.row}: ${r.note}\n`);
  const target = join(here, 'results.json');
  await mkdir(dirname(target), { recursive: true });
  await writeFile(
    target,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results: results.map((r) => ({ ...r, ok: meets(r) })) }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
