import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { MESSAGE_SHORTCUT } from '../../ids.js';
import { purgeFromMessage } from './purge-from-message.js';

export function register(app: App, deps: SlackDeps): void {
  app.shortcut({ callback_id: MESSAGE_SHORTCUT, type: 'message_action' }, purgeFromMessage(deps));
}
