import { performance } from 'node:perf_hooks';
import { candidatesFromText, type IntakeCompany, runIntake } from '../../src/intake/index.js';
import { type BenchRow, summarize } from '../types.js';

/** Intake of 10,000 Slack-formatted URLs (extract + validate + de-duplicate); target ≤ 20 ms median. */
const COUNT = 10_000;
const WARMUP = 10;
const ITERATIONS = 40;

const company: IntakeCompany = {
  name: 'JJEsquire',
  rootId: 'JJEsquire',
  hosts: ['s7d7.scene7.com', 'images.jjesquire.com', '*.scene7.com'],
  templates: [],
};

function buildInput(): string {
  const lines: string[] = [];
  for (let n = 0; n < COUNT; n++) {
    // Mostly Slack link markup as it arrives from Slack, every fourth a bare URL as pasted.
    lines.push(
      n % 4 === 3
        ? `https://images.jjesquire.com/is/image/JJEsquire/ID-${n}?$product$&wid=400`
        : `<https://s7d7.scene7.com/is/image/JJEsquire/ID-${n}?$thumb$&amp;wid=200|label ${n}>`,
    );
  }
  return lines.join('\n');
}

const row: BenchRow = {
  name: 'intake',
  async run() {
    const input = buildInput();
    const once = (): number => {
      const result = runIntake(candidatesFromText(input, { slackEscaped: true }), company, {
        maxUrlsPerPurge: COUNT,
      });
      if (result.accepted.length !== COUNT) {
        throw new Error(`intake bench: expected ${COUNT} accepted URLs, got ${result.accepted.length}`);
      }
      return result.accepted.length;
    };
    for (let i = 0; i < WARMUP; i++) once();
    const samples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const start = performance.now();
      once();
      samples.push(performance.now() - start);
    }
    const { median, p99 } = summarize(samples);
    return [
      {
        row: 'intake, 10,000 URLs',
        unit: 'ms',
        median,
        p99,
        target: 20,
        targetOn: 'median',
        direction: 'max',
        // The minimum shows the cost without scheduler noise when the machine is busy.
        note: `candidatesFromText + runIntake, ${ITERATIONS} iterations after ${WARMUP} warm-up; min ${Math.min(...samples).toFixed(2)} ms`,
      },
    ];
  },
};

export default row;
