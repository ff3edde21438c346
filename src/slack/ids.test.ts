import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COMPANY_BLOCK,
  FILE_BLOCK,
  MESSAGE_SHORTCUT,
  PURGE_MODAL,
  SLASH_COMMAND,
  STATUS_ACTION,
  URLS_BLOCK,
} from './ids.js';

interface Manifest {
  features?: {
    slash_commands?: { command?: string }[];
    shortcuts?: { type?: string; callback_id?: string }[];
  };
}

describe('Slack ids', () => {
  it('are the literal ids of the design contract (operators and manifest.yml depend on them)', () => {
    expect({
      SLASH_COMMAND,
      MESSAGE_SHORTCUT,
      PURGE_MODAL,
      COMPANY_BLOCK,
      URLS_BLOCK,
      FILE_BLOCK,
      STATUS_ACTION,
    }).toEqual({
      SLASH_COMMAND: '/purge',
      MESSAGE_SHORTCUT: 'purge_from_message',
      PURGE_MODAL: 'purge_modal',
      COMPANY_BLOCK: 'company',
      URLS_BLOCK: 'urls',
      FILE_BLOCK: 'file',
      STATUS_ACTION: 'purge_status',
    });
  });

  it('match manifest.yml: the slash command and the message shortcut', async () => {
    const manifest = parse(
      await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8'),
    ) as Manifest;
    expect(manifest.features?.slash_commands?.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    expect(manifest.features?.shortcuts).toEqual([
      expect.objectContaining({ type: 'message', callback_id: MESSAGE_SHORTCUT }),
    ]);
  });
});
