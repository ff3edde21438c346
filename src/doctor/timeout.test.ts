import { describe, expect, it } from 'vitest';
import { describeMs, withTimeout } from './timeout.js';

describe('withTimeout', () => {
  it('returns the result of work that finishes', async () => {
    await expect(
      withTimeout(
        60_000,
        async () => 'done',
        () => 'late',
      ),
    ).resolves.toBe('done');
  });

  it('returns the fallback for work that never finishes, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const result = await withTimeout(
      20,
      (signal) => {
        seen = signal;
        return new Promise<string>(() => undefined);
      },
      () => 'timed out',
    );
    expect(result).toBe('timed out');
    expect(seen?.aborted).toBe(true);
  });

  it('passes on an error thrown by the work', async () => {
    await expect(
      withTimeout(
        60_000,
        async () => {
          throw new Error('boom');
        },
        () => 'late',
      ),
    ).rejects.toThrow('boom');
  });

  it('describes durations in seconds when whole', () => {
    expect(describeMs(10_000)).toBe('10 s');
    expect(describeMs(1500)).toBe('1500 ms');
    expect(describeMs(250)).toBe('250 ms');
  });
});
