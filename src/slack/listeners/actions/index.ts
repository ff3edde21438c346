import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { STATUS_ACTION } from '../../ids.js';
import { purgeStatusAction } from './purge-status.js';

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(
    { action_id: STATUS_ACTION, type: 'block_actions' },
    purgeStatusAction(deps),
  );
}
