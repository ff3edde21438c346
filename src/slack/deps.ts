import type { Company } from '../access/company-directory.js';
import type { AccessPolicy } from '../access/policy.js';
import type { Limits } from '../config/types.js';
import type { Logger } from '../log.js';
import type { PurgeService } from '../purge/service.js';
import type { ModalContextCodec } from './modal-context.js';
import type { SlackNotifier } from './notifier.js';
import type { PrefillStore } from './prefill-store.js';

/** Everything the listeners need, built once by the composition root. */
export interface SlackDeps {
  companies: { list(): Company[]; get(name: string): Company | undefined };
  policy: Pick<AccessPolicy, 'decide' | 'allowedCompanies'>;
  purges: Pick<PurgeService, 'accept' | 'get' | 'latestForUser' | 'latestForCompany'>;
  notifier: Pick<SlackNotifier, 'progress'>;
  limits: Limits;
  contexts: ModalContextCodec;
  prefills: PrefillStore;
  botToken: string;
  logger: Logger;
  /** Time allowed for work before a modal is switched to a "checking…" state (Slack allows 3 s). */
  ackBudgetMs: number;
}
