import { cleanToken } from './clean.js';
import type { CompiledCompany } from './company.js';
import { shorten } from './format.js';
import type { RejectionCode } from './types.js';

/** What a candidate string is, before any validation. */
export type Classified =
  | { kind: 'url' }
  | { kind: 'id'; id: string }
  | { kind: 'reject'; code: RejectionCode; reason: string };

// A scheme of two or more characters, so `C:\…` is not taken for one.
const FAST_URL = /^https?:\/\//i;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;
const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ROOTED_ID = /^([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)$/;
const HOST_THEN_PATH = /^(?:\/\/)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d*)?\//;
const DIGIT = /[0-9]/;
const URL_OR_HOST_MARK = /[./:]/;

const URL_KIND: Classified = { kind: 'url' };

/**
 * A bare token (no `Root/` in front) is an asset ID only with a digit in it: asset IDs are mostly
 * numbers or SKUs, while the words of a pasted sentence ("please", "team") would otherwise expand
 * through the templates into URLs nobody meant. Any ID may still be written `Root/ID`.
 */
export function isBareAssetId(value: string): boolean {
  return ASSET_ID.test(value) && DIGIT.test(value);
}

/**
 * Could intake read this one token (as typed, wrapping punctuation allowed) as a URL or an asset
 * ID? False for an ordinary word. Anything with `.`, `/` or `:` counts: intake explains a host name
 * or a URL without scheme better than a generic "I don't know".
 */
export function mayBeUrlOrAssetId(token: string): boolean {
  const value = cleanToken(token, false);
  return URL_OR_HOST_MARK.test(value) || isBareAssetId(value);
}

export function classify(value: string, co: CompiledCompany): Classified {
  // Fast path: nearly every candidate is an http(s) URL.
  if (FAST_URL.test(value)) return URL_KIND;
  if (ASSET_ID.test(value)) {
    if (value.includes('.') && co.hostAllowed(value.toLowerCase())) {
      return {
        kind: 'reject',
        code: 'host-not-url',
        reason: `${value} is a host name, not a URL: paste full URLs such as https://${value}/is/image/${co.rootId}/…`,
      };
    }
    if (!DIGIT.test(value)) return wordReject(co);
    return { kind: 'id', id: value };
  }
  const rooted = ROOTED_ID.exec(value);
  const [, root = '', id = ''] = rooted ?? [];
  if (rooted !== null && root.toLowerCase() === co.rootLower) return { kind: 'id', id };
  if (HOST_THEN_PATH.test(value)) {
    return {
      kind: 'reject',
      code: 'no-scheme',
      reason: 'URL has no scheme: write it with https:// in front, exactly as it is used on the site',
    };
  }
  if (HAS_SCHEME.test(value)) return URL_KIND;
  if (rooted !== null) {
    return {
      kind: 'reject',
      code: 'id-other-company',
      reason: `${shorten(value)} belongs to another company (root ID ${root}), not ${co.name}`,
    };
  }
  return { kind: 'reject', code: 'not-url-or-id', reason: 'not a URL or asset ID' };
}

function wordReject(co: CompiledCompany): Classified {
  return {
    kind: 'reject',
    code: 'not-url-or-id',
    reason: `not a URL or asset ID; asset IDs without a digit must be written ${co.rootId}/<id>`,
  };
}
