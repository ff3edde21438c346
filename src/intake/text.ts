import { findCsvColumn, readRecords } from './csv.js';
import { assertInputSize } from './errors.js';
import { TokenSink, tokenizeLine } from './tokenize.js';
import type { Candidate, TextOptions } from './types.js';

/**
 * Modal text, slash-command text, a stashed prefill: every token on every line is a candidate (URL
 * or asset ID); `runIntake` rejects the ones that are neither. Lines starting with `#` are comments.
 * Raw unless `slackEscaped` (only slash-command and mrkdwn text are escaped by Slack).
 */
export function candidatesFromText(text: string, options: TextOptions = {}): Candidate[] {
  const sink = new TokenSink(options.source ?? 'text', options.slackEscaped === true, undefined);
  return candidatesFromPlain(text, sink, false);
}

/**
 * An uploaded text or CSV file; same rules as text, `.tsv` files prefer tab-separated columns.
 * Files are raw: Slack never escapes their content.
 */
export function candidatesFromFile(
  content: string,
  fileName: string,
  options: Pick<TextOptions, 'slackEscaped'> = {},
): Candidate[] {
  const sink = new TokenSink('file', options.slackEscaped === true, fileName);
  return candidatesFromPlain(content, sink, fileName.toLowerCase().endsWith('.tsv'));
}

function candidatesFromPlain(input: string, sink: TokenSink, preferTab: boolean): Candidate[] {
  assertInputSize(input);
  // A BOM from spreadsheet exports would hide the header name.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const header = findHeaderLine(text);
  if (header !== undefined) {
    const column = findCsvColumn(header.text, preferTab);
    if (column !== undefined && column.width > 1) {
      for (const record of readRecords(text, header.end, header.line + 1, column.delimiter)) {
        // A row without delimiters (a URL pasted under the table) is read rather than dropped.
        const cell = record.cells.length === 1 ? record.cells[0] : record.cells[column.index];
        if (cell !== undefined) sink.push(cell, record.line);
      }
      return sink.out;
    }
    if (column !== undefined) {
      // A one-column list with a title line ("URL"): drop the title, read the rest as text.
      tokenizeLines(text, header.end, header.line + 1, sink);
      return sink.out;
    }
  }
  tokenizeLines(text, 0, 1, sink);
  return sink.out;
}

interface HeaderLine {
  text: string;
  line: number;
  /** Offset just after the line break that ends it. */
  end: number;
}

/** The first line that is neither blank nor a comment. */
function findHeaderLine(text: string): HeaderLine | undefined {
  const lines = new LineCursor(text);
  let start = 0;
  let line = 1;
  while (start < text.length) {
    const { stop, next } = lines.end(start);
    const raw = text.slice(start, stop);
    const trimmed = raw.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return { text: raw, line, end: next };
    start = next;
    line++;
  }
  return undefined;
}

function tokenizeLines(text: string, from: number, firstLine: number, sink: TokenSink): void {
  const lines = new LineCursor(text);
  let start = from;
  let line = firstLine;
  while (start < text.length) {
    const { stop, next } = lines.end(start);
    const raw = text.slice(start, stop);
    if (!isComment(raw)) tokenizeLine(raw, line, sink);
    start = next;
    line++;
  }
}

function isComment(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || c === 0x09) continue;
    return c === 0x23;
  }
  return false;
}

/**
 * Walks lines ending in `\n`, `\r\n` or `\r`. Remembers the next break of each kind so a
 * text with no `\r` is not rescanned for one on every line.
 */
class LineCursor {
  private nl = -2;
  private cr = -2;

  constructor(private readonly text: string) {}

  /** End of the line starting at `start` and where the next one begins. */
  end(start: number): { stop: number; next: number } {
    const text = this.text;
    if (this.nl !== -1 && this.nl < start) this.nl = text.indexOf('\n', start);
    if (this.cr !== -1 && this.cr < start) this.cr = text.indexOf('\r', start);
    const { nl, cr } = this;
    if (cr === -1 || (nl !== -1 && nl < cr)) {
      return nl === -1 ? { stop: text.length, next: text.length } : { stop: nl, next: nl + 1 };
    }
    return { stop: cr, next: text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1 };
  }
}
