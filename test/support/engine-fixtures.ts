import type { EngineConfig, Limits, PurgeConfig } from '../../src/config/types.js';
import { planBatches } from '../../src/purge/batching.js';
import type { PurgeRecord, PurgeView } from '../../src/purge/model.js';
import type { Notifier, PurgeAuthorizer } from '../../src/purge/ports.js';
import type { JobControl } from '../../src/purge/submit-worker.js';

export type NoticeKind = 'progress' | 'confirmed' | 'failed';

export interface Notice {
  kind: NoticeKind;
  purge: PurgeView;
  at: number;
}

/** A Notifier that remembers every call; `failNext` makes the next final notices throw. */
export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];
  private failures = 0;

  failNext(n: number): void {
    this.failures = n;
  }

  of(kind: NoticeKind, purgeId?: string): Notice[] {
    return this.notices.filter((n) => n.kind === kind && (purgeId === undefined || n.purge.id === purgeId));
  }

  async progress(purge: PurgeView): Promise<void> {
    this.notices.push({ kind: 'progress', purge, at: Date.now() });
  }

  async confirmed(purge: PurgeView): Promise<void> {
    this.final('confirmed', purge);
  }

  async failed(purge: PurgeView): Promise<void> {
    this.final('failed', purge);
  }

  private final(kind: NoticeKind, purge: PurgeView): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error(`notifier down (${kind})`);
    }
    this.notices.push({ kind, purge, at: Date.now() });
  }
}

/**
 * A RecordingNotifier whose progress notes never return, like a chat service that accepts the
 * connection and then stalls. Final notices still work.
 */
export class StuckProgressNotifier extends RecordingNotifier {
  override progress(purge: PurgeView): Promise<void> {
    void super.progress(purge);
    return new Promise<void>(() => {});
  }
}

export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls `check` until it returns a truthy value; the bound is only a safety net. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 60_000,
): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function testLimits(overrides: Partial<Limits> = {}): Limits {
  return {
    maxUrlsPerPurge: 10_000,
    urlsPerCall: 1000,
    callsPerMinutePerCompany: 600,
    dedupeSeconds: 60,
    ...overrides,
  };
}

export function testEngineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    attempts: 6,
    backoffMs: 20,
    confirmGraceMs: 50,
    retentionDays: 1,
    shutdownDeadlineMs: 2000,
    lockDurationMs: 1000,
    stalledIntervalMs: 500,
    recoverySweepMs: 500,
    claimLeaseMs: 2000,
    ...overrides,
  };
}

export function testConfig(
  limits: Partial<Limits> = {},
  engine: Partial<EngineConfig> = {},
): Pick<PurgeConfig, 'limits' | 'engine'> {
  return { limits: testLimits(limits), engine: testEngineConfig(engine) };
}

/** Realistic delivery URLs (~70-90 chars) of the simulator's default company JJEsquire. */
export function jjUrls(n: number, tag = 'a', root = 'JJEsquire'): string[] {
  const presets = ['thumbnail', 'product', 'zoom', 'swatch', 'hero', 'mobile'];
  const views = ['front', 'back', 'side', 'detail'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const sku = `SKU${(100_000 + ((i * 7919) % 900_000)).toString()}_${views[i % 4]}`;
    const preset = presets[i % 6];
    const extra = i % 3 === 0 ? `&wid=${200 + (i % 1800)}` : '';
    out.push(`https://s7d7.scene7.com/is/image/${root}/${tag}${sku}?$${preset}$${extra}`);
  }
  return out;
}

export const JJ_COMPANY = { name: 'JJEsquire', handle: 'c|6', rootId: 'JJEsquire' } as const;

/** A stored purge record for tests: one company, one batch per 1000 URLs, fields overridable. */
export function testRecord(overrides: Partial<PurgeRecord> & { id: string }): PurgeRecord {
  const urlCount = overrides.urlCount ?? 1;
  const at = overrides.createdAt ?? 1;
  return {
    company: { name: 'JJEsquire', handle: 'c|6', rootId: 'JJEsquire' },
    requester: 'U1',
    origin: { kind: 'command', channel: 'C1' },
    status: 'queued',
    urlCount,
    skippedCount: 0,
    batches: planBatches(urlCount, 1000),
    rejected: [],
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** Thrown where BullMQ would move the job to delayed: the processor's run ends there. */
export class Delayed extends Error {
  constructor(readonly until: number) {
    super('delayed');
  }
}

/** The JobControl a processor gets from BullMQ, as unit tests drive it by hand. */
export const delayingControl: JobControl = {
  delayUntil: async (ts: number) => {
    throw new Delayed(ts);
  },
};

/** Lets everyone purge every company: for tests about the engine, not about access. */
export const allowEveryone: PurgeAuthorizer = { mayPurge: async () => ({ allowed: true }) };

/**
 * Resolves once `Date.now()` has reached `at`. A timer alone can fire a millisecond before the wall
 * clock gets there (timers run on a monotonic clock), and the workers compare against `Date.now()`.
 */
export async function untilWallClock(at: number): Promise<void> {
  while (Date.now() < at) await new Promise((r) => setTimeout(r, at - Date.now() + 1));
}
