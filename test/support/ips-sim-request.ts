import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SOAP11_NS, SOAP12_NS, scanRequest } from './ips-sim-scan.js';
import { type EnvelopeKind, IPS_BASE_NS, SimFault } from './ips-sim-soap.js';
import {
  assertXmlChars,
  normalizeLineEnds,
  strictEntityDecoder,
  XmlSyntaxError,
} from './ips-sim-xml-text.js';

/** Turns a request body into what the operations need, or throws a SimFault (30003 for anything unreadable). */

export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set([
  'cdnCacheInvalidation',
  'getCompanyInfo',
  'getCompanyMembership',
  'getCompanyMembers',
  'getCdnCacheInvalidationStatus',
  'checkLogin',
  'getUserInfo',
]);

const VERSIONED_NS = /^http:\/\/www\.scene7\.com\/IpsApi\/xsd\/\d{4}-\d{2}-\d{2}(?:-beta)?$/;

export type Params = Record<string, unknown>;

export interface AuthFields {
  user?: string;
  password?: string;
  locale?: string;
  appName?: string;
  appVersion?: string;
  gzipResponse?: string;
  faultHttpStatusCode?: string;
}

export interface SimRequest {
  envelope: EnvelopeKind;
  operation: string;
  bodyNamespace: string;
  /** Undefined when no authHeader in an IPS namespace was sent. */
  authNamespace: string | undefined;
  auth: AuthFields;
  params: Params;
  /** `urlArray/items` when the param has a urlArray. */
  urls: string[] | undefined;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'items',
  entityDecoder: strictEntityDecoder,
});

function invalidXml(message: string): SimFault {
  return new SimFault(30003, `Invalid request XML: ${message}`);
}

function asObject(v: unknown): Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Params) : {};
}

const AUTH_FIELDS = [
  'user',
  'password',
  'locale',
  'appName',
  'appVersion',
  'gzipResponse',
  'faultHttpStatusCode',
] as const;

function authFields(header: Params): AuthFields {
  const out: AuthFields = {};
  for (const name of AUTH_FIELDS) {
    const v = header[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

export function isIpsNamespace(ns: string): boolean {
  return ns === IPS_BASE_NS || VERSIONED_NS.test(ns);
}

/** `expect` is what the endpoint serves: SOAP envelopes, or the POX `<Request>` form. */
export function readRequest(body: string, expect: 'soap' | 'pox'): SimRequest {
  let scanned: ReturnType<typeof scanRequest>;
  let tree: Params;
  try {
    assertXmlChars(body);
    const doc = normalizeLineEnds(body);
    scanned = scanRequest(doc);
    const valid = XMLValidator.validate(scanned.skeleton);
    if (valid !== true) throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line})`);
    tree = asObject(parser.parse(scanned.skeleton));
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw invalidXml(err.message);
    throw invalidXml(err instanceof Error ? err.message : String(err));
  }

  const { root, param } = scanned;
  let envelope: EnvelopeKind;
  let container: Params;
  let header: Params | undefined;
  if (expect === 'soap') {
    if (root.local !== 'Envelope' || (root.ns !== SOAP11_NS && root.ns !== SOAP12_NS)) {
      throw invalidXml(`expected a SOAP Envelope, got {${root.ns}}${root.local}`);
    }
    envelope = root.ns === SOAP12_NS ? 'soap12' : 'soap11';
    const env = asObject(tree.Envelope);
    container = asObject(env.Body);
    header = asObject(env.Header);
  } else {
    if (root.local !== 'Request') throw invalidXml(`expected a Request element, got ${root.local}`);
    envelope = 'pox';
    container = asObject(tree.Request);
    header = container;
  }
  if (!param || scanned.bodyElements !== 1) {
    throw invalidXml(`the body must hold exactly one operation element, found ${scanned.bodyElements}`);
  }
  if (!param.local.endsWith('Param') || !KNOWN_OPERATIONS.has(param.local.slice(0, -5))) {
    throw invalidXml(`unknown operation element '${param.local}'`);
  }
  if (!VERSIONED_NS.test(param.ns)) {
    throw invalidXml(
      `operation element '${param.local}' is not in a versioned IPS namespace (got '${param.ns}')`,
    );
  }
  if (scanned.paramChildNamespace !== undefined && scanned.paramChildNamespace !== param.ns) {
    throw invalidXml(
      `children of '${param.local}' must be qualified in '${param.ns}' (got '${scanned.paramChildNamespace}')`,
    );
  }
  const authOk = scanned.authNamespace !== undefined && isIpsNamespace(scanned.authNamespace);
  return {
    envelope,
    operation: param.local.slice(0, -5),
    bodyNamespace: param.ns,
    authNamespace: authOk ? scanned.authNamespace : undefined,
    auth: authOk ? authFields(asObject(header.authHeader)) : {},
    params: asObject(container[param.local]),
    urls: scanned.urls,
  };
}
