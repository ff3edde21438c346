import { decodeText, XmlSyntaxError } from './ips-sim-xml-text.js';

/**
 * One pass over the request's tags that resolves XML namespaces (fast-xml-parser with `removeNSPrefix`
 * drops them, and the simulator must check them) and reads `urlArray/items` itself: fast-xml-parser spends
 * ~10 ms on a 1000-URL body, this reader well under 1 ms. The rest of the document (the "skeleton", i.e.
 * the request with the urlArray content cut out) is small and goes to fast-xml-parser.
 */

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface ScannedElement {
  local: string;
  ns: string;
}

export interface ScannedRequest {
  root: ScannedElement;
  /** Namespace of the first `authHeader` (SOAP Header child, or POX Request child). */
  authNamespace: string | undefined;
  /** The operation element: the first Body child (SOAP) or first non-authHeader Request child (POX). */
  param: ScannedElement | undefined;
  /** Namespace of the param's first child element; differs from the param's when children are unqualified. */
  paramChildNamespace: string | undefined;
  /** Number of element children of the Body; document/literal allows exactly one. */
  bodyElements: number;
  /** `urlArray/items` of the param, decoded; undefined when there is no urlArray. */
  urls: string[] | undefined;
  /** The document with the urlArray content removed. */
  skeleton: string;
}

interface Scope {
  prefixes: Record<string, string> | undefined;
  parent: Scope | undefined;
}

interface Frame {
  qname: string;
  local: string;
  ns: string;
  scope: Scope;
}

const NAME = `[^\\s<>/=:"'!?][^\\s<>/=:"']*`;
const START_TAG = new RegExp(
  `<((?:${NAME}:)?${NAME})((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`,
  'y',
);
const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
const END_TAG = /<\/([^\s>]+)\s*>/y;

const ROOT_SCOPE: Scope = { prefixes: { xml: XML_NS }, parent: undefined };

function declaredPrefixes(attrs: string): Record<string, string> | undefined {
  if (!attrs.includes('xmlns')) return undefined;
  let found: Record<string, string> | undefined;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attrs); m; m = ATTRIBUTE.exec(attrs)) {
    const name = m[1] ?? '';
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    found ??= {};
    found[name === 'xmlns' ? '' : name.slice(6)] = decodeText(m[2] ?? m[3] ?? '');
  }
  return found;
}

function resolve(scope: Scope, prefix: string): string | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const uri = s.prefixes?.[prefix];
    if (uri !== undefined) return uri;
  }
  return undefined;
}

function openElement(qname: string, attrs: string, parent: Scope): Frame {
  const prefixes = declaredPrefixes(attrs);
  const scope = prefixes ? { prefixes, parent } : parent;
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const ns = resolve(scope, prefix);
  if (ns === undefined && prefix !== '')
    throw new XmlSyntaxError(`namespace prefix '${prefix}' is not declared`);
  return { qname, local: colon < 0 ? qname : qname.slice(colon + 1), ns: ns ?? '', scope };
}

/** Index just past the end of a comment, PI or CDATA section starting at `lt`, or -1 if none starts there. */
function skipMarkup(xml: string, lt: number): number {
  const next = xml.charCodeAt(lt + 1);
  let close: string;
  if (next === 0x3f /* ? */) close = '?>';
  else if (xml.startsWith('<!--', lt)) close = '-->';
  else if (xml.startsWith('<![CDATA[', lt)) close = ']]>';
  else if (next === 0x21 /* ! */) throw new XmlSyntaxError('DOCTYPE and other declarations are not allowed');
  else return -1;
  const end = xml.indexOf(close, lt + 2);
  if (end < 0) throw new XmlSyntaxError(`unterminated '${xml.slice(lt, lt + 4)}'`);
  return end + close.length;
}

/** Reads the children of urlArray from `pos` up to (not including) its end tag; returns the URLs and that index. */
function readItems(xml: string, pos: number, array: Frame): { urls: string[]; end: number } {
  const urls: string[] = [];
  let i = pos;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) throw new XmlSyntaxError('urlArray is not closed');
    if (xml.slice(i, lt).trim() !== '') throw new XmlSyntaxError('text directly inside urlArray');
    if (xml.charCodeAt(lt + 1) === 0x2f /* / */) return { urls, end: lt };
    const skipped = skipMarkup(xml, lt);
    if (skipped >= 0) {
      if (xml.startsWith('<![CDATA[', lt)) throw new XmlSyntaxError('text directly inside urlArray');
      i = skipped;
      continue;
    }
    START_TAG.lastIndex = lt;
    const m = START_TAG.exec(xml);
    if (!m) throw new XmlSyntaxError(`malformed start tag at offset ${lt}`);
    const item = openElement(m[1] ?? '', m[2] ?? '', array.scope);
    if (item.local !== 'items' || item.ns !== array.ns) {
      throw new XmlSyntaxError(`unexpected element {${item.ns}}${item.local} in urlArray`);
    }
    i = START_TAG.lastIndex;
    if (m[3] === '/') {
      urls.push('');
      continue;
    }
    const close = `</${item.qname}>`;
    let text = '';
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) throw new XmlSyntaxError('items is not closed');
      text += decodeText(xml.slice(i, next));
      if (xml.startsWith(close, next)) {
        i = next + close.length;
        break;
      }
      if (xml.startsWith('<![CDATA[', next)) {
        const end = xml.indexOf(']]>', next + 9);
        if (end < 0) throw new XmlSyntaxError('unterminated CDATA section');
        text += xml.slice(next + 9, end);
        i = end + 3;
        continue;
      }
      const skippedInItem = skipMarkup(xml, next);
      if (skippedInItem >= 0) {
        i = skippedInItem;
        continue;
      }
      END_TAG.lastIndex = next;
      const end = END_TAG.exec(xml);
      if (end && end[1] === item.qname) {
        i = END_TAG.lastIndex;
        break;
      }
      throw new XmlSyntaxError(`markup inside items at offset ${next}`);
    }
    urls.push(text);
  }
}

export function scanRequest(xml: string): ScannedRequest {
  const stack: Frame[] = [];
  let root: Frame | undefined;
  let mode: 'soap' | 'pox' | 'other' = 'other';
  let header: Frame | undefined;
  let body: Frame | undefined;
  let param: Frame | undefined;
  let authNamespace: string | undefined;
  let paramChildNamespace: string | undefined;
  let paramChildren = 0;
  let bodyElements = 0;
  let urls: string[] | undefined;
  let cut: [number, number] | undefined;
  let rootClosed = false;

  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    const skipped = skipMarkup(xml, lt);
    if (skipped >= 0) {
      i = skipped;
      continue;
    }
    if (xml.charCodeAt(lt + 1) === 0x2f /* / */) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(xml);
      const top = stack.pop();
      if (!m || !top || m[1] !== top.qname) throw new XmlSyntaxError(`mismatched end tag at offset ${lt}`);
      if (stack.length === 0) rootClosed = true;
      i = END_TAG.lastIndex;
      continue;
    }
    if (rootClosed) throw new XmlSyntaxError('content after the root element');
    START_TAG.lastIndex = lt;
    const m = START_TAG.exec(xml);
    if (!m) throw new XmlSyntaxError(`malformed start tag at offset ${lt}`);
    i = START_TAG.lastIndex;
    const parent = stack[stack.length - 1];
    const el = openElement(m[1] ?? '', m[2] ?? '', parent?.scope ?? ROOT_SCOPE);
    const selfClosing = m[3] === '/';

    if (!parent) {
      root = el;
      if (el.local === 'Envelope' && (el.ns === SOAP11_NS || el.ns === SOAP12_NS)) mode = 'soap';
      else if (el.local === 'Request') {
        mode = 'pox';
        body = el;
      }
    } else if (mode === 'soap' && parent === root && el.ns === root.ns && el.local === 'Header') {
      header = el;
    } else if (mode === 'soap' && parent === root && el.ns === root.ns && el.local === 'Body') {
      body = el;
    } else if ((parent === header || (mode === 'pox' && parent === root)) && el.local === 'authHeader') {
      authNamespace ??= el.ns;
    } else if (parent === body) {
      bodyElements++;
      param ??= el;
    } else if (parent === param) {
      paramChildren++;
      if (paramChildren === 1) paramChildNamespace = el.ns;
      if (el.local === 'urlArray' && !selfClosing && urls === undefined) {
        const read = readItems(xml, i, el);
        urls = read.urls;
        cut = [i, read.end];
        i = read.end;
      }
    }
    if (!selfClosing) stack.push(el);
  }
  if (!root) throw new XmlSyntaxError('no root element');
  if (stack.length > 0) throw new XmlSyntaxError(`element '${stack[stack.length - 1]?.qname}' is not closed`);
  return {
    root: { local: root.local, ns: root.ns },
    authNamespace,
    param: param ? { local: param.local, ns: param.ns } : undefined,
    paramChildNamespace,
    bodyElements,
    urls,
    skeleton: cut ? xml.slice(0, cut[0]) + xml.slice(cut[1]) : xml,
  };
}
