/**
 * The bot scopes manifest.yml asks for (oauth_config.scopes.bot). A unit test keeps this list and
 * the manifest in step, so doctor needs no file at run time.
 */
export const REQUIRED_BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'files:read',
  'im:write',
];

/** Required scopes the token lacks, in manifest order. */
export function missingScopes(granted: readonly string[], required = REQUIRED_BOT_SCOPES): string[] {
  const have = new Set(granted.map((s) => s.trim()));
  return required.filter((s) => !have.has(s));
}
