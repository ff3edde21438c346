import { type Route, sendJson } from './routes.js';

export interface CheckResult {
  ok: boolean;
  detail?: string;
}

/** One dependency that must be healthy before the app takes traffic (Redis, IPS companies, …). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

export interface NamedCheckResult extends CheckResult {
  name: string;
}

export interface ReadinessDeps {
  isShuttingDown(): boolean;
  checks: readonly ReadinessCheck[];
  /** A check that takes longer counts as failed, so a hung dependency cannot hang the probe. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<NamedCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([check.check(), timeout]);
    return result.detail === undefined
      ? { name: check.name, ok: result.ok }
      : { name: check.name, ok: result.ok, detail: result.detail };
  } catch (err) {
    return { name: check.name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check concurrently; never rejects. */
export async function runChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = DEFAULT_CHECK_TIMEOUT_MS,
): Promise<NamedCheckResult[]> {
  return Promise.all(checks.map((c) => runOne(c, timeoutMs)));
}

/**
 * `/readyz`: 200 only when every check passes and the app is not shutting down; otherwise 503.
 * The body names each check either way, so an operator can see which dependency is down.
 */
export function readinessRoutes(deps: ReadinessDeps): Route[] {
  return [
    {
      path: '/readyz',
      method: ['GET', 'HEAD'],
      handler: async (_req, res) => {
        if (deps.isShuttingDown()) {
          sendJson(res, 503, { status: 'stopping', checks: [] });
          return;
        }
        const results = await runChecks(deps.checks, deps.timeoutMs);
        const ready = results.every((r) => r.ok);
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: results });
      },
    },
  ];
}
