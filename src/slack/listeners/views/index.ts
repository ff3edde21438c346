import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { PURGE_MODAL } from '../../ids.js';
import { purgeModalSubmit } from './purge-modal-submit.js';

export function register(app: App, deps: SlackDeps): void {
  app.view({ callback_id: PURGE_MODAL, type: 'view_submission' }, purgeModalSubmit(deps));
}
