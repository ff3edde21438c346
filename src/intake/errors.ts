import { formatCount } from './format.js';

/** 1 MB cap on any text or file; checked before any extraction work. */
export const MAX_INPUT_BYTES = 1_048_576;

export type IntakeLimitCode = 'INTAKE_TOO_LARGE' | 'INTAKE_TOO_MANY_URLS';

/** The input as a whole is over a limit; nothing of it is used (no partial purge). */
export class IntakeLimitError extends Error {
  override readonly name = 'IntakeLimitError';
  readonly code: IntakeLimitCode;
  readonly limit: number;
  readonly actual: number;

  constructor(code: IntakeLimitCode, limit: number, actual: number) {
    super(
      code === 'INTAKE_TOO_LARGE'
        ? `input is ${formatCount(actual)} bytes; the limit is ${formatCount(limit)} bytes (1 MB): split it into smaller purges`
        : `${formatCount(actual)} URLs in one purge; the limit is ${formatCount(limit)}: split it into smaller purges`,
    );
    this.code = code;
    this.limit = limit;
    this.actual = actual;
  }
}

/** Throws INTAKE_TOO_LARGE when `text` is over MAX_INPUT_BYTES of UTF-8. */
export function assertInputSize(text: string): void {
  // UTF-8 needs at least one byte per UTF-16 unit and at most three, so most inputs skip the count.
  if (text.length * 3 <= MAX_INPUT_BYTES) return;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_INPUT_BYTES) throw new IntakeLimitError('INTAKE_TOO_LARGE', MAX_INPUT_BYTES, bytes);
}
