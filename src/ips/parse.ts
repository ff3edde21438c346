import { type EntityDecoderOptions, type X2jOptions, XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { IpsOperation } from './envelope.js';
import { IpsFault, type IpsFaultKind, IpsTransportError } from './errors.js';
import type {
  CdnInvalidation,
  CdnInvalidationStatus,
  CompanyInfo,
  CompanyMember,
  CompanyMembership,
} from './types.js';
import { decodeXmlEntities } from './xml.js';

/**
 * Decodes only the predefined entities and character references. Entities a document tries to
 * declare are ignored: nothing expands, so there is no expansion to limit.
 */
const ENTITY_DECODER: EntityDecoderOptions = {
  decode: decodeXmlEntities,
  addInputEntities: () => {},
  setExternalEntities: () => {},
  reset: () => {},
  setXmlVersion: () => {},
};

/**
 * Parser options for IPS replies. Exported so tests read XML exactly the way the client does.
 * - `parseTagValue: false`: handles such as `c|6` or `007` must stay strings; zod converts numbers.
 * - `entityDecoder`: fast-xml-parser 5 decodes numeric references (`&#233;`, `&#13;`) only with
 *   `htmlEntities`, which also builds a large HTML entity table on every parse (tripling the cost
 *   of a small reply); this decoder handles exactly what XML defines.
 * - `jPath: false`: no path strings are built per element (`isArray` needs only the name).
 * - `isArray` for `items`: a one-element list is still a list.
 */
export const IPS_XML_PARSER_OPTIONS: Partial<X2jOptions> = {
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreAttributes: true,
  processEntities: true,
  entityDecoder: ENTITY_DECODER,
  jPath: false,
  isArray: (name: string) => name === 'items',
};

const parser = new XMLParser(IPS_XML_PARSER_OPTIONS);

/** A Map, so element names such as `toString` find nothing. */
const FAULT_KINDS: ReadonlyMap<string, IpsFaultKind> = new Map([
  ['authenticationFault', 'authentication'],
  ['authorizationFault', 'authorization'],
  ['ipsApiFault', 'ipsApi'],
]);

type XmlNode = Record<string, unknown>;

function isNode(v: unknown): v is XmlNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own properties only: parsed element names must never reach `Object.prototype`. */
function child(node: XmlNode, name: string): unknown {
  return Object.hasOwn(node, name) ? node[name] : undefined;
}

/** Element names of a node in document order, without text and declaration entries. */
function elementNames(node: XmlNode): string[] {
  return Object.keys(node).filter((k) => k[0] !== '#' && k[0] !== '?' && k[0] !== '!');
}

const NON_BLANK = /\S/;

export function invalidResponse(
  operation: string,
  httpStatus: number,
  message: string,
  cause?: unknown,
): IpsTransportError {
  return new IpsTransportError(operation, 'invalid-response', `IPS ${operation}: ${message}`, {
    retryable: httpStatus >= 500 && httpStatus <= 599,
    httpStatus,
    cause,
  });
}

function firstText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return firstText(v[0]);
  return undefined;
}

/** The IPS fault in `element`: an IPS fault element (`name` = `xxxFault`) or a SOAP `Fault`. */
function toFault(operation: string, httpStatus: number, name: string, element: unknown): IpsFault {
  let kind = FAULT_KINDS.get(name);
  let detail = element;
  let soapReason: string | undefined;
  if (kind === undefined && isNode(element)) {
    // SOAP 1.1 `faultstring` / `detail`, SOAP 1.2 `Reason/Text` / `Detail`.
    const reasonNode = child(element, 'Reason');
    soapReason =
      firstText(child(element, 'faultstring')) ??
      (isNode(reasonNode) ? firstText(child(reasonNode, 'Text')) : undefined);
    const details = child(element, 'detail') ?? child(element, 'Detail');
    if (isNode(details)) {
      for (const n of elementNames(details)) {
        const k = FAULT_KINDS.get(n);
        if (k !== undefined) {
          kind = k;
          detail = child(details, n);
          break;
        }
      }
    }
  }
  if (kind === undefined) {
    // A SOAP fault without an IPS detail (a gateway, or the SOAP stack itself) is still final.
    return new IpsFault(operation, 'ipsApi', 0, soapReason ?? 'SOAP fault without IPS detail', httpStatus);
  }
  const fields = isNode(detail) ? detail : {};
  const codeText = firstText(child(fields, 'code'));
  const code = codeText !== undefined && /^\d+$/.test(codeText) ? Number(codeText) : 0;
  const reason = firstText(child(fields, 'reason')) ?? soapReason ?? '';
  return new IpsFault(operation, kind, code, reason, httpStatus);
}

/**
 * Returns the `<operation>Return` element of a reply, or throws: `IpsFault` for a SOAP fault (1.1 or
 * 1.2) or a bare IPS fault element, whatever the HTTP status; `IpsTransportError` `invalid-response`
 * for anything that is not a well-formed IPS reply (retryable only when `httpStatus` is 5xx).
 * Accepts SOAP 1.1, SOAP 1.2 and a bare (POX) return element; matches local names only.
 */
export function readReturn(operation: IpsOperation, body: string, httpStatus: number): unknown {
  if (!NON_BLANK.test(body)) throw invalidResponse(operation, httpStatus, 'empty response body');
  // SOAP messages must not carry a DOCTYPE (SOAP 1.1 §3, 1.2 part 1 §5); one here is not IPS.
  if (body.includes('<!DOCTYPE')) throw invalidResponse(operation, httpStatus, 'response carries a DOCTYPE');
  // The parser is lenient (a truncated document parses "fine"), so well-formedness is checked first.
  const wellFormed = XMLValidator.validate(body);
  if (wellFormed !== true) {
    const { msg, line } = wellFormed.err;
    throw invalidResponse(operation, httpStatus, `response is not well-formed XML (line ${line}: ${msg})`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch (err) {
    throw invalidResponse(operation, httpStatus, 'response could not be parsed', err);
  }
  if (!isNode(doc)) throw invalidResponse(operation, httpStatus, 'response has no root element');
  const rootName = elementNames(doc)[0];
  if (rootName === undefined) throw invalidResponse(operation, httpStatus, 'response has no root element');
  const root = child(doc, rootName);
  const returnName = `${operation}Return`;

  let container: XmlNode;
  if (rootName === 'Envelope') {
    const soapBody = isNode(root) ? child(root, 'Body') : undefined;
    if (!isNode(soapBody)) throw invalidResponse(operation, httpStatus, 'SOAP envelope has no Body');
    container = soapBody;
  } else {
    container = doc;
  }
  for (const name of elementNames(container)) {
    if (name === 'Fault' || FAULT_KINDS.has(name)) {
      throw toFault(operation, httpStatus, name, child(container, name));
    }
  }
  if (!Object.hasOwn(container, returnName)) {
    const found = elementNames(container)[0] ?? 'nothing';
    throw invalidResponse(operation, httpStatus, `expected ${returnName}, found ${found}`);
  }
  const value = child(container, returnName);
  // An element with no children parses to ''; treat it as an empty return.
  return value === '' ? {} : value;
}

// --- Return schemas. Every leaf arrives as a string (parseTagValue: false). ---

const xsdInt = z
  .string()
  .trim()
  .regex(/^[+-]?\d+$/, 'expected an integer')
  .transform(Number);
const xsdBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** Opaque IPS handle: kept exactly as sent, never a number. */
const handle = z.string().min(1);
/** An element that may be present but empty (`<x/>` parses to ''). */
const element = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? {} : v), schema);

const company = z.object({ companyHandle: handle, name: z.string(), rootPath: z.string().min(1) });
type Company = z.infer<typeof company>;

function toCompanyInfo(c: Company): CompanyInfo {
  return {
    companyHandle: c.companyHandle,
    name: c.name,
    rootId: c.rootPath.endsWith('/') ? c.rootPath.slice(0, -1) : c.rootPath,
  };
}

const cdnReturn = z.object({
  invalidationHandle: handle,
  estimatedSeconds: xsdInt.pipe(z.number().int().nonnegative()),
});

const companyInfoReturn = z.object({ companyInfo: company });

const membershipReturn = z.object({
  membershipArray: element(
    z.object({
      items: z.array(z.object({ company, role: z.string(), isActive: xsdBoolean })).optional(),
    }),
  ).optional(),
  // Shape before IPS 6.0: a flat list of companies, without role or activity.
  companyArray: element(
    z.object({
      items: z
        .array(company.extend({ role: z.string().optional(), isActive: xsdBoolean.optional() }))
        .optional(),
    }),
  ).optional(),
});

const membersReturn = z.object({
  memberArray: element(
    z.object({
      items: z
        .array(
          z.object({
            user: z.object({ email: z.string(), isValid: xsdBoolean.optional() }),
            role: z.string(),
            isActive: xsdBoolean.optional(),
          }),
        )
        .optional(),
    }),
  ).optional(),
});

const statusReturn = z.object({
  status: z.string().min(1),
  pingAfterSeconds: xsdInt.optional(),
  completionTime: z.string().optional(),
});

function validate<T extends z.ZodType>(
  operation: IpsOperation,
  httpStatus: number,
  schema: T,
  value: unknown,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('/') || 'return'}: ${i.message}`)
    .join('; ');
  throw invalidResponse(operation, httpStatus, `unexpected ${operation}Return (${problems})`, result.error);
}

export function parseCdnCacheInvalidation(body: string, httpStatus: number): CdnInvalidation {
  const op = 'cdnCacheInvalidation';
  const r = validate(op, httpStatus, cdnReturn, readReturn(op, body, httpStatus));
  return { invalidationHandle: r.invalidationHandle, estimatedSeconds: r.estimatedSeconds };
}

export function parseCompanyInfo(body: string, httpStatus: number): CompanyInfo {
  const op = 'getCompanyInfo';
  return toCompanyInfo(
    validate(op, httpStatus, companyInfoReturn, readReturn(op, body, httpStatus)).companyInfo,
  );
}

/**
 * The old flat `companyArray` shape carries no role or activity: role becomes `''` (no role, so
 * no admin rights are inferred from it) and membership is taken as active.
 */
export function parseCompanyMembership(body: string, httpStatus: number): CompanyMembership[] {
  const op = 'getCompanyMembership';
  const r = validate(op, httpStatus, membershipReturn, readReturn(op, body, httpStatus));
  const out: CompanyMembership[] = [];
  for (const m of r.membershipArray?.items ?? []) {
    out.push({ company: toCompanyInfo(m.company), role: m.role, active: m.isActive });
  }
  for (const c of r.companyArray?.items ?? []) {
    out.push({ company: toCompanyInfo(c), role: c.role ?? '', active: c.isActive ?? true });
  }
  return out;
}

/** A member whose `isValid` or `isActive` is missing counts as invalid or inactive (fail closed). */
export function parseCompanyMembers(body: string, httpStatus: number): CompanyMember[] {
  const op = 'getCompanyMembers';
  const r = validate(op, httpStatus, membersReturn, readReturn(op, body, httpStatus));
  return (r.memberArray?.items ?? []).map((m) => ({
    email: m.user.email,
    role: m.role,
    active: m.isActive ?? false,
    valid: m.user.isValid ?? false,
  }));
}

export function parseCdnCacheInvalidationStatus(body: string, httpStatus: number): CdnInvalidationStatus {
  const op = 'getCdnCacheInvalidationStatus';
  const r = validate(op, httpStatus, statusReturn, readReturn(op, body, httpStatus));
  return { status: r.status, pingAfterSeconds: r.pingAfterSeconds, completionTime: r.completionTime };
}
