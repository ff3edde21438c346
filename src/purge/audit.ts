import type { Logger } from '../log.js';
import type { PurgeRecord } from './model.js';

/**
 * The audit line of a purge's outcome: `purge.failed` when nothing could be sent, `purge.confirmed`
 * when the CDN is due clean (done or partial). The confirm job writes it before notifying anyone:
 * the record of what was purged must not depend on the chat service.
 */
export function auditOutcome(logger: Logger, rec: PurgeRecord): void {
  const failed = rec.status === 'failed';
  logger.info(
    {
      audit: failed ? 'purge.failed' : 'purge.confirmed',
      purgeId: rec.id,
      user: rec.requester,
      company: rec.company.name,
      urls: rec.urlCount,
      status: rec.status,
      ...(failed && rec.error ? { code: rec.error.code, error: rec.error.kind } : {}),
    },
    failed ? 'purge failed' : 'purge confirmed',
  );
}
