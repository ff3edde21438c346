/** Slack ids that manifest.yml, tests and operators depend on (design.md "Slack ids"). */
export const SLASH_COMMAND = '/purge';
export const MESSAGE_SHORTCUT = 'purge_from_message';
export const PURGE_MODAL = 'purge_modal';
/** Input blocks: block_id equals action_id. */
export const COMPANY_BLOCK = 'company';
export const URLS_BLOCK = 'urls';
export const FILE_BLOCK = 'file';
/** Slack's limit for a plain_text_input. */
export const URLS_INPUT_MAX = 3000;
/** Button on purge messages that shows the purge's details to whoever clicks it (if they may see it). */
export const STATUS_ACTION = 'purge_status';
