import { SOAP11_NS, SOAP12_NS } from './ips-sim-scan.js';
import type { SimFaultKind } from './ips-sim-types.js';
import { escapeText } from './ips-sim-xml-text.js';

/** Response documents as IPS writes them: SOAP 1.1 or 1.2 envelope, or the bare element on the POX path. */

export const IPS_BASE_NS = 'http://www.scene7.com/IpsApi/xsd';

export type EnvelopeKind = 'soap11' | 'soap12' | 'pox';

/** A fault the simulator answers with; the kind follows the code range as in IPS (1xxxx, 2xxxx, 3xxxx). */
export class SimFault extends Error {
  override readonly name = 'SimFault';
  readonly kind: SimFaultKind;
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason: string, kind: SimFaultKind = faultKindOf(code)) {
    super(`${kind} fault ${code}: ${reason}`);
    this.kind = kind;
    this.code = code;
    this.reason = reason;
  }
}

export function faultKindOf(code: number): SimFaultKind {
  if (code >= 10000 && code < 20000) return 'authentication';
  if (code >= 20000 && code < 30000) return 'authorization';
  return 'ipsApi';
}

const FAULT_ELEMENT: Readonly<Record<SimFaultKind, string>> = {
  authentication: 'authenticationFault',
  authorization: 'authorizationFault',
  ipsApi: 'ipsApiFault',
};

// Free text in IPS; clients must not parse it, so the simulator uses the exception-like form seen in docs.
const FAULT_STRING: Readonly<Record<SimFaultKind, string>> = {
  authentication: 'AuthenticationException',
  authorization: 'AuthorizationException',
  ipsApi: 'ipsApiFault',
};

export function contentTypeOf(kind: EnvelopeKind): string {
  return kind === 'soap12' ? 'application/soap+xml;charset=UTF-8' : 'text/xml;charset=UTF-8';
}

function envelope(kind: 'soap11' | 'soap12', bodyContent: string): string {
  const ns = kind === 'soap12' ? SOAP12_NS : SOAP11_NS;
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${ns}"><soapenv:Header/><soapenv:Body>${bodyContent}</soapenv:Body></soapenv:Envelope>`;
}

/** `content` is the already-escaped inner XML of `<operation>Return`. */
export function successDocument(kind: EnvelopeKind, operation: string, ns: string, content: string): string {
  const ret = `<${operation}Return xmlns="${ns}">${content}</${operation}Return>`;
  return kind === 'pox' ? `<?xml version="1.0" encoding="UTF-8"?>${ret}` : envelope(kind, ret);
}

export function faultDocument(kind: EnvelopeKind, fault: SimFault): string {
  const el = FAULT_ELEMENT[fault.kind];
  const detail = `<ns1:${el} xmlns:ns1="${IPS_BASE_NS}"><ns1:code>${fault.code}</ns1:code><ns1:reason>${escapeText(fault.reason)}</ns1:reason></ns1:${el}>`;
  if (kind === 'pox') return `<?xml version="1.0" encoding="UTF-8"?>${detail}`;
  if (kind === 'soap11') {
    const code = fault.kind === 'ipsApi' ? 'soapenv:Server' : 'soapenv:Client';
    return envelope(
      kind,
      `<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${FAULT_STRING[fault.kind]}</faultstring><detail>${detail}</detail></soapenv:Fault>`,
    );
  }
  const code = fault.kind === 'ipsApi' ? 'soapenv:Receiver' : 'soapenv:Sender';
  return envelope(
    kind,
    `<soapenv:Fault><soapenv:Code><soapenv:Value>${code}</soapenv:Value></soapenv:Code><soapenv:Reason><soapenv:Text xml:lang="en">${FAULT_STRING[fault.kind]}</soapenv:Text></soapenv:Reason><soapenv:Detail>${detail}</soapenv:Detail></soapenv:Fault>`,
  );
}

/** Builds `<name>text</name>` pairs; values are escaped. Booleans and numbers are written as XSD lexical forms. */
export function fields(
  entries: ReadonlyArray<readonly [string, string | number | boolean | undefined]>,
): string {
  let out = '';
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    out += `<${name}>${typeof value === 'string' ? escapeText(value) : String(value)}</${name}>`;
  }
  return out;
}
