import { describe, expect, it } from 'vitest';
import { testRecord } from '../../test/support/engine-fixtures.js';
import { silentLogger } from '../log.js';
import type { PurgeStatus, PurgeView } from './model.js';
import type { Notifier } from './ports.js';
import { ProgressNotes, type ProgressState } from './progress-notes.js';

function state(id: string, status: PurgeStatus): ProgressState {
  const record = testRecord({ id, status, urlCount: 2 });
  return { record, urls: ['a', 'b'], skipped: [] };
}

/** A notifier whose every progress call waits until the test answers it. */
class HeldNotifier implements Notifier {
  readonly calls: { view: PurgeView; answer: (err?: Error) => void }[] = [];
  progress(view: PurgeView): Promise<void> {
    return new Promise((resolve, reject) => {
      this.calls.push({ view, answer: (err) => (err ? reject(err) : resolve()) });
    });
  }
  async confirmed(): Promise<void> {}
  async failed(): Promise<void> {}
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ProgressNotes', () => {
  it('returns at once, keeps one note per purge in flight and sends only the newest after it', async () => {
    const n = new HeldNotifier();
    const notes = new ProgressNotes(n, silentLogger());
    notes.send(state('p-A', 'queued'));
    notes.send(state('p-A', 'submitting'));
    notes.send(state('p-A', 'clearing'));
    notes.send(state('p-B', 'submitting'));
    expect(n.calls.map((c) => `${c.view.id}:${c.view.status}`)).toEqual(['p-A:queued', 'p-B:submitting']);
    expect(notes.pending).toBe(2);
    let settled = false;
    void notes.settled().then(() => {
      settled = true;
    });
    n.calls[0]!.answer(new Error('slack down'));
    await tick();
    expect(n.calls.map((c) => `${c.view.id}:${c.view.status}`)).toEqual([
      'p-A:queued',
      'p-B:submitting',
      'p-A:clearing',
    ]);
    n.calls[1]!.answer();
    n.calls[2]!.answer();
    await tick();
    expect(settled).toBe(true);
    expect(notes.pending).toBe(0);
    // A later note for the same purge goes straight out again.
    notes.send(state('p-A', 'clearing'));
    expect(n.calls).toHaveLength(4);
  });

  it('survives a notifier that throws synchronously', async () => {
    const notifier: Notifier = {
      progress: () => {
        throw new Error('boom');
      },
      confirmed: async () => {},
      failed: async () => {},
    };
    const notes = new ProgressNotes(notifier, silentLogger());
    notes.send(state('p-C', 'queued'));
    await notes.settled();
    expect(notes.pending).toBe(0);
  });
});
