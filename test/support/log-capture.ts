import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

/** A trace-level app logger whose lines are kept: raw, and parsed as JSON. */
export function captureLogger(): {
  logger: Logger;
  lines: string[];
  events: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    logger: createLogger({ level: 'trace', destination }),
    lines,
    events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
