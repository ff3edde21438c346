/** Data shapes of URL intake. Everything here is plain data so any listener or CLI can use it. */

/** What intake needs to know about one company; built from CompanyConfig plus the root ID from IPS. */
export interface IntakeCompany {
  /** IPS company name, used in messages. */
  name: string;
  /** Company root ID exactly as IPS has it (the `<root>` in `/is/image/<root>/…`). */
  rootId: string;
  /** Delivery hosts; an entry may be a wildcard such as `*.scene7.com` (one or more labels). */
  hosts: readonly string[];
  /** URL templates containing `<ID>`; a bare asset ID becomes one URL per template. */
  templates: readonly string[];
}

/**
 * Where a candidate came from. `text`: what the user typed or pasted (slash command, modal box);
 * `prefill`: a list the command or shortcut attached to the form because it was too long for the box;
 * `blocks`, `attachments`: parts of a Slack message; `file`: an uploaded file or a message's snippet.
 * Each source numbers its lines from 1, so a line number means something only with its source.
 */
export type CandidateSource = 'text' | 'prefill' | 'blocks' | 'attachments' | 'file';

/** One token found in the input, Slack-unescaped when its source was escaped, trimmed; not yet validated. */
export interface Candidate {
  value: string;
  /** 1-based line of its source. */
  line: number;
  source: CandidateSource;
  /** Name of the file it came from (source `file` only). */
  fileName?: string;
}

/** How to read a text: modal input, uploaded files and stashed prefills are raw; only Slack escapes. */
export interface TextOptions {
  /**
   * True for text Slack escaped (slash command text, mrkdwn message text): `&amp;` `&lt;` `&gt;`
   * are undone once. Default false: raw text is taken as typed, so a literal `&amp;` stays `&amp;`.
   */
  slackEscaped?: boolean;
  /** `text` (default) or `prefill`; files are always `file`. */
  source?: 'text' | 'prefill';
}

/** Why something was rejected or ignored; stable codes for metrics and tests. */
export type RejectionCode =
  | 'not-url-or-id'
  | 'no-scheme'
  | 'host-not-url'
  | 'too-long'
  | 'bad-character'
  | 'scheme'
  | 'malformed'
  | 'userinfo'
  | 'port'
  | 'host'
  | 'fragment'
  | 'path'
  | 'dot-segment'
  | 'root-case'
  | 'root-encoded'
  | 'root-other'
  | 'no-asset'
  | 'id-other-company'
  | 'no-templates'
  | 'not-web-link'
  | 'file-no-text';

export interface Rejection {
  input: string;
  /** 1-based line of `source`. */
  line: number;
  reason: string;
  code?: RejectionCode;
  /** Where `line` counts from (absent for message links judged outside runIntake). */
  source?: CandidateSource;
  /** The file's name when `source` is `file`. */
  fileName?: string;
}

/** A bare asset ID and the URLs its templates produced (each of them validated too). */
export interface Expansion {
  input: string;
  line: number;
  urls: string[];
}

export interface IntakeResult {
  /** Exact strings to send to IPS, in first-occurrence order, de-duplicated. */
  accepted: string[];
  /** In input order. */
  rejected: Rejection[];
  /** Asset IDs expanded through templates. */
  expansions: Expansion[];
  /** Candidates (or expanded URLs) dropped because an identical URL was accepted earlier. */
  duplicates: number;
}

/** The parts of a Slack message (message shortcut payload) intake reads. */
export interface SlackMessageLike {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: { name?: string; preview?: string; plain_text?: string }[];
}

export type ValidationResult = { ok: true } | { ok: false; reason: string; code: RejectionCode };
