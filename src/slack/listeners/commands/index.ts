import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { SLASH_COMMAND } from '../../ids.js';
import { purgeCommand } from './purge.js';

export function register(app: App, deps: SlackDeps): void {
  app.command(SLASH_COMMAND, purgeCommand(deps));
}
