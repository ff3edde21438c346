import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { missingScopes, REQUIRED_BOT_SCOPES } from './slack-scopes.js';

describe('bot scopes', () => {
  it('are exactly the bot scopes manifest.yml asks for', async () => {
    const manifest: unknown = parse(
      await readFile(new URL('../../../manifest.yml', import.meta.url), 'utf8'),
    );
    const bot = (manifest as { oauth_config?: { scopes?: { bot?: unknown } } }).oauth_config?.scopes?.bot;
    expect(bot).toEqual([...REQUIRED_BOT_SCOPES]);
  });

  it('lists the missing ones in manifest order, ignoring extra scopes', () => {
    expect(missingScopes(['im:write', 'commands', 'channels:read'])).toEqual([
      'chat:write',
      'chat:write.public',
      'users:read',
      'users:read.email',
      'files:read',
    ]);
    expect(missingScopes([...REQUIRED_BOT_SCOPES].reverse())).toEqual([]);
    expect(missingScopes([])).toEqual([...REQUIRED_BOT_SCOPES]);
  });
});
