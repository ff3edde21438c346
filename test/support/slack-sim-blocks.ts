/**
 * A light Block Kit check: the limits an app most often trips over, so a test fails the way
 * Slack would (invalid_blocks / invalid_arguments) instead of passing against a lenient fake.
 * Problems are returned as Slack-style "[ERROR] … [json-pointer:…]" lines.
 */

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOf(v: unknown): string | undefined {
  return isRecord(v) && typeof v.text === 'string' ? v.text : undefined;
}

export const MESSAGE_MAX_BLOCKS = 50;
export const MODAL_MAX_BLOCKS = 100;

class Problems {
  readonly list: string[] = [];
  add(pointer: string, msg: string): void {
    this.list.push(`[ERROR] ${msg} [json-pointer:${pointer}]`);
  }
  textMax(pointer: string, obj: unknown, max: number, required: boolean): void {
    if (obj === undefined) {
      if (required) this.add(pointer, 'must provide an object');
      return;
    }
    const t = textOf(obj);
    if (t === undefined) this.add(pointer, 'must be a text object');
    else if (t.length === 0) this.add(`${pointer}/text`, 'must be more than 0 characters');
    else if (t.length > max) this.add(`${pointer}/text`, `must be less than ${max + 1} characters`);
  }
}

function checkElement(p: Problems, ptr: string, el: unknown): void {
  if (!isRecord(el) || typeof el.type !== 'string') {
    p.add(ptr, 'must provide an element with a type');
    return;
  }
  if (typeof el.action_id === 'string' && el.action_id.length > 255) {
    p.add(`${ptr}/action_id`, 'must be less than 256 characters');
  }
  if (el.type === 'plain_text_input') {
    const max = el.max_length;
    if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000)) {
      p.add(`${ptr}/max_length`, 'must be between 1 and 3000');
    }
    if (
      typeof el.initial_value === 'string' &&
      el.initial_value.length > (typeof max === 'number' ? max : 3000)
    ) {
      p.add(`${ptr}/initial_value`, 'must be no longer than max_length');
    }
  }
  if (el.type === 'static_select' || el.type === 'multi_static_select') {
    const options = el.options;
    if (options !== undefined) {
      if (!Array.isArray(options) || options.length === 0 || options.length > 100) {
        p.add(`${ptr}/options`, 'must provide between 1 and 100 options');
      } else {
        options.forEach((o, i) => {
          p.textMax(`${ptr}/options/${i}/text`, isRecord(o) ? o.text : undefined, 75, true);
          // Slack's documented limit for an option value is 150 characters.
          if (!isRecord(o) || typeof o.value !== 'string' || o.value.length > 150) {
            p.add(`${ptr}/options/${i}/value`, 'must be a string of at most 150 characters');
          }
        });
      }
    } else if (el.option_groups === undefined) {
      p.add(ptr, 'must provide options or option_groups');
    }
  }
}

function checkBlock(p: Problems, ptr: string, block: unknown, seen: Set<string>): boolean {
  if (!isRecord(block) || typeof block.type !== 'string') {
    p.add(ptr, 'must provide a block with a type');
    return false;
  }
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string' || block.block_id.length > 255) {
      p.add(`${ptr}/block_id`, 'must be a string of at most 255 characters');
    } else if (seen.has(block.block_id)) {
      p.add(`${ptr}/block_id`, `duplicate block_id "${block.block_id}"`);
    } else seen.add(block.block_id);
  }
  switch (block.type) {
    case 'section': {
      const fields = block.fields;
      if (block.text === undefined && fields === undefined) p.add(ptr, 'must provide text or fields');
      if (block.text !== undefined) p.textMax(`${ptr}/text`, block.text, 3000, true);
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length > 10)
          p.add(`${ptr}/fields`, 'must provide at most 10 items');
        else {
          fields.forEach((f, i) => {
            p.textMax(`${ptr}/fields/${i}`, f, 2000, true);
          });
        }
      }
      if (block.accessory !== undefined) checkElement(p, `${ptr}/accessory`, block.accessory);
      break;
    }
    case 'header':
      p.textMax(`${ptr}/text`, block.text, 150, true);
      break;
    case 'context':
    case 'actions': {
      const max = block.type === 'context' ? 10 : 25;
      const els = block.elements;
      if (!Array.isArray(els) || els.length === 0 || els.length > max) {
        p.add(`${ptr}/elements`, `must provide between 1 and ${max} elements`);
      } else if (block.type === 'actions') {
        els.forEach((e, i) => {
          checkElement(p, `${ptr}/elements/${i}`, e);
        });
      }
      break;
    }
    case 'input':
      p.textMax(`${ptr}/label`, block.label, 2000, true);
      if (block.hint !== undefined) p.textMax(`${ptr}/hint`, block.hint, 2000, false);
      checkElement(p, `${ptr}/element`, block.element);
      return true;
    default:
      break;
  }
  return false;
}

export interface BlocksCheck {
  problems: string[];
  hasInput: boolean;
}

/** Checks a blocks array (`pointer` is where it sits, e.g. "/blocks" or "/view/blocks"). */
export function checkBlocks(blocks: unknown, maxBlocks: number, pointer: string): BlocksCheck {
  const p = new Problems();
  let hasInput = false;
  if (!Array.isArray(blocks)) {
    p.add(pointer, 'must provide an array');
    return { problems: p.list, hasInput };
  }
  if (blocks.length > maxBlocks) p.add(pointer, `no more than ${maxBlocks} items allowed`);
  const seen = new Set<string>();
  blocks.forEach((b, i) => {
    if (checkBlock(p, `${pointer}/${i}`, b, seen)) hasInput = true;
  });
  return { problems: p.list, hasInput };
}

/** Checks a modal view object as views.open / update / push receive it. */
export function checkModalView(view: unknown): string[] {
  const p = new Problems();
  if (!isRecord(view)) {
    p.add('/view', 'must provide an object');
    return p.list;
  }
  if (view.type !== 'modal') p.add('/view/type', 'must be "modal"');
  p.textMax('/view/title', view.title, 24, true);
  if (view.submit !== undefined) p.textMax('/view/submit', view.submit, 24, false);
  if (view.close !== undefined) p.textMax('/view/close', view.close, 24, false);
  const blocks = checkBlocks(view.blocks, MODAL_MAX_BLOCKS, '/view/blocks');
  p.list.push(...blocks.problems);
  if (blocks.hasInput && view.submit === undefined)
    p.add('/view/submit', 'must provide submit when input blocks exist');
  const limits: [string, number][] = [
    ['private_metadata', 3000],
    ['callback_id', 255],
    ['external_id', 255],
  ];
  for (const [key, max] of limits) {
    const v = view[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > max)) {
      p.add(`/view/${key}`, `must be a string of at most ${max} characters`);
    }
  }
  return p.list;
}
