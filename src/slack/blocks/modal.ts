import type { types } from '@slack/bolt';
import { COMPANY_BLOCK, FILE_BLOCK, PURGE_MODAL, URLS_BLOCK, URLS_INPUT_MAX } from '../ids.js';
import { clip, mrkdwnEscape } from './text.js';

type ModalView = types.ModalView;
type KnownBlock = types.KnownBlock;

const TITLE = 'Purge CDN URLs';

export interface PurgeFormOptions {
  companies: readonly { name: string; rootId: string; handle: string }[];
  /** Preselected company (the only one, or the one the user chose before). */
  selectedCompany?: string | undefined;
  /** Text to prefill the URL box with (already ≤ URLS_INPUT_MAX). */
  initialUrls?: string | undefined;
  /** Context lines shown above the form, e.g. what a shortcut ignored. */
  notes?: readonly string[];
  /** Signed context (see modal-context.ts). */
  privateMetadata: string;
}

/** A form-less view: one section and a single button that closes the modal. */
function noticeView(text: string, closeLabel: string, privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: PURGE_MODAL,
    title: { type: 'plain_text', text: TITLE },
    close: { type: 'plain_text', text: closeLabel },
    private_metadata: privateMetadata,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }],
  };
}

export function loadingView(privateMetadata: string, text = 'Checking what you may purge…'): ModalView {
  return noticeView(`:hourglass_flowing_sand: ${text}`, 'Cancel', privateMetadata);
}

/** A view with a message and only a Close button (denials, "nothing to do", failures). */
export function messageView(text: string, privateMetadata = ''): ModalView {
  return noticeView(text, 'Close', privateMetadata);
}

/** Slack limits an option value to 75 characters: longer company names travel as `#<handle>`. */
export function companyOptionValue(c: { name: string; handle: string }): string {
  return c.name.length <= OPTION_MAX ? c.name : `#${c.handle}`;
}

/** The company a submitted option value stands for (by name, or by handle for long names). */
export function companyFromOptionValue<C extends { name: string; handle: string }>(
  value: string,
  companies: { list(): C[]; get(name: string): C | undefined },
): C | undefined {
  return value.startsWith('#')
    ? companies.list().find((c) => `#${c.handle}` === value)
    : companies.get(value);
}

const OPTION_MAX = 75;
const OPTIONS_PER_GROUP = 100;

export function purgeFormView(o: PurgeFormOptions): ModalView {
  const options = o.companies.map((c) => ({
    text: { type: 'plain_text' as const, text: clip(c.name, OPTION_MAX) },
    value: companyOptionValue(c),
  }));
  const selected =
    options.find((opt) => opt.value === o.selectedCompany || opt.text.text === o.selectedCompany) ??
    (options.length === 1 ? options[0] : undefined);
  // A static_select holds 100 options; accounts with more companies get them in groups of 100.
  const choices =
    options.length <= OPTIONS_PER_GROUP
      ? { options }
      : {
          option_groups: chunk(
            [...options].sort((a, b) => a.text.text.localeCompare(b.text.text)),
            OPTIONS_PER_GROUP,
          )
            .slice(0, 100)
            .map((group) => ({
              label: {
                type: 'plain_text' as const,
                text: clip(`${group[0]?.text.text ?? ''} – ${group.at(-1)?.text.text ?? ''}`, OPTION_MAX),
              },
              options: group,
            })),
        };
  const example = o.companies[0]
    ? `https://s7d7.scene7.com/is/image/${o.companies[0].rootId}/11008047?$product$`
    : 'https://s7d7.scene7.com/is/image/<root>/11008047?$product$';

  const blocks: KnownBlock[] = [];
  for (const note of o.notes ?? []) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(note, 3000) }] });
  }
  blocks.push(
    {
      type: 'input',
      block_id: COMPANY_BLOCK,
      label: { type: 'plain_text', text: 'Company' },
      element: {
        type: 'static_select',
        action_id: COMPANY_BLOCK,
        placeholder: { type: 'plain_text', text: 'Choose a company' },
        ...choices,
        ...(selected ? { initial_option: selected } : {}),
      },
    },
    {
      type: 'input',
      block_id: URLS_BLOCK,
      optional: true,
      label: { type: 'plain_text', text: 'URLs or asset IDs' },
      hint: {
        type: 'plain_text',
        text: clip(
          `One per line (commas and spaces work too). Each preset is a separate CDN object, e.g. ${example}. Asset IDs are expanded through the company's URL templates.`,
          2000,
        ),
      },
      element: {
        type: 'plain_text_input',
        action_id: URLS_BLOCK,
        multiline: true,
        max_length: URLS_INPUT_MAX,
        placeholder: { type: 'plain_text', text: clip(example, 150) },
        ...(o.initialUrls ? { initial_value: o.initialUrls.slice(0, URLS_INPUT_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: FILE_BLOCK,
      optional: true,
      label: { type: 'plain_text', text: 'Or upload a list (.txt or .csv)' },
      hint: {
        type: 'plain_text',
        text: 'For long lists: one URL per line, or a CSV with a "url" column. Up to 1 MB.',
      },
      element: { type: 'file_input', action_id: FILE_BLOCK, filetypes: ['txt', 'csv'], max_files: 1 },
    },
  );
  return {
    type: 'modal',
    callback_id: PURGE_MODAL,
    title: { type: 'plain_text', text: TITLE },
    submit: { type: 'plain_text', text: 'Purge' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: o.privateMetadata,
    blocks,
  };
}

/** What rejectionSummary needs of a rejection (intake's Rejection fits). */
export interface RejectedLine {
  input: string;
  line: number;
  reason: string;
  source?: string | undefined;
  fileName?: string | undefined;
}

/**
 * The `errors` text for the urls block: first rejected lines with reasons, then totals. The box, the
 * attached list and each file number their lines from 1, so lines outside the box say where they are.
 */
export function rejectionSummary(
  rejected: readonly RejectedLine[],
  acceptedCount: number,
  max = 1900,
): string {
  const total = `${rejected.length} of ${rejected.length + acceptedCount} lines cannot be purged; fix or remove them and submit again.`;
  const lines: string[] = [];
  let used = total.length + 20;
  for (const r of rejected) {
    const line = `${whereIs(r)}: ${clip(r.input, 120)} — ${r.reason}`;
    if (used + line.length + 1 > max) break;
    lines.push(line);
    used += line.length + 1;
  }
  const more = rejected.length - lines.length;
  return [...lines, ...(more > 0 ? [`…and ${more} more.`] : []), total].join('\n');
}

function whereIs(r: RejectedLine): string {
  if (r.source === 'file') return `file ${clip(r.fileName ?? 'upload', 60)} line ${r.line}`;
  if (r.source === 'prefill') return `attached list line ${r.line}`;
  return `Line ${r.line}`;
}

/** Notes for the modal about links a shortcut ignored. */
export function ignoredNote(
  ignored: readonly { input: string; reason: string }[],
  maxItems = 5,
): string | undefined {
  if (ignored.length === 0) return undefined;
  const items = ignored
    .slice(0, maxItems)
    .map((i) => `• ${mrkdwnEscape(clip(i.input, 100))} — ${mrkdwnEscape(i.reason)}`);
  const more = ignored.length > maxItems ? `\n…and ${ignored.length - maxItems} more.` : '';
  return `Ignored ${ignored.length} link${ignored.length === 1 ? '' : 's'} from the message:\n${items.join('\n')}${more}`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
