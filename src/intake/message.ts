import { assertInputSize, IntakeLimitError, MAX_INPUT_BYTES } from './errors.js';
import { addLinkTarget, type LinkSink, scanBareUrls, scanMrkdwn } from './links.js';
import type { Candidate, CandidateSource, Rejection, SlackMessageLike } from './types.js';
import { unescapeSlack } from './unescape.js';

/**
 * A Slack message (message shortcut): the links in its text, rich_text blocks, legacy attachments
 * and text snippets. A URL already found in an earlier source (text, then blocks, attachments,
 * files) is not repeated, because Slack carries the same links in `text` and in `blocks`.
 */
export function candidatesFromMessage(message: SlackMessageLike): {
  candidates: Candidate[];
  ignored: Rejection[];
} {
  const collector = new Collector();
  const text = message.text;
  if (typeof text === 'string') {
    collector.budget(text);
    scanMrkdwn(text, 1, collector.sink('text'));
  }
  if (Array.isArray(message.blocks)) {
    new BlockWalker(collector, collector.sink('blocks')).walk(message.blocks);
  }
  if (Array.isArray(message.attachments)) readAttachments(message.attachments, collector);
  if (Array.isArray(message.files)) readFiles(message.files, collector);
  return { candidates: collector.candidates, ignored: collector.ignored };
}

class Collector {
  readonly candidates: Candidate[] = [];
  readonly ignored: Rejection[] = [];
  private readonly firstSource = new Map<string, CandidateSource>();
  private used = 0;

  /** Counts text against the 1 MB cap for the whole message. */
  budget(text: string): void {
    assertInputSize(text);
    this.used += text.length;
    if (this.used > MAX_INPUT_BYTES)
      throw new IntakeLimitError('INTAKE_TOO_LARGE', MAX_INPUT_BYTES, this.used);
  }

  /**
   * Whether `value` is, once Slack-unescaped, a URL an earlier source already gave. Whether Slack
   * entity-escapes rich_text `link.url` is not documented; read raw, an escaped copy of a link in
   * the text would otherwise come out as a second, wrong URL (`?a=1&amp;b=2`). No real asset URL
   * holds a literal `&amp;` next to its unescaped twin, so treating it as the same link loses nothing.
   */
  escapedTwinOfKnown(value: string): boolean {
    if (!value.includes('&')) return false;
    const plain = unescapeSlack(value);
    return plain !== value && this.firstSource.has(plain);
  }

  sink(source: CandidateSource, fixedLine?: number, fileName?: string): LinkSink {
    return {
      add: (value, line) => {
        const first = this.firstSource.get(value);
        if (first !== undefined && first !== source) return;
        if (first === undefined) this.firstSource.set(value, source);
        const at = fixedLine ?? line;
        this.candidates.push(
          fileName === undefined ? { value, line: at, source } : { value, line: at, source, fileName },
        );
      },
      ignore: (input, line, reason) => {
        this.ignored.push({ input, line: fixedLine ?? line, reason, code: 'not-web-link', source });
      },
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_DEPTH = 32;

/**
 * Walks Block Kit JSON: rich_text (sections, lists, quotes, preformatted) with `link` and `text`
 * elements, plus mrkdwn/plain_text objects of other blocks (bot messages). Lines follow the
 * rendered layout: a `\n` in text, or the end of a section, list item or block.
 */
class BlockWalker {
  private line = 1;
  private breakPending = false;
  private atLineStart = true;

  constructor(
    private readonly collector: Collector,
    private readonly sink: LinkSink,
  ) {}

  walk(nodes: unknown[]): void {
    this.visit(nodes, 0);
  }

  private startContent(): void {
    if (this.breakPending && !this.atLineStart) this.line++;
    this.breakPending = false;
  }

  private visitText(text: string, mrkdwn: boolean): void {
    this.collector.budget(text);
    this.startContent();
    if (mrkdwn) scanMrkdwn(text, this.line, this.sink);
    else scanBareUrls(text, this.line, this.sink);
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.line++;
    if (text.length > 0) this.atLineStart = text.endsWith('\n');
  }

  private visit(node: unknown, depth: number): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      for (const child of node) this.visit(child, depth + 1);
      return;
    }
    if (!isRecord(node)) return;
    const type = node.type;
    if (type === 'link' && typeof node.url === 'string') {
      this.collector.budget(node.url);
      this.startContent();
      // rich_text is JSON: Slack does not escape it, so an `&amp;` there is what the user typed,
      // unless it is the escaped copy of a link the text already gave.
      if (!this.collector.escapedTwinOfKnown(node.url.trim()))
        addLinkTarget(node.url, this.line, this.sink, false);
      this.atLineStart = false;
      return;
    }
    if (typeof node.text === 'string') {
      if (type === 'text' || type === 'plain_text') this.visitText(node.text, false);
      else if (type === 'mrkdwn') this.visitText(node.text, true);
    } else if (isRecord(node.text)) {
      this.visit(node.text, depth + 1);
    }
    if (Array.isArray(node.elements)) {
      this.visit(node.elements, depth + 1);
      this.breakPending = true;
    }
    if (Array.isArray(node.fields)) {
      this.visit(node.fields, depth + 1);
      this.breakPending = true;
    }
  }
}

const ATTACHMENT_LINK_FIELDS = [
  'title_link',
  'from_url',
  'original_url',
  'image_url',
  'app_unfurl_url',
] as const;
const ATTACHMENT_TEXT_FIELDS = ['pretext', 'text', 'fallback'] as const;

/** Legacy attachments and unfurls; every candidate gets the attachment's 1-based position as line. */
function readAttachments(attachments: unknown[], collector: Collector): void {
  attachments.forEach((attachment, index) => {
    if (!isRecord(attachment)) return;
    const line = index + 1;
    const sink = collector.sink('attachments', line);
    for (const field of ATTACHMENT_LINK_FIELDS) {
      const value = attachment[field];
      if (typeof value === 'string') {
        collector.budget(value);
        // Legacy attachment URLs mirror the escaped message text (unfurls carry the link as posted).
        addLinkTarget(value, line, sink, true);
      }
    }
    for (const field of ATTACHMENT_TEXT_FIELDS) {
      const value = attachment[field];
      if (typeof value === 'string') {
        collector.budget(value);
        scanMrkdwn(value, line, sink);
      }
    }
    if (Array.isArray(attachment.fields)) {
      for (const f of attachment.fields) {
        if (isRecord(f) && typeof f.value === 'string') {
          collector.budget(f.value);
          scanMrkdwn(f.value, line, sink);
        }
      }
    }
    if (Array.isArray(attachment.blocks)) new BlockWalker(collector, sink).walk(attachment.blocks);
  });
}

/** Text snippets: their full text when Slack sends it, else the preview. */
function readFiles(files: SlackMessageLike['files'] & object, collector: Collector): void {
  files.forEach((file, index) => {
    if (!isRecord(file)) return;
    const content =
      typeof file.plain_text === 'string'
        ? file.plain_text
        : typeof file.preview === 'string'
          ? file.preview
          : undefined;
    const name = typeof file.name === 'string' && file.name !== '' ? file.name : `file ${index + 1}`;
    if (content === undefined) {
      collector.ignored.push({
        input: name,
        line: 1,
        reason: `${name} has no text Slack shares with apps; upload it in the purge form's file field instead`,
        code: 'file-no-text',
        source: 'file',
        fileName: name,
      });
      return;
    }
    collector.budget(content);
    // A snippet is a file: its text is raw.
    scanBareUrls(content, 1, collector.sink('file', undefined, name));
  });
}
