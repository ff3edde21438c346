import { randomBytes } from 'node:crypto';

/**
 * Message timestamps the way Slack writes them ("1700000000.000100"): seconds from the wall clock,
 * a six-digit fraction that keeps every ts of one simulator unique and strictly increasing even
 * when many messages land in the same second.
 */
export class TsClock {
  private sec = 0;
  private micro = 0;

  next(nowMs: number = Date.now()): string {
    const nowSec = Math.floor(nowMs / 1000);
    if (nowSec > this.sec) {
      this.sec = nowSec;
      this.micro = 100;
    } else {
      this.micro += 100;
      if (this.micro > 999_900) {
        this.sec += 1;
        this.micro = 100;
      }
    }
    return `${this.sec}.${String(this.micro).padStart(6, '0')}`;
  }
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Slack-looking ids ("V0A1B2C3D4"): a prefix letter, a random stem per generator, a counter. */
export function idGenerator(prefix: string): () => string {
  const stem = Array.from(randomBytes(3), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
  let n = 0;
  return () => {
    n += 1;
    return `${prefix}${stem}${n.toString(36).toUpperCase().padStart(6, '0')}`;
  };
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A view hash like Slack's: "<unix seconds>.<random>". */
export function viewHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomHex(4)}`;
}
