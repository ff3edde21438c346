import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../log.js';
import { withoutLogFields } from '../log-context.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

type Method = 'debug' | 'info' | 'warn' | 'error';

/**
 * Bolt's Logger interface on top of our pino logger, so Bolt's lines are JSON with redaction too.
 * `contextFree`: for a client shared by requests and workers, whose queued calls may run inside
 * whichever request resumed the queue; its lines then carry no request's ids rather than a wrong one.
 */
export function boltLogger(base: Logger, o: { contextFree?: boolean } = {}): BoltLogger {
  let log = base.child({ component: 'bolt' });
  const write =
    (method: Method) =>
    (...msg: unknown[]): void => {
      const [first, ...rest] = msg;
      if (
        first !== null &&
        typeof first === 'object' &&
        !(first instanceof Error) &&
        typeof rest[0] === 'string'
      ) {
        log[method](first as Record<string, unknown>, rest.map(String).join(' '));
      } else if (first instanceof Error) {
        log[method]({ err: first }, rest.map(String).join(' ') || first.message);
      } else {
        log[method](msg.map((m) => (typeof m === 'string' ? m : safeJson(m))).join(' '));
      }
    };
  const method = (m: Method) => {
    const w = write(m);
    return o.contextFree ? (...msg: unknown[]) => withoutLogFields(() => w(...msg)) : w;
  };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    setLevel: () => undefined,
    getLevel: () => LEVELS[base.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      log = base.child({ component: name });
    },
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
