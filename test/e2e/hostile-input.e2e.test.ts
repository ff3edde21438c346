import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModalContextCodec } from '../../src/slack/modal-context.js';
import { type Harness, type ModalState, startHarness, USERS, until } from '../support/app-harness.js';
import {
  HOSTILE_TEXT_CASES,
  invalidUtf8,
  JJ_IMAGE,
  nestedBlocks,
  PNG_HEADER,
  textOfSize,
  validUrls,
} from '../support/hostile-corpus.js';
import { slackEscape } from '../support/slack-payloads.js';

/**
 * Hostile input through the real app over HTTP: the modal's URL box, uploaded files, forged form
 * state, and messages used with the shortcut. Every one must be answered (HTTP 200 with a reason the
 * user can act on), must send nothing to IPS, and must leave the process healthy.
 */

let h: Harness;
/** Every URL this file purges on purpose; nothing else may ever reach cdnCacheInvalidation. */
const intended = new Set<string>();

beforeAll(async () => {
  h = await startHarness({ estimatedSeconds: 0 });
});
afterAll(async () => {
  await h?.close();
});

const A = `${JJ_IMAGE}/a`;

let tsSeq = 0;
/** A fresh message ts for each shortcut, so every purge has its own thread. */
function nextTs(): string {
  return `1700000100.${String(++tsSeq).padStart(6, '0')}`;
}

function invalidations(from: number) {
  return h.ips.calls.slice(from).filter((c) => c.operation === 'cdnCacheInvalidation');
}

interface Outcome {
  kind: 'errors' | 'message' | 'closed';
  /** The errors (or notes) or the message the user sees. */
  text: string;
  /** Blocks the errors are attached to (empty when shown as notes above the form). */
  blocks: string[];
}

type View = Record<string, unknown> & {
  blocks?: { block_id?: string; type?: string; text?: { text?: string }; elements?: { text?: string }[] }[];
};

function isLoading(view: View): boolean {
  const blocks = view.blocks ?? [];
  return blocks.length === 1 && (blocks[0]?.text?.text ?? '').includes(':hourglass_flowing_sand:');
}

function viewText(view: View): string {
  return (view.blocks ?? [])
    .map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text ?? '')].join('\n'))
    .join('\n');
}

/**
 * What the user sees after pressing Purge. A slow submission (a big file on a busy machine) is
 * acknowledged with a loading view and answered by a views.update; both paths are read the same way.
 */
async function readOutcome(
  res: { json: unknown; body: string },
  modal: ModalState,
  mark: number,
): Promise<Outcome> {
  const json = res.json as
    | { response_action?: string; errors?: Record<string, string>; view?: View }
    | undefined;
  if (json?.response_action === 'errors') {
    const errors = json.errors ?? {};
    return { kind: 'errors', text: Object.values(errors).join('\n'), blocks: Object.keys(errors) };
  }
  if (json?.response_action === 'update' && json.view) {
    let view = json.view;
    if (isLoading(view)) {
      const upd = await h.slack.waitFor(
        (c) =>
          c.method === 'views.update' && c.args.view_id === modal.viewId && h.slack.calls.indexOf(c) >= mark,
        60_000,
      );
      view = upd.args.view as View;
    }
    const isForm = (view.blocks ?? []).some((b) => b.block_id === 'urls');
    return { kind: isForm ? 'errors' : 'message', text: viewText(view), blocks: [] };
  }
  return { kind: 'closed', text: res.body, blocks: [] };
}

/** Submits the form and returns what the user sees; fails if this submission reached IPS. */
async function submitHostile(
  userId: string,
  modal: ModalState,
  input: Parameters<Harness['submit']>[2],
): Promise<Outcome> {
  const mark = h.slack.calls.length;
  const ipsBefore = h.ips.calls.length;
  const res = await h.submit(userId, modal, input);
  expect(res.status).toBe(200);
  const outcome = await readOutcome(res, modal, mark);
  expect(outcome.kind).not.toBe('closed');
  expect(invalidations(ipsBefore)).toEqual([]);
  return outcome;
}

function expectReason(outcome: Outcome, block: 'urls' | 'company', ...reasons: RegExp[]): void {
  expect(outcome.kind).toBe('errors');
  if (outcome.blocks.length > 0) expect(outcome.blocks).toEqual([block]);
  for (const reason of reasons) expect(outcome.text).toMatch(reason);
  // Slack refuses an errors text over its limit: the reason must still arrive.
  expect(outcome.text.length).toBeLessThanOrEqual(2000);
}

async function uploadAndSubmit(name: string, content: string | Buffer): Promise<Outcome> {
  const file = h.slack.addFile({ name, content });
  const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
  return submitHostile(USERS.admin.id, modal, {
    company: 'JJEsquire',
    files: [{ id: file.id, name: file.name }],
  });
}

function contextTexts(view: Record<string, unknown>): string {
  const blocks = (view.blocks ?? []) as { type: string; elements?: { text?: string }[] }[];
  return blocks
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''))
    .join('\n');
}

describe('hostile text in the modal URL box', () => {
  it.each(HOSTILE_TEXT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
    const outcome = await submitHostile(USERS.admin.id, modal, { company: 'JJEsquire', urls: c.text });
    expectReason(outcome, 'urls', ...c.reason);
  });

  it('one hostile line among valid ones refuses the whole list, naming only that line', async () => {
    const [good1, good2] = validUrls(2, 'mixed');
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
    const outcome = await submitHostile(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: `${good1}\n${A}\u0000</items>\n${good2}`,
    });
    expectReason(outcome, 'urls', /Line 2: /, /control character/, /1 of 3 lines cannot be purged/);
    expect(outcome.text).not.toMatch(/Line [13]:/);
  });

  it('every corpus case at once: the summary stays within Slack limits and names the first lines', async () => {
    const text = HOSTILE_TEXT_CASES.map((c) => c.text).join('\n');
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
    const outcome = await submitHostile(USERS.admin.id, modal, { company: 'JJEsquire', urls: text });
    expectReason(outcome, 'urls', /^Line 1: /, /…and \d+ more/, /lines cannot be purged/);
  });

  it('&lt;/items&gt; typed into the box is text (the box is raw): sent whole as one item, never markup', async () => {
    const typed = `${A}&lt;/items&gt;`;
    intended.add(typed);
    const ipsBefore = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTRAW');
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: typed });
    expect(res.body).toBe('');
    const call = await until(() => invalidations(ipsBefore)[0]);
    expect(call.urls).toEqual([typed]);
  });

  it('</items> typed in /purge arrives Slack-escaped, is unescaped once and refused', async () => {
    const modal = await h.openModal(USERS.admin.id, slackEscape(`${A}</items>`), 'C0HOSTILE');
    expect(modal.initialUrls).toBe(`${A}</items>`);
    const outcome = await submitHostile(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: modal.initialUrls,
    });
    expectReason(outcome, 'urls', /character </);
  });

  it('1.1 MB in the text field (far past the 3000 characters Slack allows) is refused by size', async () => {
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
    const outcome = await submitHostile(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: textOfSize(1_100_000, 'typed-huge'),
    });
    expectReason(outcome, 'urls', /bytes/, /limit is 1,048,576 bytes/, /split/);
  });
});

describe('hostile uploaded files', () => {
  it('10 MB of text is refused by its size (from files.info, before any reading)', async () => {
    const outcome = await uploadAndSubmit('huge.txt', textOfSize(10 * 1_048_576, 'ten-mb'));
    expectReason(outcome, 'urls', /huge\.txt/, /10\.\d MB/, /limit is 1 MB/);
  });

  it('1.1 MB of text is refused by its size', async () => {
    const outcome = await uploadAndSubmit('big.txt', textOfSize(1_100_000, 'one-mb'));
    expectReason(outcome, 'urls', /big\.txt/, /1\.\d MB/, /limit is 1 MB/);
  });

  it('one byte over 1 MB is refused by its size', async () => {
    const outcome = await uploadAndSubmit('edge.txt', 'x'.repeat(1_048_577));
    expectReason(outcome, 'urls', /edge\.txt/, /limit is 1 MB/);
  });

  it('100,000 URLs in a file are refused (the file alone is over 1 MB)', async () => {
    const outcome = await uploadAndSubmit('all.txt', validUrls(100_000, 'hundred-k').join('\n'));
    expectReason(outcome, 'urls', /all\.txt/, /limit is 1 MB/);
  });

  it('100,000 asset IDs under 1 MB expand past the per-purge limit and are refused whole', async () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `A${i}`).join('\n');
    expect(Buffer.byteLength(ids)).toBeLessThan(1_048_576);
    const outcome = await uploadAndSubmit('ids.txt', ids);
    expectReason(outcome, 'urls', /200,000 URLs/, /limit is 10,000/, /split/);
  });

  it('a PNG named .txt is refused as binary', async () => {
    const outcome = await uploadAndSubmit('photo.txt', PNG_HEADER);
    expectReason(outcome, 'urls', /photo\.txt is not a text file/);
  });

  it('a UTF-16 list is refused as binary (its NUL bytes), not read as garbage URLs', async () => {
    const outcome = await uploadAndSubmit('utf16.txt', Buffer.from(`${A}\r\n`, 'utf16le'));
    expectReason(outcome, 'urls', /utf16\.txt is not a text file/);
  });

  it('bytes that are not UTF-8 (no NUL) are refused as not UTF-8', async () => {
    const outcome = await uploadAndSubmit('latin.txt', invalidUtf8(256));
    expectReason(outcome, 'urls', /latin\.txt is not UTF-8/);
  });

  it('a Latin-1 URL (one undecodable byte) is refused, not sent with U+FFFD in place of the character', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${JJ_IMAGE}/caf`),
      Buffer.from([0xe9]),
      Buffer.from('.jpg\n'),
    ]);
    const outcome = await uploadAndSubmit('cafe.txt', latin1);
    expectReason(outcome, 'urls', /file cafe\.txt line 1: /, /U\+FFFD/, /UTF-8/);
  });

  it('a file of every hostile line is refused with reasons', async () => {
    // Without NUL (a file with one is refused as binary) and lone surrogates (not encodable).
    const text = HOSTILE_TEXT_CASES.filter((c) => !c.text.includes('\0') && !/[\ud800-\udfff]/.test(c.text))
      .map((c) => c.text)
      .join('\n');
    const outcome = await uploadAndSubmit('hostile.csv', text);
    expectReason(outcome, 'urls', /^file hostile\.csv line 1: /, /lines cannot be purged/);
  });
});

describe('forged form state', () => {
  const other = new ModalContextCodec('another-apps-signing-secret');
  const GOOD = validUrls(1, 'forged')[0] ?? '';

  it.each([
    [
      'a real private_metadata with the channel changed',
      (m: ModalState) => m.privateMetadata.replace('C0HOSTILE', 'C0ELSEWHERE'),
    ],
    ['one signed with another signing secret', () => other.encode({ kind: 'command', channel: 'C0HOSTILE' })],
    [
      'another secret, pointing at a stashed list',
      () => other.encode({ kind: 'shortcut', channel: 'C0HOSTILE', threadTs: '1.2', stateId: 'x' }),
    ],
    [
      'the real signature over another body',
      (m: ModalState) => `${m.privateMetadata.split('.')[0]}.{"k":"command","c":"C0ELSEWHERE"}`,
    ],
    ['an unsigned body', () => '{"k":"command","c":"C0HOSTILE"}'],
    ['an empty signature', () => '.{"k":"command","c":"C0HOSTILE"}'],
    ['a truncated signature', (m: ModalState) => m.privateMetadata.slice(3)],
    ['3000 characters of junk', () => 'x.'.repeat(1500)],
  ])('refuses %s', async (_name, forge) => {
    const modal = await h.openModal(USERS.admin.id, '', 'C0HOSTILE');
    const forged = forge(modal);
    expect(forged).not.toBe(modal.privateMetadata);
    const outcome = await submitHostile(USERS.admin.id, modal, {
      company: 'JJEsquire',
      urls: GOOD,
      privateMetadata: forged,
    });
    expectReason(outcome, 'urls', /expired or was changed/);
  });

  it.each([
    [
      'a company the admin of another one may not purge',
      USERS.lead.id,
      'Example.com',
      /Only company admins may purge/,
    ],
    [
      'a company for a user who administers none',
      USERS.nobody.id,
      'JJEsquire',
      /Only company admins may purge/,
    ],
    ['a company for a guest named in its admins', USERS.guest.id, 'JJEsquire', /Guest accounts cannot purge/],
    ['a company dm-purge does not serve', USERS.admin.id, 'OtherCo', /not served by dm-purge/],
    ['a company handle instead of a name', USERS.admin.id, 'c|6', /not served by dm-purge/],
    [
      'an XML-injecting company value',
      USERS.global.id,
      'JJEsquire</companyHandle><companyHandle>c|42',
      /not served by dm-purge/,
    ],
  ])('refuses %s', async (_name, userId, company, reason) => {
    const modal = await h.openModal(userId, '', 'C0HOSTILE');
    const outcome = await submitHostile(userId, modal, { company, urls: validUrls(1, 'company')[0] });
    expectReason(outcome, 'company', reason);
  });
});

describe('hostile messages through the shortcut', () => {
  async function shortcutModal(message: Record<string, unknown>, channel = 'C0HOSTSC'): Promise<ModalState> {
    const res = await h.shortcut(USERS.lead.id, channel, { user: USERS.lead.id, ts: nextTs(), ...message });
    expect(res.status).toBe(200);
    return h.modalFor(res.triggerId);
  }

  it('links with XML, controls and tricks in text, blocks and attachments: prefilled as typed, refused on submit', async () => {
    const ipsBefore = h.ips.calls.length;
    const modal = await shortcutModal({
      text: `${slackEscape(`see ${A}</items> `)}<javascript:alert(1)|click> <data:text/html,x|y> <https://a@b|b>`,
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'link', url: `${A}\u0000b` },
                { type: 'text', text: ' and ' },
                { type: 'link', url: `${A}\u202egpj.exe` },
                { type: 'link', url: `${JJ_IMAGE}/../OtherCo/a` },
                { type: 'link', url: 'https://s7d7.scene7.com:443/is/image/JJEsquire/a' },
                { type: 'text', text: `\n${JJ_IMAGE.replace('JJEsquire', 'JJ%45squire')}/a` },
              ],
            },
          ],
        },
      ],
      attachments: [
        {
          title_link: `${A}#frag`,
          from_url: 'https://ｓ７ｄ７.scene7.com/is/image/JJEsquire/a',
          image_url: 'javascript:alert(1)',
          text: '<https://s7d7.scene7.com/is/image/jjesquire/a|case>',
        },
      ],
    });
    const prefill = modal.initialUrls?.split('\n') ?? [];
    // Near misses are prefilled as they were (unescaped; a bare URL loses the `>` prose puts after
    // it), so the submit can say what is wrong.
    expect(prefill).toContain(`${A}</items`);
    expect(prefill).toContain(`${A}\u0000b`);
    expect(prefill).toContain(`${JJ_IMAGE}/../OtherCo/a`);
    // Links no company could accept are listed as ignored, not prefilled.
    const notes = contextTexts(modal.view);
    expect(notes).toMatch(/javascript/);
    expect(notes).toMatch(/data/);
    expect(prefill.join('\n')).not.toMatch(/javascript|data:/);

    const outcome = await submitHostile(USERS.lead.id, modal, {
      company: 'JJEsquire',
      urls: modal.initialUrls,
    });
    expectReason(outcome, 'urls', /character </, /control character/, /invisible/, /lines cannot be purged/);
    expect(invalidations(ipsBefore)).toEqual([]);
  });

  it('more hostile links than the box holds: the stashed list is refused on submit', async () => {
    const links = Array.from({ length: 200 }, (_, i) => `<${JJ_IMAGE}/s-${i}&lt;b>`).join(' ');
    const modal = await shortcutModal({ text: links });
    expect(modal.initialUrls).toBeUndefined();
    expect(contextTexts(modal.view)).toMatch(/200 URLs from the message are attached/);
    const outcome = await submitHostile(USERS.lead.id, modal, { company: 'JJEsquire' });
    expectReason(outcome, 'urls', /character </, /200 of 200 lines cannot be purged/);
  });

  it('12,000 valid links in one message are refused whole by the per-purge limit', async () => {
    // Just under the 1 MB a message may carry (see the next-but-one test for over it).
    const elements = validUrls(12_000, 'flood').map((url) => ({ type: 'link', url }));
    const modal = await shortcutModal({
      blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements }] }],
    });
    expect(contextTexts(modal.view)).toMatch(/12,000 URLs from the message are attached/);
    const outcome = await submitHostile(USERS.lead.id, modal, { company: 'JJEsquire' });
    expectReason(outcome, 'urls', /12,000 URLs/, /limit is 10,000/);
  });

  it('blocks nested thousands of levels deep open the form without crashing', async () => {
    const modal = await shortcutModal({ blocks: nestedBlocks(1000, { type: 'link', url: `${A}<deep>` }) });
    expect(modal.initialUrls).toBeUndefined();
    expect(contextTexts(modal.view)).toMatch(/No links found/);
  });

  it('a message over 1 MB opens no form but says why (the 1 MB limit), and sends nothing', async () => {
    const ipsBefore = h.ips.calls.length;
    const mark = h.slack.calls.length;
    const res = await h.shortcut(USERS.lead.id, 'C0HOSTBIG', {
      user: USERS.lead.id,
      ts: nextTs(),
      text: textOfSize(1_100_000, 'huge-message'),
    });
    expect(res.status).toBe(200);
    const told = await h.slack.waitFor(
      (c) =>
        c.method === 'views.open' && c.args.trigger_id === res.triggerId && h.slack.calls.indexOf(c) >= mark,
    );
    const text = JSON.stringify(told.args.view);
    expect(text).toMatch(/1 MB/);
    expect(text).toMatch(/\/purge/);
    expect(text).not.toContain('"type":"input"');
    expect(invalidations(ipsBefore)).toEqual([]);
  });
});

describe('after all of it', () => {
  it('the process is healthy and ordinary purges still work, through the modal and the shortcut', async () => {
    const health = await fetch(`${h.base}/healthz`);
    expect(health.status).toBe(200);

    const typed = validUrls(3, 'after-hostile');
    for (const u of typed) intended.add(u);
    const ipsBefore = h.ips.calls.length;
    const modal = await h.openModal(USERS.admin.id, '', 'C0AFTER');
    const res = await h.submit(USERS.admin.id, modal, { company: 'JJEsquire', urls: typed.join('\n') });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const call = await until(() => invalidations(ipsBefore)[0]);
    expect(call.urls).toEqual(typed);
    await until(() => h.slack.messages('C0AFTER').find((m) => /Done/.test(m.text ?? '')));

    const link = `${JJ_IMAGE}/after-shortcut?$product$&wid=300`;
    intended.add(link);
    const ts = nextTs();
    const sc = await h.shortcut(USERS.lead.id, 'C0AFTERSC', {
      user: USERS.lead.id,
      ts,
      text: `<${slackEscape(link)}>`,
    });
    const scModal = await h.modalFor(sc.triggerId);
    expect(scModal.initialUrls).toBe(link);
    const scBefore = h.ips.calls.length;
    const scRes = await h.submit(USERS.lead.id, scModal, { company: 'JJEsquire', urls: scModal.initialUrls });
    expect(scRes.body).toBe('');
    const scCall = await until(() => invalidations(scBefore)[0]);
    expect(scCall.urls).toEqual([link]);
    await until(() =>
      h.slack.messages('C0AFTERSC').find((m) => m.thread_ts === ts && /Done/.test(m.text ?? '')),
    );

    // Over the whole file, IPS saw only the URLs purged on purpose.
    const sent = invalidations(0).flatMap((c) => c.urls ?? []);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((u) => !intended.has(u))).toEqual([]);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });
});
