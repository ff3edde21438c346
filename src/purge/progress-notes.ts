import type { Logger } from '../log.js';
import { type PurgeRecord, toView } from './model.js';
import type { Notifier } from './ports.js';

/** What a note is built from; the view is made only when the note actually goes out. */
export interface ProgressState {
  record: PurgeRecord;
  urls: readonly string[];
  skipped: readonly string[];
}

interface Slot {
  /** The newest state asked for while a note of the same purge was in flight. */
  next: ProgressState | undefined;
}

/** Purges with a note in flight; past this a stalled chat service costs no more memory. */
const MAX_IN_FLIGHT = 1000;

/**
 * Progress notes, sent without making the caller wait: the purge itself must never wait on the
 * chat service. Per purge one note is in flight at a time and only the newest waiting state
 * follows it, so notes of one purge cannot overtake each other and a stalled service holds at
 * most two states per purge. Failures are logged; notes are advisory.
 */
export class ProgressNotes {
  private readonly inFlight = new Map<string, Slot>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {}

  send(state: ProgressState): void {
    const id = state.record.id;
    const slot = this.inFlight.get(id);
    if (slot) {
      slot.next = state;
      return;
    }
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      this.logger.warn(
        { purgeId: id, inFlight: this.inFlight.size },
        'chat service stalled; progress note dropped',
      );
      return;
    }
    const fresh: Slot = { next: undefined };
    this.inFlight.set(id, fresh);
    void this.drain(id, fresh, state);
  }

  /** Notes in flight (for shutdown and tests). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Resolves once no note is in flight. */
  settled(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async drain(id: string, slot: Slot, first: ProgressState): Promise<void> {
    let state: ProgressState | undefined = first;
    while (state) {
      try {
        await this.notifier.progress(toView(state.record, state.urls, state.skipped));
      } catch (err) {
        this.logger.warn({ purgeId: id, err }, 'progress notification failed');
      }
      state = slot.next;
      slot.next = undefined;
    }
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
}
